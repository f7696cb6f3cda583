//! The demo's talent services tell the article's story from the records:
//! 4,100+ requests walked through the case engine, 99.8% of the rated ones
//! satisfied, a share of them from international talents, and the demo
//! account `rencai` an overseas expert who reads in English.

use std::time::Instant;

use kechuang_domain::auth::Role;
use kechuang_testkit::spawn_app;

/// The full demo walks 4,160 requests (about 160 s in a debug build on
/// SQLite, several times that on a database server), so this runs on the
/// embedded SQLite only; the talent service itself is tested on all three
/// databases (talent.rs, talent_pages.rs), and the other demo tests load
/// the quick demo.
#[tokio::test]
async fn demo_talent_services_reach_the_articles_figures() {
    if std::env::var("KECHUANG_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        println!("skipped: the full demo's volume is checked on SQLite");
        return;
    }
    let app = spawn_app().await;
    let t = Instant::now();
    assert!(kechuang::demo::load(&app.db).await.unwrap());
    println!("full demo loaded in {:.1} s", t.elapsed().as_secs_f64());
    let leader = app.api_client("lingdao", Role::Leader, None, None).await;
    let all = leader.get_ok("/api/v1/talent/requests?per_page=1").await;
    assert!(
        all["total"].as_u64().unwrap() >= 4_100,
        "4,100+: {}",
        all["total"]
    );
    let intl = leader
        .get_ok("/api/v1/talent/requests?per_page=1&international=true")
        .await;
    let share = intl["total"].as_f64().unwrap() / all["total"].as_f64().unwrap();
    assert!((0.2..0.5).contains(&share), "international share {share}");
    let stats = leader
        .get_ok("/api/v1/cases/statistics?channel=talent&group_by=category")
        .await;
    let total = &stats["total"];
    assert_eq!(total["received"], all["total"], "{total}");
    assert!(total["rated"].as_i64().unwrap() >= 4_000, "{total}");
    assert_eq!(total["satisfaction_permille"], 998, "99.8%: {total}");
    // The demo talent account reads in English and has requests of its own.
    let rencai = kechuang_store::accounts::find_user(&app.db, "rencai")
        .await
        .unwrap()
        .unwrap();
    let me = app.token_client(&rencai.id).await;
    let mine = me.get_ok("/api/v1/talent/me").await;
    assert_eq!(mine["lang"], "en");
    assert_eq!(mine["international"], true);
    let own = me.get_ok("/api/v1/talent/requests?per_page=1").await;
    assert!(own["total"].as_u64().unwrap() >= 20, "{own}");
}
