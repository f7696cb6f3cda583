//! The matchmaking store against a real database (SQLite by default;
//! PostgreSQL or MariaDB with `KECHUANG_TEST_DATABASE_URL`, see
//! `crate::testdb`).

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use kechuang_domain::auth::Role;
use kechuang_domain::matching::{
    ChangeKind, CloseCause, CoopMode, CoopModes, LeadStage, ListingStatus, OfferKind, TermKind,
    HIDDEN_NAME,
};
use kechuang_domain::org::OrgKind;
use kechuang_domain::transfer::ContractKind;
use kechuang_domain::ErrorCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::figures;
use super::leads::{self, LeadFilter, LeadInput, SignInput};
use super::needs::{self, NeedFilter, NeedInput, NeedSort};
use super::offers::{self, OfferFilter, OfferInput};
use super::projects::{self, ProjectFilter, ProjectInput};
use super::{changes, import, notices, sweep, terms, Actor, Period};
use crate::accounts::{self, NewUser};
use crate::entities::{match_lead, need, notification, offer, tech_contract};
use crate::testdb;
use crate::transfer::contracts::{self, ContractInput};
use crate::{at_time, Db, PageReq, Scope, StoreError};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// "Today" in these tests is 2026-06-01 (Beijing).
const NOW: &str = "2026-06-01T10:00:00+08:00";

fn page() -> PageReq {
    PageReq::first(200)
}

/// Which error a result carries: its variant and code.
fn code<T: std::fmt::Debug>(r: Result<T, StoreError>) -> (&'static str, ErrorCode) {
    match r {
        Err(StoreError::Rule { code, .. }) => ("rule", code),
        Err(StoreError::Field { code, .. }) => ("field", code),
        Err(StoreError::Conflict { code, .. }) => ("conflict", code),
        Err(StoreError::Forbidden { code, .. }) => ("forbidden", code),
        Err(StoreError::NotFound) => ("not_found", ErrorCode::NotFound),
        other => panic!("expected an error, got {other:?}"),
    }
}

fn stale<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    code(r) == ("conflict", ErrorCode::StaleVersion)
}

/// The registers, the accounts and the actors of a test.
struct World {
    firm: String,
    firm2: String,
    univ: String,
    gov: String,
    chain: String,
    node: String,
    other_node: String,
    admin: Actor,
    broker: Actor,
    broker2: Actor,
    bureau: Actor,
    leader: Actor,
    talent: Actor,
    firm_user: Actor,
    firm2_user: Actor,
    univ_user: Actor,
}

async fn account(db: &Db, name: &str, role: Role, org: Option<&str>) -> Actor {
    let u = accounts::create_user(
        db,
        "test",
        NewUser {
            username: name.into(),
            display_name: format!("{name}（测试）"),
            password: "Kc-test-2026!pass".into(),
            role,
            department_id: None,
            org_id: org.map(str::to_string),
            phone: String::new(),
        },
    )
    .await
    .expect("account");
    Actor {
        username: u.username,
        user_id: u.id.clone(),
        role,
        scope: testdb::scope_of(role, Some("dep-science"), org, &u.id),
    }
}

async fn world(db: &Db) -> World {
    let firm = testdb::org(db, "秦创新材料有限公司", OrgKind::Enterprise, Some(1)).await;
    let firm2 = testdb::org(db, "长安电子科技有限公司", OrgKind::Enterprise, Some(2)).await;
    let univ = testdb::org(db, "西部理工大学", OrgKind::University, Some(3)).await;
    let gov = testdb::org(db, "高新区科技局", OrgKind::Government, None).await;
    let chain = crate::chains::create(
        db,
        "test",
        crate::chains::ChainInput {
            name: "半导体".into(),
            description: String::new(),
            task_force_department_id: None,
        },
    )
    .await
    .unwrap()
    .id;
    let node = crate::chains::add_node(db, "test", &chain, None, "功率器件".into(), 1)
        .await
        .unwrap()
        .id;
    let chain2 = crate::chains::create(
        db,
        "test",
        crate::chains::ChainInput {
            name: "新能源汽车".into(),
            description: String::new(),
            task_force_department_id: None,
        },
    )
    .await
    .unwrap()
    .id;
    let other_node = crate::chains::add_node(db, "test", &chain2, None, "动力电池".into(), 1)
        .await
        .unwrap()
        .id;
    World {
        admin: account(db, "admin1", Role::Admin, None).await,
        broker: account(db, "broker1", Role::Broker, None).await,
        broker2: account(db, "broker2", Role::Broker, None).await,
        bureau: account(db, "bureau1", Role::Department, None).await,
        leader: account(db, "leader1", Role::Leader, None).await,
        talent: account(db, "talent1", Role::Talent, None).await,
        firm_user: account(db, "firm1", Role::Enterprise, Some(&firm)).await,
        firm2_user: account(db, "firm2", Role::Enterprise, Some(&firm2)).await,
        univ_user: account(db, "univ1", Role::Enterprise, Some(&univ)).await,
        firm,
        firm2,
        univ,
        gov,
        chain,
        node,
        other_node,
    }
}

fn offer_in(holder: &str, title: &str) -> OfferInput {
    OfferInput {
        kind: OfferKind::Result,
        title: title.into(),
        description: "6英寸碳化硅外延片的低缺陷生长工艺，已完成中试。".into(),
        keywords: vec!["碳化硅".into(), "外延".into()],
        field: "第三代半导体".into(),
        chain_id: None,
        chain_node_id: None,
        trl: Some(6),
        modes: CoopModes::of(&[CoopMode::Transfer, CoopMode::License]),
        price_min_fen: Some(50_000_000),
        price_max_fen: Some(80_000_000),
        region: "陕西省西安市".into(),
        holder_org_id: holder.into(),
        transfer_project_id: None,
        contact_name: "王工".into(),
        contact_phone: "13800000001".into(),
    }
}

fn need_in(org: &str, title: &str, public: bool) -> NeedInput {
    NeedInput {
        title: title.into(),
        description: "车规级功率模块的碳化硅衬底缺陷率偏高，寻求外延工艺合作。".into(),
        keywords: vec!["碳化硅".into(), "功率模块".into()],
        field: "第三代半导体".into(),
        chain_id: None,
        chain_node_id: None,
        trl_min: Some(5),
        trl_max: Some(8),
        modes: CoopModes::of(&[CoopMode::JointDevelopment, CoopMode::License]),
        budget_fen: Some(100_000_000),
        deadline: Some(d("2026-12-31")),
        region: "陕西省西安市".into(),
        org_id: org.into(),
        name_public: public,
        contact_name: "李经理".into(),
        contact_phone: "13900000002".into(),
    }
}

async fn published_offer(db: &Db, w: &World, by: &Actor, i: OfferInput) -> offer::Model {
    let o = offers::create(db, by, i, true).await.unwrap();
    offers::publish(db, &w.bureau, &o.id, o.version)
        .await
        .unwrap()
}

async fn published_need(db: &Db, w: &World, by: &Actor, i: NeedInput) -> need::Model {
    let n = needs::create(db, by, i, true).await.unwrap();
    needs::publish(db, &w.bureau, &n.id, n.version)
        .await
        .unwrap()
}

async fn lead(db: &Db, w: &World, need_id: &str, offer_id: &str) -> match_lead::Model {
    leads::create(
        db,
        &w.broker,
        LeadInput {
            need_id: need_id.into(),
            offer_id: offer_id.into(),
            broker_user_id: None,
            next_step: "约双方见面".into(),
            next_due_on: Some(d("2026-06-10")),
        },
    )
    .await
    .unwrap()
}

