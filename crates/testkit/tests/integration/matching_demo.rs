//! The demo's matchmaking, read back from the store: figures computed
//! from the records, as the article has them (100+ cooperations made by
//! matching research supply with enterprise demand).

use std::collections::BTreeSet;

use chrono::Datelike;
use kechuang_domain::matching::{LeadStage, ListingStatus};
use kechuang_store::clock;
use kechuang_store::matching::needs::{self, NeedFilter};
use kechuang_store::matching::offers::{self, OfferFilter};
use kechuang_store::matching::projects::{self, ProjectFilter};
use kechuang_store::matching::{figures, Actor, Period};
use kechuang_testkit::spawn_app;

#[tokio::test]
async fn demo_matchmaking_reaches_the_articles_figures() {
    let app = spawn_app().await;
    let started = std::time::Instant::now();
    assert!(kechuang::demo::load_quick(&app.db).await.unwrap());
    eprintln!("demo loaded in {:.1} s", started.elapsed().as_secs_f64());
    let db = &app.db;
    let staff = Actor::system();
    let today = clock::today();

    let published = |s| OfferFilter {
        status: Some(s),
        ..Default::default()
    };
    let offers_published =
        offers::list_all(db, &staff, &published(ListingStatus::Published), 10_000)
            .await
            .unwrap();
    assert!(offers_published.len() >= 250, "{}", offers_published.len());
    for s in [
        ListingStatus::Pending,
        ListingStatus::Returned,
        ListingStatus::Withdrawn,
    ] {
        let n = offers::list_all(db, &staff, &published(s), 10_000)
            .await
            .unwrap();
        assert!(!n.is_empty(), "no offer {}", s.as_str());
    }
    let returned = offers::list_all(db, &staff, &published(ListingStatus::Returned), 10)
        .await
        .unwrap();
    assert!(returned.iter().all(|o| !o.offer.status_reason.is_empty()));

    let all_needs = needs::list_all(db, &staff, &NeedFilter::default(), 10_000)
        .await
        .unwrap();
    assert!(all_needs.len() >= 180, "{}", all_needs.len());
    assert!(all_needs.iter().any(|n| !n.need.name_public));
    assert!(all_needs.iter().any(|n| n.need.name_public));
    // Needs past their deadline were closed by the sweep; none left open.
    assert!(all_needs
        .iter()
        .any(|n| n.need.close_cause.as_deref() == Some("expired")));
    assert!(!all_needs.iter().any(|n| {
        matches!(n.need.status.as_str(), "pending" | "published")
            && n.need.deadline.is_some_and(|d| d < today)
    }));

    // Leads in every stage, some overdue.
    let o = figures::overview(db, Period::default(), today)
        .await
        .unwrap();
    eprintln!("matchmaking overview: {o:?}");
    for &stage in LeadStage::ALL {
        let n = o.by_stage.iter().find(|(s, _)| *s == stage).map(|x| x.1);
        assert!(n.unwrap_or(0) > 0, "no lead {}", stage.as_str());
    }
    assert!(o.overdue > 0);
    assert_eq!(o.offers_published as usize, offers_published.len());
    let brokers = figures::brokers(db, Period::default(), today)
        .await
        .unwrap();
    assert!(brokers.iter().filter(|b| b.signed > 0).count() >= 2);

    // 100+ cooperation projects over 2024–2026, most from signed leads,
    // some linking a technology contract.
    let counts = projects::counts(db, Period::default()).await.unwrap();
    assert!(counts.total >= 100, "{counts:?}");
    assert!(counts.from_leads * 2 > counts.total, "{counts:?}");
    let years: BTreeSet<i32> = counts.by_year.iter().map(|y| y.0).collect();
    for y in 2024..=2026 {
        assert!(years.contains(&y), "{counts:?}");
    }
    let all = projects::list_all(db, &staff, &ProjectFilter::default(), 10_000)
        .await
        .unwrap();
    assert_eq!(all.len() as u64, counts.total);
    assert!(all
        .iter()
        .any(|p| p.project.lead_id.is_some() && p.project.contract_id.is_some()));
    assert!(all.iter().all(|p| p.project.signed_on.year() >= 2024));
}