async fn audit_is_clean(db: &Db) {
    let report = crate::audit::verify(db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn publication_goes_through_review_with_versions() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    at_time(at(NOW), async {
        // An enterprise drafts its own need; not for another organisation.
        let other =
            needs::create(db, &w.firm_user, need_in(&w.firm2, "别家需求", true), false).await;
        assert_eq!(code(other), ("forbidden", ErrorCode::NotListingOwner));
        let n = needs::create(
            db,
            &w.firm_user,
            need_in(&w.firm, "碳化硅外延工艺", false),
            false,
        )
        .await
        .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Draft);
        assert!(n.submitted_at.is_none());
        assert_eq!(n.posted_by, w.firm_user.user_id);

        // Publishing a draft is refused; submitting with a stale version too.
        assert_eq!(
            code(needs::publish(db, &w.bureau, &n.id, n.version).await),
            ("rule", ErrorCode::IllegalTransition)
        );
        let n = needs::submit(db, &w.firm_user, &n.id, n.version)
            .await
            .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Pending);
        // Submitted twice: the state says no; a step from a stale version loses.
        assert_eq!(
            code(needs::submit(db, &w.firm_user, &n.id, n.version).await),
            ("rule", ErrorCode::IllegalTransition)
        );
        assert!(stale(
            needs::withdraw(db, &w.firm_user, &n.id, n.version - 1, "").await
        ));

        // Only a reviewer publishes or returns; a return needs its reason.
        assert_eq!(
            code(needs::publish(db, &w.firm_user, &n.id, n.version).await),
            ("forbidden", ErrorCode::Forbidden)
        );
        assert_eq!(
            code(needs::return_to_owner(db, &w.bureau, &n.id, n.version, "  ").await),
            ("field", ErrorCode::ReasonRequired)
        );
        let n = needs::return_to_owner(db, &w.bureau, &n.id, n.version, "请补充预算说明")
            .await
            .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Returned);
        assert_eq!(n.status_reason, "请补充预算说明");
        assert_eq!(n.reviewed_by.as_deref(), Some(w.bureau.user_id.as_str()));

        // The owner edits (still returned) and submits again; a broker publishes.
        let n = needs::update(
            db,
            &w.firm_user,
            &n.id,
            n.version,
            need_in(&w.firm, "碳化硅外延工艺合作", false),
        )
        .await
        .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Returned);
        let n = needs::submit(db, &w.firm_user, &n.id, n.version)
            .await
            .unwrap();
        let pending_version = n.version;
        let n = needs::publish(db, &w.broker, &n.id, n.version)
            .await
            .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Published);
        assert!(n.published_at.is_some());
        // A second reviewer working from the pending version: told it is
        // published now; a correction from that version loses.
        assert_eq!(
            code(needs::return_to_owner(db, &w.bureau, &n.id, pending_version, "重复").await),
            ("rule", ErrorCode::IllegalTransition)
        );
        assert!(stale(
            needs::update(
                db,
                &w.bureau,
                &n.id,
                pending_version,
                need_in(&w.firm, "旧稿", false)
            )
            .await
        ));
        assert_eq!(
            code(needs::publish(db, &w.bureau, &n.id, n.version).await),
            ("rule", ErrorCode::IllegalTransition)
        );

        // A reviewer's correction keeps it listed; the owner's change sends it back to review.
        let n = needs::update(
            db,
            &w.bureau,
            &n.id,
            n.version,
            need_in(&w.firm, "碳化硅外延工艺合作（修订）", false),
        )
        .await
        .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Published);
        let n = needs::update(
            db,
            &w.firm_user,
            &n.id,
            n.version,
            need_in(&w.firm, "碳化硅外延工艺合作", false),
        )
        .await
        .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Pending);
        let n = needs::publish(db, &w.bureau, &n.id, n.version)
            .await
            .unwrap();

        // Another firm may neither change nor withdraw it.
        assert_eq!(
            code(
                needs::update(
                    db,
                    &w.firm2_user,
                    &n.id,
                    n.version,
                    need_in(&w.firm2, "x", true)
                )
                .await
            ),
            ("forbidden", ErrorCode::NotListingOwner)
        );
        assert_eq!(
            code(needs::withdraw(db, &w.firm2_user, &n.id, n.version, "").await),
            ("forbidden", ErrorCode::NotListingOwner)
        );
        // Withdrawn, it may be submitted again; closed, it is final.
        let n = needs::withdraw(db, &w.firm_user, &n.id, n.version, "暂缓")
            .await
            .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Withdrawn);
        let n = needs::submit(db, &w.firm_user, &n.id, n.version)
            .await
            .unwrap();
        let n = needs::close(
            db,
            &w.firm_user,
            &n.id,
            n.version,
            CloseCause::Fulfilled,
            "已找到合作方",
        )
        .await
        .unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Closed);
        assert_eq!(n.close_cause.as_deref(), Some("fulfilled"));
        assert_eq!(
            code(needs::update(db, &w.bureau, &n.id, n.version, need_in(&w.firm, "y", true)).await),
            ("rule", ErrorCode::IllegalTransition)
        );
        assert_eq!(
            code(needs::delete_draft(db, &w.firm_user, &n.id, n.version).await),
            ("rule", ErrorCode::IllegalTransition)
        );

        // A draft can be deleted; a past deadline is refused.
        let draft = needs::create(db, &w.firm_user, need_in(&w.firm, "草稿", true), false)
            .await
            .unwrap();
        needs::delete_draft(db, &w.firm_user, &draft.id, draft.version)
            .await
            .unwrap();
        let mut late = need_in(&w.firm, "过期", true);
        late.deadline = Some(d("2026-05-31"));
        assert_eq!(
            code(needs::create(db, &w.firm_user, late, true).await),
            ("field", ErrorCode::DeadlinePassed)
        );

        // Offers: the holder must be a firm, university or institute; TRL,
        // prices and places are checked.
        assert_eq!(
            code(offers::create(db, &w.broker, offer_in(&w.gov, "政府成果"), true).await),
            ("field", ErrorCode::InvalidHolder)
        );
        let mut bad = offer_in(&w.univ, "成熟度");
        bad.trl = Some(10);
        assert_eq!(
            code(offers::create(db, &w.univ_user, bad, true).await),
            ("field", ErrorCode::InvalidTrl)
        );
        let mut bad = offer_in(&w.univ, "价格");
        bad.price_min_fen = Some(9);
        bad.price_max_fen = Some(1);
        assert_eq!(
            code(offers::create(db, &w.univ_user, bad, true).await),
            ("field", ErrorCode::InvalidAmount)
        );
        let mut bad = offer_in(&w.univ, "节点");
        bad.chain_id = Some(w.chain.clone());
        bad.chain_node_id = Some(w.other_node.clone());
        assert_eq!(
            code(offers::create(db, &w.univ_user, bad, true).await),
            ("field", ErrorCode::InvalidNode)
        );
        let mut bad = offer_in(&w.univ, "项目");
        bad.transfer_project_id = Some("missing".into());
        assert_eq!(
            code(offers::create(db, &w.univ_user, bad, true).await),
            ("field", ErrorCode::UnknownProject)
        );
        let mut good = offer_in(&w.univ, "碳化硅外延片低缺陷生长");
        good.chain_node_id = Some(w.node.clone());
        let o = offers::create(db, &w.univ_user, good, true).await.unwrap();
        assert_eq!(o.chain_id.as_deref(), Some(w.chain.as_str()));
        assert_eq!(o.modes, "transfer,license");
        assert_eq!(
            offers::modes_of(&o),
            CoopModes::of(&[CoopMode::Transfer, CoopMode::License])
        );
        assert_eq!(o.keywords, "碳化硅、外延");
        let o = offers::publish(db, &w.broker, &o.id, o.version)
            .await
            .unwrap();
        let o = offers::withdraw(db, &w.bureau, &o.id, o.version, "信息待核实")
            .await
            .unwrap();
        assert_eq!(offers::status_of(&o), ListingStatus::Withdrawn);
        let o = offers::submit(db, &w.univ_user, &o.id, o.version)
            .await
            .unwrap();
        let o = offers::close(
            db,
            &w.univ_user,
            &o.id,
            o.version,
            CloseCause::Other,
            "成果已转让",
        )
        .await
        .unwrap();
        assert_eq!(offers::status_of(&o), ListingStatus::Closed);
        assert!(o.closed_at.is_some());
    })
    .await;
    audit_is_clean(db).await;
}

#[tokio::test]
async fn who_sees_what_and_the_hidden_name() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    at_time(at(NOW), async {
        let hidden =
            published_need(db, &w, &w.firm_user, need_in(&w.firm, "隐名需求", false)).await;
        let public = published_need(db, &w, &w.firm_user, need_in(&w.firm, "公开需求", true)).await;
        let draft2 = needs::create(
            db,
            &w.firm2_user,
            need_in(&w.firm2, "别家草稿", true),
            false,
        )
        .await
        .unwrap();
        let o = published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "外延工艺")).await;
        let odraft = offers::create(db, &w.univ_user, offer_in(&w.univ, "供给草稿"), false)
            .await
            .unwrap();

        // Published listings for every reader; drafts for their owners and staff.
        for who in [
            &w.talent,
            &w.leader,
            &w.firm_user,
            &w.univ_user,
            &w.firm2_user,
        ] {
            let seen: HashSet<String> = needs::list(db, who, &NeedFilter::default(), page())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|r| r.need.id)
                .collect();
            assert!(
                seen.contains(&hidden.id) && seen.contains(&public.id),
                "{}",
                who.username
            );
            assert_eq!(
                seen.contains(&draft2.id),
                who.username == "firm2",
                "{}",
                who.username
            );
        }
        assert!(matches!(
            needs::get(db, &w.firm_user, &draft2.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(needs::get(db, &w.bureau, &draft2.id).await.is_ok());
        assert!(matches!(
            offers::get(db, &w.leader, &odraft.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(offers::get(db, &w.univ_user, &odraft.id).await.is_ok());
        assert!(offers::get(db, &w.broker, &odraft.id).await.is_ok());
        let listed = offers::list(db, &w.talent, &OfferFilter::default(), page())
            .await
            .unwrap();
        assert_eq!(listed.total, 1);
        assert_eq!(listed.items[0].holder_name, "西部理工大学");

        // The hidden name: masked for readers, shown to brokers and the firm itself.
        let masked = needs::detail(db, &w.talent, &hidden.id).await.unwrap();
        assert!(!masked.org_shown);
        assert_eq!(masked.org_name, HIDDEN_NAME);
        assert!(masked.need.org_id.is_empty() && masked.need.contact_phone.is_empty());
        assert!(masked.need.posted_by.is_empty());
        assert_eq!(masked.need.title, "隐名需求");
        for who in [&w.broker, &w.bureau, &w.admin, &w.firm_user] {
            let r = needs::detail(db, who, &hidden.id).await.unwrap();
            assert!(r.org_shown, "{}", who.username);
            assert_eq!(r.org_name, "秦创新材料有限公司");
            assert_eq!(r.need.contact_phone, "13900000002");
        }
        for who in [&w.leader, &w.univ_user, &w.firm2_user] {
            assert!(
                !needs::detail(db, who, &hidden.id).await.unwrap().org_shown,
                "{}",
                who.username
            );
        }
        let p = needs::detail(db, &w.talent, &public.id).await.unwrap();
        assert!(p.org_shown && p.org_name == "秦创新材料有限公司");
        // Asking by organisation does not give the hidden one away.
        let by_org = NeedFilter {
            org_id: Some(w.firm.clone()),
            ..Default::default()
        };
        let ids: Vec<String> = needs::list(db, &w.talent, &by_org, page())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|r| r.need.id)
            .collect();
        assert_eq!(ids, vec![public.id.clone()]);
        assert_eq!(
            needs::list(db, &w.broker, &by_org, page())
                .await
                .unwrap()
                .total,
            2
        );

        // The holder sees the name once a lead on the need reaches 需求确认.
        let l = lead(db, &w, &hidden.id, &o.id).await;
        assert!(
            !needs::detail(db, &w.univ_user, &hidden.id)
                .await
                .unwrap()
                .org_shown
        );
        let row = leads::detail(db, &w.univ_user, &l.id).await.unwrap();
        assert_eq!(row.need_org_name, HIDDEN_NAME);
        assert!(row.need_org_id.is_none());
        let l = leads::advance(db, &w.broker, &l.id, l.version, LeadStage::Confirmed, "")
            .await
            .unwrap();
        assert!(l.met_at.is_some());
        let r = needs::detail(db, &w.univ_user, &hidden.id).await.unwrap();
        assert!(r.org_shown);
        assert_eq!(r.org_name, "秦创新材料有限公司");
        let row = leads::detail(db, &w.univ_user, &l.id).await.unwrap();
        assert_eq!(row.need_org_name, "秦创新材料有限公司");
        assert_eq!(row.holder_name, "西部理工大学");
        // Closed after the meeting, it stays known; others still do not see it.
        leads::advance(
            db,
            &w.broker,
            &l.id,
            l.version,
            LeadStage::Closed,
            "价格未谈拢",
        )
        .await
        .unwrap();
        assert!(
            needs::detail(db, &w.univ_user, &hidden.id)
                .await
                .unwrap()
                .org_shown
        );
        assert!(
            !needs::detail(db, &w.firm2_user, &hidden.id)
                .await
                .unwrap()
                .org_shown
        );

        // Leads: the parties see theirs, other firms none, the scope All every one.
        assert_eq!(
            leads::list(db, &w.firm_user, &LeadFilter::default(), page())
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            leads::list(db, &w.univ_user, &LeadFilter::default(), page())
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            leads::list(db, &w.firm2_user, &LeadFilter::default(), page())
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            leads::list(db, &w.talent, &LeadFilter::default(), page())
                .await
                .unwrap()
                .total,
            0
        );
        assert_eq!(
            leads::list(db, &w.leader, &LeadFilter::default(), page())
                .await
                .unwrap()
                .total,
            1
        );
        assert!(matches!(
            leads::get(db, &w.firm2_user, &l.id).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn expired_needs_close_by_themselves() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    let (soon, later, open, draft) = at_time(at("2026-03-01T10:00:00+08:00"), async {
        let mut a = need_in(&w.firm, "三月底截止", true);
        a.deadline = Some(d("2026-03-31"));
        let mut b = need_in(&w.firm, "年底截止", true);
        b.deadline = Some(d("2026-12-31"));
        let mut c = need_in(&w.firm, "长期有效", true);
        c.deadline = None;
        let mut e = need_in(&w.firm, "草稿不动", true);
        e.deadline = Some(d("2026-03-15"));
        let soon = published_need(db, &w, &w.firm_user, a).await;
        let later = published_need(db, &w, &w.firm_user, b).await;
        let open = published_need(db, &w, &w.firm_user, c).await;
        let mut p = need_in(&w.firm, "待审核也关", true);
        p.deadline = Some(d("2026-03-20"));
        let pending = needs::create(db, &w.firm_user, p, true).await.unwrap();
        let draft = needs::create(db, &w.firm_user, e, false).await.unwrap();
        ((soon, pending), later, open, draft)
    })
    .await;
    let (soon, pending) = soon;
    let before = changes::latest(db).await.unwrap();
    // On the deadline itself the need is still open.
    assert!(sweep::close_expired_needs(db, d("2026-03-20"))
        .await
        .unwrap()
        .is_empty());
    let closed = sweep::close_expired_needs(db, d("2026-04-01"))
        .await
        .unwrap();
    assert_eq!(closed, vec![pending.id.clone(), soon.id.clone()]);
    for id in [&soon.id, &pending.id] {
        let n = needs::get(db, &w.admin, id).await.unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Closed);
        assert_eq!(n.close_cause.as_deref(), Some(CloseCause::Expired.as_str()));
        assert!(n.status_reason.contains("自动关闭"));
    }
    for id in [&later.id, &open.id] {
        assert_eq!(
            needs::status_of(&needs::get(db, &w.admin, id).await.unwrap()),
            ListingStatus::Published
        );
    }
    assert_eq!(
        needs::status_of(&needs::get(db, &w.admin, &draft.id).await.unwrap()),
        ListingStatus::Draft
    );
    let feed = changes::since(db, before, 100).await.unwrap();
    assert_eq!(feed.len(), 2);
    assert!(feed
        .iter()
        .all(|c| c.kind == "need" && c.action == "status"));
    // Earliest deadline first, needs without one last (on every backend).
    let by_deadline = NeedFilter {
        status: Some(ListingStatus::Published),
        sort: NeedSort::Deadline,
        ..Default::default()
    };
    let ids: Vec<String> = needs::list(db, &w.broker, &by_deadline, page())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.need.id)
        .collect();
    assert_eq!(ids, vec![later.id.clone(), open.id.clone()]);
    let still_open = NeedFilter {
        open_on: Some(d("2027-01-01")),
        status: Some(ListingStatus::Published),
        ..Default::default()
    };
    let ids: Vec<String> = needs::list(db, &w.talent, &still_open, page())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| r.need.id)
        .collect();
    assert_eq!(ids, vec![open.id.clone()]);
    // Sweeping again (another replica, the next day) closes nothing twice.
    assert!(sweep::close_expired_needs(db, d("2026-04-02"))
        .await
        .unwrap()
        .is_empty());
    // An expired need cannot be submitted again.
    let n = needs::get(db, &w.admin, &draft.id).await.unwrap();
    assert_eq!(
        code(at_time(at(NOW), needs::submit(db, &w.firm_user, &n.id, n.version)).await),
        ("field", ErrorCode::DeadlinePassed)
    );
    audit_is_clean(db).await;
}

#[tokio::test]
async fn every_write_of_a_listing_appends_to_the_feed_in_order() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    assert_eq!(changes::latest(db).await.unwrap(), 0);
    at_time(at(NOW), async {
        let o = offers::create(db, &w.univ_user, offer_in(&w.univ, "甲"), false)
            .await
            .unwrap();
        let o = offers::update(
            db,
            &w.univ_user,
            &o.id,
            o.version,
            offer_in(&w.univ, "甲（改）"),
        )
        .await
        .unwrap();
        let o = offers::submit(db, &w.univ_user, &o.id, o.version)
            .await
            .unwrap();
        // A refused write appends nothing.
        assert!(stale(
            offers::publish(db, &w.bureau, &o.id, o.version - 1).await
        ));
        let o = offers::publish(db, &w.bureau, &o.id, o.version)
            .await
            .unwrap();
        let n = needs::create(db, &w.firm_user, need_in(&w.firm, "乙", true), true)
            .await
            .unwrap();
        let draft = offers::create(db, &w.univ_user, offer_in(&w.univ, "丙"), false)
            .await
            .unwrap();
        offers::delete_draft(db, &w.univ_user, &draft.id, draft.version)
            .await
            .unwrap();
        let term = terms::create(db, "admin1", TermKind::Word, "碳化硅外延")
            .await
            .unwrap();

        let all = changes::since(db, 0, 100).await.unwrap();
        let got: Vec<(i64, &str, &str, &str)> = all
            .iter()
            .map(|c| {
                (
                    c.seq,
                    c.kind.as_str(),
                    c.record_id.as_str(),
                    c.action.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "offer", o.id.as_str(), "create"),
                (2, "offer", o.id.as_str(), "update"),
                (3, "offer", o.id.as_str(), "status"),
                (4, "offer", o.id.as_str(), "status"),
                (5, "need", n.id.as_str(), "create"),
                (6, "offer", draft.id.as_str(), "create"),
                (7, "offer", draft.id.as_str(), "delete"),
                (8, "term", term.id.as_str(), "create"),
            ]
        );
        assert_eq!(changes::latest(db).await.unwrap(), 8);
        let rest: Vec<i64> = changes::since(db, 5, 100)
            .await
            .unwrap()
            .iter()
            .map(|c| c.seq)
            .collect();
        assert_eq!(rest, vec![6, 7, 8]);
        assert_eq!(changes::since(db, 0, 3).await.unwrap().len(), 3);
        assert!(changes::since(db, 8, 100).await.unwrap().is_empty());
        assert_eq!(ChangeKind::parse(&all[4].kind), Some(ChangeKind::Need));

        // The index's own reads: published ones, and which of some ids still are.
        assert_eq!(offers::published(db).await.unwrap().len(), 1);
        let among = offers::published_among(db, &[o.id.clone(), draft.id.clone()])
            .await
            .unwrap();
        assert_eq!(among.len(), 1);
        assert!(needs::published_among(db, std::slice::from_ref(&n.id))
            .await
            .unwrap()
            .is_empty());
        assert!(needs::published(db).await.unwrap().is_empty());
    })
    .await;

    // Concurrent writers: numbers are given in commit order, without gaps.
    let mut tasks = vec![];
    for k in 0..12 {
        let db = db.clone();
        let who = w.univ_user.clone();
        let univ = w.univ.clone();
        tasks.push(tokio::spawn(async move {
            at_time(at(NOW), async {
                offers::create(&db, &who, offer_in(&univ, &format!("并发{k}")), true)
                    .await
                    .unwrap()
                    .id
            })
            .await
        }));
    }
    let mut made = HashSet::new();
    for t in tasks {
        made.insert(t.await.unwrap());
    }
    let all = changes::since(db, 8, 100).await.unwrap();
    let seqs: Vec<i64> = all.iter().map(|c| c.seq).collect();
    assert_eq!(seqs, (9..=20).collect::<Vec<i64>>());
    let named: HashSet<String> = all.into_iter().map(|c| c.record_id).collect();
    assert_eq!(named, made);
    assert_eq!(changes::latest(db).await.unwrap(), 20);
}

#[tokio::test]
async fn one_open_lead_per_pair() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    at_time(at(NOW), async {
        let n = published_need(db, &w, &w.firm_user, need_in(&w.firm, "需求", true)).await;
        let o = published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "供给")).await;
        let o2 = published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "另一供给")).await;
        let unpublished = offers::create(db, &w.univ_user, offer_in(&w.univ, "待审"), true)
            .await
            .unwrap();

        let input = |offer_id: &str| LeadInput {
            need_id: n.id.clone(),
            offer_id: offer_id.into(),
            broker_user_id: None,
            next_step: "电话沟通".into(),
            next_due_on: None,
        };
        assert_eq!(
            code(leads::create(db, &w.firm_user, input(&o.id)).await),
            ("forbidden", ErrorCode::Forbidden)
        );
        assert_eq!(
            code(leads::create(db, &w.broker, input(&unpublished.id)).await),
            ("rule", ErrorCode::ListingNotPublished)
        );
        assert_eq!(
            code(leads::create(db, &w.broker, input("missing")).await),
            ("field", ErrorCode::UnknownOffer)
        );
        let mut not_broker = input(&o.id);
        not_broker.broker_user_id = Some(w.bureau.user_id.clone());
        assert_eq!(
            code(leads::create(db, &w.admin, not_broker).await),
            ("field", ErrorCode::NotABroker)
        );
        // An administrator assigns it to a broker.
        let mut assigned = input(&o.id);
        assigned.broker_user_id = Some(w.broker2.user_id.clone());
        let first = leads::create(db, &w.admin, assigned).await.unwrap();
        assert_eq!(leads::stage_of(&first), LeadStage::Contact);
        assert_eq!(first.broker_user_id, w.broker2.user_id);
        assert_eq!(first.created_by, w.admin.user_id);
        assert_eq!(
            code(leads::create(db, &w.broker, input(&o.id)).await),
            ("conflict", ErrorCode::LeadOpen)
        );
        // Another offer for the same need is another pair.
        leads::create(db, &w.broker, input(&o2.id)).await.unwrap();

        // Closed, the pair may be worked again.
        leads::advance(
            db,
            &w.broker2,
            &first.id,
            first.version,
            LeadStage::Closed,
            "企业暂停项目",
        )
        .await
        .unwrap();
        let again = leads::create(db, &w.broker, input(&o.id)).await.unwrap();
        assert_ne!(again.id, first.id);
    })
    .await;

    // Brokers racing for one new pair: one lead.
    let (n, o) = at_time(at(NOW), async {
        (
            published_need(db, &w, &w.firm2_user, need_in(&w.firm2, "抢单需求", true)).await,
            published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "抢单供给")).await,
        )
    })
    .await;
    let mut tasks = vec![];
    for k in 0..6 {
        let db = db.clone();
        let who = if k % 2 == 0 {
            w.broker.clone()
        } else {
            w.broker2.clone()
        };
        let (nid, oid) = (n.id.clone(), o.id.clone());
        tasks.push(tokio::spawn(async move {
            leads::create(
                &db,
                &who,
                LeadInput {
                    need_id: nid,
                    offer_id: oid,
                    broker_user_id: None,
                    next_step: String::new(),
                    next_due_on: None,
                },
            )
            .await
        }));
    }
    let mut made = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => made += 1,
            Err(StoreError::Conflict {
                code: ErrorCode::LeadOpen,
                ..
            }) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(made, 1);
    let open = match_lead::Entity::find()
        .filter(match_lead::Column::NeedId.eq(n.id.clone()))
        .count(db)
        .await
        .unwrap();
    assert_eq!(open, 1);
    audit_is_clean(db).await;
}

#[tokio::test]
async fn stages_move_one_step_or_close() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    at_time(at(NOW), async {
        let n = published_need(db, &w, &w.firm_user, need_in(&w.firm, "需求", true)).await;
        let o = published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "供给")).await;
        let l = lead(db, &w, &n.id, &o.id).await;
        assert!(l.met_at.is_none());
        assert_eq!(
            code(leads::advance(db, &w.broker, &l.id, l.version, LeadStage::Negotiating, "").await),
            ("rule", ErrorCode::IllegalTransition)
        );
        assert_eq!(
            code(leads::advance(db, &w.broker, &l.id, l.version, LeadStage::Contact, "").await),
            ("rule", ErrorCode::SameStage)
        );
        assert_eq!(
            code(leads::advance(db, &w.broker, &l.id, l.version, LeadStage::Signed, "").await),
            ("rule", ErrorCode::IllegalTransition)
        );
        // Another broker's lead is not ours to move.
        assert_eq!(
            code(leads::advance(db, &w.broker2, &l.id, l.version, LeadStage::Confirmed, "").await),
            ("forbidden", ErrorCode::NotLeadBroker)
        );
        let l = leads::advance(db, &w.broker, &l.id, l.version, LeadStage::Confirmed, "")
            .await
            .unwrap();
        assert_eq!(leads::stage_of(&l), LeadStage::Confirmed);
        let met = l.met_at;
        assert!(met.is_some());
        assert!(stale(
            leads::advance(
                db,
                &w.broker,
                &l.id,
                l.version - 1,
                LeadStage::Negotiating,
                ""
            )
            .await
        ));
        let l = leads::advance(db, &w.broker, &l.id, l.version, LeadStage::Negotiating, "")
            .await
            .unwrap();
        assert_eq!(l.met_at, met);
        assert_eq!(
            code(leads::advance(db, &w.broker, &l.id, l.version, LeadStage::Confirmed, "").await),
            ("rule", ErrorCode::IllegalTransition)
        );
        assert_eq!(
            code(leads::advance(db, &w.broker, &l.id, l.version, LeadStage::Closed, " ").await),
            ("field", ErrorCode::ReasonRequired)
        );
        let l = leads::set_next_step(
            db,
            &w.broker,
            &l.id,
            l.version,
            "报价",
            Some(d("2026-06-05")),
        )
        .await
        .unwrap();
        assert_eq!(l.next_step, "报价");
        // An administrator may move any lead.
        let l = leads::advance(
            db,
            &w.admin,
            &l.id,
            l.version,
            LeadStage::Closed,
            "需求方另选方案",
        )
        .await
        .unwrap();
        assert_eq!(leads::stage_of(&l), LeadStage::Closed);
        assert_eq!(l.close_reason, "需求方另选方案");
        assert!(l.closed_at.is_some());
        for to in [LeadStage::Contact, LeadStage::Confirmed, LeadStage::Closed] {
            assert_eq!(
                code(leads::advance(db, &w.broker, &l.id, l.version, to, "再次").await),
                ("rule", ErrorCode::IllegalTransition)
            );
        }
        assert_eq!(
            code(leads::set_next_step(db, &w.broker, &l.id, l.version, "x", None).await),
            ("rule", ErrorCode::IllegalTransition)
        );
    })
    .await;
    audit_is_clean(db).await;
}

#[tokio::test]
async fn signing_links_the_contract_and_records_the_project() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    at_time(at(NOW), async {
        let mut ni = need_in(&w.firm, "车规级功率模块外延", false);
        ni.chain_node_id = Some(w.node.clone());
        let n = published_need(db, &w, &w.firm_user, ni).await;
        let o = published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "低缺陷外延工艺")).await;
        let o2 = published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "另一工艺")).await;
        let contract = contracts::create(
            db,
            "broker1",
            ContractInput {
                contract_no: "2026610000001".into(),
                title: "碳化硅外延技术许可".into(),
                kind: ContractKind::Licence,
                seller_org_id: Some(w.univ.clone()),
                seller_name: "西部理工大学".into(),
                buyer_org_id: Some(w.firm.clone()),
                buyer_name: "秦创新材料有限公司".into(),
                amount_fen: 120_000_000,
                tech_amount_fen: 100_000_000,
                signed_on: d("2026-05-28"),
                registered_on: d("2026-05-30"),
                project_id: None,
                lead_id: None,
                chain_id: None,
            },
        )
        .await
        .unwrap();
        let mut l = lead(db, &w, &n.id, &o.id).await;
        let sign_in = |contract_id: Option<String>, amount: Option<i64>| SignInput {
            signed_on: d("2026-05-28"),
            amount_fen: amount,
            contract_id,
            title: None,
            mode: Some(CoopMode::License),
            note: "经纪人促成".into(),
        };
        // Not before 方案洽谈.
        assert_eq!(
            code(
                leads::sign(
                    db,
                    &w.broker,
                    &l.id,
                    l.version,
                    sign_in(Some(contract.id.clone()), None)
                )
                .await
            ),
            ("rule", ErrorCode::IllegalTransition)
        );
        for to in [LeadStage::Confirmed, LeadStage::Negotiating] {
            l = leads::advance(db, &w.broker, &l.id, l.version, to, "")
                .await
                .unwrap();
        }
        let mut future = sign_in(None, Some(1));
        future.signed_on = d("2026-06-02");
        assert_eq!(
            code(leads::sign(db, &w.broker, &l.id, l.version, future).await),
            ("field", ErrorCode::FutureDate)
        );
        assert_eq!(
            code(
                leads::sign(
                    db,
                    &w.broker,
                    &l.id,
                    l.version,
                    sign_in(Some("missing".into()), None)
                )
                .await
            ),
            ("field", ErrorCode::UnknownContract)
        );
        assert_eq!(
            code(leads::sign(db, &w.broker2, &l.id, l.version, sign_in(None, Some(1))).await),
            ("forbidden", ErrorCode::NotLeadBroker)
        );
        let s = leads::sign(
            db,
            &w.broker,
            &l.id,
            l.version,
            sign_in(Some(contract.id.clone()), None),
        )
        .await
        .unwrap();
        assert_eq!(leads::stage_of(&s.lead), LeadStage::Signed);
        assert_eq!(s.lead.amount_fen, Some(120_000_000));
        assert_eq!(s.lead.signed_on, Some(d("2026-05-28")));
        assert_eq!(s.lead.contract_id.as_deref(), Some(contract.id.as_str()));
        assert_eq!(
            s.lead.cooperation_project_id.as_deref(),
            Some(s.project.id.as_str())
        );
        assert_eq!(s.project.lead_id.as_deref(), Some(l.id.as_str()));
        assert_eq!(s.project.enterprise_org_id, w.firm);
        assert_eq!(s.project.partner_org_id.as_deref(), Some(w.univ.as_str()));
        assert_eq!(s.project.chain_id.as_deref(), Some(w.chain.as_str()));
        assert_eq!(s.project.title, "车规级功率模块外延");
        assert_eq!(s.project.mode, "license");
        let c = tech_contract::Entity::find_by_id(contract.id.clone())
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(c.lead_id.as_deref(), Some(l.id.as_str()));
        assert_eq!(c.version, contract.version + 1);
        assert_eq!(
            code(leads::sign(db, &w.broker, &l.id, s.lead.version, sign_in(None, Some(1))).await),
            ("rule", ErrorCode::IllegalTransition)
        );

        // The contract belongs to that lead: another cannot take it.
        let mut l2 = lead(db, &w, &n.id, &o2.id).await;
        for to in [LeadStage::Confirmed, LeadStage::Negotiating] {
            l2 = leads::advance(db, &w.broker, &l2.id, l2.version, to, "")
                .await
                .unwrap();
        }
        assert_eq!(
            code(
                leads::sign(
                    db,
                    &w.broker,
                    &l2.id,
                    l2.version,
                    sign_in(Some(contract.id.clone()), None)
                )
                .await
            ),
            ("conflict", ErrorCode::ContractLinked)
        );
        // Without a contract the amount is required; then the project has no contract.
        assert_eq!(
            code(leads::sign(db, &w.broker, &l2.id, l2.version, sign_in(None, None)).await),
            ("field", ErrorCode::InvalidAmount)
        );
        let mut titled = sign_in(None, Some(30_000_000));
        titled.title = Some("外延联合攻关".into());
        let s2 = leads::sign(db, &w.broker, &l2.id, l2.version, titled)
            .await
            .unwrap();
        assert!(s2.lead.contract_id.is_none() && s2.project.contract_id.is_none());
        assert!(s2.contract.is_none());
        assert_eq!(s2.project.title, "外延联合攻关");

        // Staff record one without a lead; enterprises may not.
        let recorded = ProjectInput {
            title: "校企共建联合实验室".into(),
            need_id: None,
            offer_id: None,
            enterprise_org_id: w.firm2.clone(),
            partner_org_id: Some(w.univ.clone()),
            chain_id: None,
            mode: Some(CoopMode::JointDevelopment),
            signed_on: d("2025-11-20"),
            amount_fen: 5_000_000,
            contract_id: None,
            note: String::new(),
        };
        assert_eq!(
            code(projects::record(db, &w.firm2_user, recorded.clone()).await),
            ("forbidden", ErrorCode::Forbidden)
        );
        let mut bad = recorded.clone();
        bad.enterprise_org_id = "missing".into();
        assert_eq!(
            code(projects::record(db, &w.bureau, bad).await),
            ("rule", ErrorCode::UnknownOrg)
        );
        let p = projects::record(db, &w.bureau, recorded).await.unwrap();
        assert!(p.lead_id.is_none());

        let all = projects::list(db, &w.leader, &ProjectFilter::default(), page())
            .await
            .unwrap();
        assert_eq!(all.total, 3);
        assert_eq!(all.items[0].enterprise_name, "秦创新材料有限公司");
        let from_leads = ProjectFilter {
            from_lead: Some(true),
            ..Default::default()
        };
        assert_eq!(
            projects::list(db, &w.broker, &from_leads, page())
                .await
                .unwrap()
                .total,
            2
        );
        // Organisations see the projects they are party to.
        assert_eq!(
            projects::list(db, &w.firm2_user, &ProjectFilter::default(), page())
                .await
                .unwrap()
                .total,
            1
        );
        assert_eq!(
            projects::list(db, &w.univ_user, &ProjectFilter::default(), page())
                .await
                .unwrap()
                .total,
            3
        );
        assert_eq!(
            projects::list(db, &w.talent, &ProjectFilter::default(), page())
                .await
                .unwrap()
                .total,
            0
        );

        let counts = projects::counts(db, Period::default()).await.unwrap();
        assert_eq!(counts.total, 3);
        assert_eq!(counts.from_leads, 2);
        assert_eq!(counts.amount_fen, 155_000_000);
        assert_eq!(counts.by_year, vec![(2025, 1), (2026, 2)]);
        assert_eq!(counts.by_chain[0].chain_name, "半导体");
        assert_eq!(counts.by_chain[0].projects, 2);
        assert_eq!(counts.by_chain[1].chain_id, None);
        let this_year = Period {
            from: Some(d("2026-01-01")),
            to: Some(d("2026-12-31")),
        };
        assert_eq!(projects::counts(db, this_year).await.unwrap().total, 2);
        let backwards = Period {
            from: Some(d("2026-12-31")),
            to: Some(d("2026-01-01")),
        };
        assert_eq!(
            code(projects::counts(db, backwards).await),
            ("field", ErrorCode::InvalidPeriod)
        );
    })
    .await;
    audit_is_clean(db).await;
}

#[tokio::test]
async fn overdue_leads_are_listed_and_supervised() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    at_time(at(NOW), async {
        let n = published_need(db, &w, &w.firm_user, need_in(&w.firm, "需求", true)).await;
        let mut ls = vec![];
        for (k, due) in ["2026-05-20", "2026-05-25", "2026-06-01", "2026-05-10"]
            .iter()
            .enumerate()
        {
            let o =
                published_offer(db, &w, &w.univ_user, offer_in(&w.univ, &format!("供给{k}"))).await;
            let l = lead(db, &w, &n.id, &o.id).await;
            let l = leads::set_next_step(db, &w.broker, &l.id, l.version, "回访", Some(d(due)))
                .await
                .unwrap();
            ls.push(l);
        }
        // The last one is closed: no longer overdue.
        let last = ls.pop().unwrap();
        leads::advance(
            db,
            &w.broker,
            &last.id,
            last.version,
            LeadStage::Closed,
            "已放弃",
        )
        .await
        .unwrap();
        let late = leads::overdue(db, &w.bureau, d("2026-06-01"), page())
            .await
            .unwrap();
        let ids: Vec<&str> = late.items.iter().map(|r| r.lead.id.as_str()).collect();
        assert_eq!(ids, vec![ls[0].id.as_str(), ls[1].id.as_str()]);
        assert!(late.items.iter().all(|r| r.overdue));
        let all = leads::list(db, &w.broker, &LeadFilter::default(), page())
            .await
            .unwrap();
        assert_eq!(all.items.iter().filter(|r| r.overdue).count(), 2);

        let l = &ls[0];
        assert_eq!(
            code(leads::supervise(db, &w.firm_user, &l.id, l.version, "请加快").await),
            ("forbidden", ErrorCode::Forbidden)
        );
        assert_eq!(
            code(leads::supervise(db, &w.bureau, &l.id, l.version, " ").await),
            ("field", ErrorCode::NoteRequired)
        );
        let s = leads::supervise(db, &w.bureau, &l.id, l.version, "请本周内约见双方")
            .await
            .unwrap();
        assert_eq!(s.supervised_by.as_deref(), Some(w.bureau.user_id.as_str()));
        assert!(s.supervised_at.is_some());
        assert_eq!(s.supervision_note, "请本周内约见双方");
        let supervised = LeadFilter {
            supervised: Some(true),
            ..Default::default()
        };
        assert_eq!(
            leads::list(db, &w.bureau, &supervised, page())
                .await
                .unwrap()
                .total,
            1
        );
        let closed = leads::get(db, &w.bureau, &last.id).await.unwrap();
        assert_eq!(
            code(leads::supervise(db, &w.bureau, &closed.id, closed.version, "补督").await),
            ("rule", ErrorCode::IllegalTransition)
        );
    })
    .await;
}

#[tokio::test]
async fn a_pair_is_notified_once() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    let (n, o, o2) = at_time(at(NOW), async {
        (
            published_need(db, &w, &w.firm_user, need_in(&w.firm, "需求", false)).await,
            published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "供给")).await,
            published_offer(db, &w, &w.univ_user, offer_in(&w.univ, "供给二")).await,
        )
    })
    .await;
    assert!(!notices::claimed(db, &n.id, &o.id).await.unwrap());
    assert!(notices::claim(db, &n.id, &o.id).await.unwrap());
    assert!(!notices::claim(db, &n.id, &o.id).await.unwrap());
    assert!(notices::claimed(db, &n.id, &o.id).await.unwrap());

    let msg = notices::NoticeMessage {
        title: "有新的技术供给与您的需求匹配".into(),
        body: "“供给二”与您的需求“需求”匹配度较高".into(),
        link: format!("/matching/offers/{}", o2.id),
    };
    assert!(notices::notify_once(db, &n.id, &o2.id, msg.clone())
        .await
        .unwrap());
    assert!(!notices::notify_once(db, &n.id, &o2.id, msg.clone())
        .await
        .unwrap());
    let inbox = notification::Entity::find()
        .filter(notification::Column::UserId.eq(w.firm_user.user_id.clone()))
        .all(db)
        .await
        .unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].link, msg.link);
    assert!(matches!(
        notices::notify_once(db, "missing", &o2.id, msg.clone()).await,
        Err(StoreError::NotFound)
    ));
    // A need no longer open is not told, and the pair stays unclaimed.
    let closed = at_time(at(NOW), async {
        let c = published_need(db, &w, &w.firm_user, need_in(&w.firm, "已解决", true)).await;
        needs::close(
            db,
            &w.firm_user,
            &c.id,
            c.version,
            CloseCause::Fulfilled,
            "",
        )
        .await
        .unwrap()
    })
    .await;
    assert!(!notices::notify_once(db, &closed.id, &o.id, msg)
        .await
        .unwrap());
    assert!(!notices::claimed(db, &closed.id, &o.id).await.unwrap());

    // Replicas racing for one pair: one wins.
    let mut tasks = vec![];
    for _ in 0..8 {
        let db = db.clone();
        let (nid, oid) = (n.id.clone(), format!("offer-{}", "race"));
        tasks.push(tokio::spawn(async move {
            notices::claim(&db, &nid, &oid).await
        }));
    }
    let mut won = 0;
    for t in tasks {
        if t.await.unwrap().unwrap() {
            won += 1;
        }
    }
    assert_eq!(won, 1);
}

#[tokio::test]
async fn imports_are_all_or_nothing() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    at_time(at(NOW), async {
        let before = changes::latest(db).await.unwrap();
        let mut rows = vec![
            offer_in(&w.univ, "导入一"),
            offer_in(&w.firm, "导入二"),
            offer_in(&w.gov, "导入三"),
        ];
        match import::offers(db, &w.broker, rows.clone(), ListingStatus::Published).await {
            Err((3, StoreError::Field { code, .. })) => assert_eq!(code, ErrorCode::InvalidHolder),
            other => panic!("{other:?}"),
        }
        assert_eq!(offer::Entity::find().count(db).await.unwrap(), 0);
        assert_eq!(changes::latest(db).await.unwrap(), before);

        // An organisation imports its own offers only, and not as published.
        match import::offers(
            db,
            &w.univ_user,
            vec![offer_in(&w.univ, "甲")],
            ListingStatus::Published,
        )
        .await
        {
            Err((0, StoreError::Forbidden { .. })) => {}
            other => panic!("{other:?}"),
        }
        match import::offers(
            db,
            &w.univ_user,
            vec![offer_in(&w.univ, "甲"), offer_in(&w.firm, "乙")],
            ListingStatus::Pending,
        )
        .await
        {
            Err((2, StoreError::Forbidden { code, .. })) => {
                assert_eq!(code, ErrorCode::NotListingOwner)
            }
            other => panic!("{other:?}"),
        }

        rows[2].holder_org_id = w.univ.clone();
        let ids = import::offers(db, &w.broker, rows, ListingStatus::Published)
            .await
            .unwrap();
        assert_eq!(ids.len(), 3);
        let listed = offers::list(db, &w.talent, &OfferFilter::default(), page())
            .await
            .unwrap();
        assert_eq!(listed.total, 3);
        let feed = changes::since(db, before, 100).await.unwrap();
        let fed: Vec<&str> = feed.iter().map(|c| c.record_id.as_str()).collect();
        assert_eq!(fed, ids.iter().map(String::as_str).collect::<Vec<_>>());

        let mut late = need_in(&w.firm, "过期", true);
        late.deadline = Some(d("2026-01-01"));
        match import::needs(
            db,
            &w.firm_user,
            vec![need_in(&w.firm, "需一", true), late],
            ListingStatus::Pending,
        )
        .await
        {
            Err((2, StoreError::Field { code, .. })) => assert_eq!(code, ErrorCode::DeadlinePassed),
            other => panic!("{other:?}"),
        }
        assert_eq!(need::Entity::find().count(db).await.unwrap(), 0);
        let ids = import::needs(
            db,
            &w.firm_user,
            vec![
                need_in(&w.firm, "需一", true),
                need_in(&w.firm, "需二", false),
            ],
            ListingStatus::Pending,
        )
        .await
        .unwrap();
        assert_eq!(ids.len(), 2);
        let n = needs::get(db, &w.bureau, &ids[1]).await.unwrap();
        assert_eq!(needs::status_of(&n), ListingStatus::Pending);
        assert!(!n.name_public);
        assert_eq!(changes::latest(db).await.unwrap(), before + 5);
    })
    .await;
    audit_is_clean(db).await;
}

#[tokio::test]
async fn broker_figures() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let w = world(db).await;
    at_time(at(NOW), async {
        let n = published_need(db, &w, &w.firm_user, need_in(&w.firm, "需求", true)).await;
        let mut offers_made = vec![];
        for k in 0..4 {
            offers_made.push(
                published_offer(db, &w, &w.univ_user, offer_in(&w.univ, &format!("供给{k}"))).await,
            );
        }
        // broker1: two signed (one last year by date), one open and overdue.
        for (k, (on, amount)) in [("2026-05-20", 40_000_000), ("2025-12-30", 10_000_000)]
            .iter()
            .enumerate()
        {
            let mut l = lead(db, &w, &n.id, &offers_made[k].id).await;
            for to in [LeadStage::Confirmed, LeadStage::Negotiating] {
                l = leads::advance(db, &w.broker, &l.id, l.version, to, "")
                    .await
                    .unwrap();
            }
            leads::sign(
                db,
                &w.broker,
                &l.id,
                l.version,
                SignInput {
                    signed_on: d(on),
                    amount_fen: Some(*amount),
                    contract_id: None,
                    title: None,
                    mode: None,
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        }
        let open = lead(db, &w, &n.id, &offers_made[2].id).await;
        assert_eq!(open.next_due_on, Some(d("2026-06-10")));
        leads::set_next_step(
            db,
            &w.broker,
            &open.id,
            open.version,
            "催办",
            Some(d("2026-05-30")),
        )
        .await
        .unwrap();
        // broker2: one closed.
        let l = leads::create(
            db,
            &w.broker2,
            LeadInput {
                need_id: n.id.clone(),
                offer_id: offers_made[3].id.clone(),
                broker_user_id: None,
                next_step: String::new(),
                next_due_on: None,
            },
        )
        .await
        .unwrap();
        leads::advance(
            db,
            &w.broker2,
            &l.id,
            l.version,
            LeadStage::Closed,
            "不匹配",
        )
        .await
        .unwrap();

        let this_year = Period {
            from: Some(d("2026-01-01")),
            to: Some(d("2026-12-31")),
        };
        let f = figures::brokers(db, this_year, d("2026-06-01"))
            .await
            .unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].user_id, w.broker.user_id);
        assert_eq!(f[0].display_name, "broker1（测试）");
        assert_eq!(
            (f[0].open, f[0].overdue, f[0].signed, f[0].closed),
            (1, 1, 1, 0)
        );
        assert_eq!(f[0].turnover_fen, 40_000_000);
        assert_eq!(f[1].user_id, w.broker2.user_id);
        assert_eq!(
            (f[1].open, f[1].signed, f[1].closed, f[1].turnover_fen),
            (0, 0, 1, 0)
        );
        let ever = figures::brokers(db, Period::default(), d("2026-06-01"))
            .await
            .unwrap();
        assert_eq!((ever[0].signed, ever[0].turnover_fen), (2, 50_000_000));
        let signed_by_1 = LeadFilter {
            broker_user_id: Some(w.broker.user_id.clone()),
            stage: Some(LeadStage::Signed),
            ..Default::default()
        };
        assert_eq!(
            leads::list(db, &w.bureau, &signed_by_1, page())
                .await
                .unwrap()
                .total,
            2
        );

        let o = figures::overview(db, this_year, d("2026-06-01"))
            .await
            .unwrap();
        let stage = |s: LeadStage| o.by_stage.iter().find(|(k, _)| *k == s).unwrap().1;
        assert_eq!(stage(LeadStage::Contact), 1);
        assert_eq!(stage(LeadStage::Signed), 2);
        assert_eq!(stage(LeadStage::Closed), 1);
        assert_eq!(o.overdue, 1);
        assert_eq!((o.signed, o.turnover_fen), (1, 40_000_000));
        assert_eq!((o.projects, o.projects_amount_fen), (1, 40_000_000));
        assert_eq!((o.offers_published, o.needs_published), (4, 1));
    })
    .await;
}

#[tokio::test]
async fn the_vocabulary() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let before = changes::latest(db).await.unwrap();
    let word = terms::create(db, "admin1", TermKind::Word, " 碳化硅外延 ")
        .await
        .unwrap();
    assert_eq!(word.text, "碳化硅外延");
    let group = terms::create(
        db,
        "admin1",
        TermKind::Synonym,
        "新能源汽车，电动汽车、电动车",
    )
    .await
    .unwrap();
    assert_eq!(group.text, "新能源汽车 电动汽车 电动车");
    assert_eq!(
        code(terms::create(db, "admin1", TermKind::Word, "碳化硅外延").await),
        ("conflict", ErrorCode::DuplicateTerm)
    );
    assert_eq!(
        code(terms::create(db, "admin1", TermKind::Synonym, "孤词").await),
        ("field", ErrorCode::InvalidTerm)
    );
    assert_eq!(
        code(terms::create(db, "admin1", TermKind::Word, "两个 词").await),
        ("field", ErrorCode::InvalidTerm)
    );
    let v = terms::vocabulary(db).await.unwrap();
    assert_eq!(v.words, vec!["碳化硅外延"]);
    assert_eq!(
        v.synonym_groups,
        vec![vec!["新能源汽车", "电动汽车", "电动车"]]
    );
    let group = terms::update(
        db,
        "admin1",
        &group.id,
        group.version,
        TermKind::Synonym,
        "新能源汽车 电动汽车",
    )
    .await
    .unwrap();
    assert!(stale(
        terms::update(
            db,
            "admin1",
            &group.id,
            group.version - 1,
            TermKind::Word,
            "新词"
        )
        .await
    ));
    terms::delete(db, "admin1", &word.id, word.version)
        .await
        .unwrap();
    assert_eq!(terms::list(db, None).await.unwrap().len(), 1);
    assert_eq!(
        terms::list(db, Some(TermKind::Word)).await.unwrap().len(),
        0
    );
    assert_eq!(
        terms::get(db, &group.id).await.unwrap().text,
        "新能源汽车 电动汽车"
    );
    let feed = changes::since(db, before, 100).await.unwrap();
    let actions: Vec<&str> = feed.iter().map(|c| c.action.as_str()).collect();
    assert_eq!(actions, vec!["create", "create", "update", "delete"]);
    assert!(feed.iter().all(|c| c.kind == "term"));
    audit_is_clean(db).await;
}

#[test]
fn the_sweep_actor_is_the_system() {
    let s = Actor::system();
    assert_eq!(s.username, "system");
    assert!(s.works_matching());
    assert_eq!(s.scope, Scope::All);
    let p = Period {
        from: Some(d("2026-01-01")),
        to: None,
    };
    assert!(p.contains(d("2026-01-01")) && !p.contains(d("2025-12-31")));
}
