//! The events store against a real database (SQLite by default; PostgreSQL
//! or MariaDB with `KECHUANG_TEST_DATABASE_URL`, see `crate::testdb`).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use kechuang_domain::auth::Role;
use kechuang_domain::events::{
    parse_ticket, EventKind, OrganiserRole, OutcomeKind, RegistrationStatus, Schedule, Sector,
    Window,
};
use kechuang_domain::org::OrgKind;
use kechuang_domain::ErrorCode;

use super::calendar::{self, EventInput, OrganiserInput, OrganiserRef};
use super::checkin;
use super::outcomes::{self, OutcomeInput};
use super::reach::{self, ReachFilter, Slice};
use super::registrations::{self, Institution, RegistrationFilter, RegistrationInput};
use super::series::{self, SeriesInput};
use super::Actor;
use crate::testdb::{self, code};
use crate::{at_time, Db, PageReq, Scope, StoreError};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn admin() -> Actor {
    Actor {
        username: "admin".into(),
        user_id: "u-admin".into(),
        scope: Scope::All,
    }
}

fn talent(n: u32) -> Actor {
    Actor {
        username: format!("talent{n}"),
        user_id: format!("u-talent{n}"),
        scope: Scope::User(format!("u-talent{n}")),
    }
}

fn input(title: &str, dep: &str, on: &str, capacity: Option<u32>) -> EventInput {
    EventInput {
        series_id: None,
        alliance_id: None,
        title: title.into(),
        kind: EventKind::Conference,
        venue: "科学会堂".into(),
        schedule: Schedule {
            starts_on: d(on),
            ends_on: d(on),
            start_time: Some(NaiveTime::from_hms_opt(9, 0, 0).unwrap()),
            end_time: Some(NaiveTime::from_hms_opt(17, 0, 0).unwrap()),
        },
        capacity,
        audience: "科技企业".into(),
        window: Window::default(),
        agenda: String::new(),
        needs_approval: false,
        organisers: vec![OrganiserInput {
            role: OrganiserRole::Lead,
            party: OrganiserRef::Department(dep.into()),
        }],
    }
}

/// A published event (created and published as `admin`).
async fn published(db: &Db, i: EventInput) -> String {
    let e = calendar::create(db, &admin(), i).await.unwrap();
    calendar::publish(db, &admin(), &e.id, e.version)
        .await
        .unwrap()
        .id
}

fn person(org_id: &str, name: &str, phone: &str) -> RegistrationInput {
    RegistrationInput {
        institution: Institution::Registered {
            org_id: org_id.into(),
        },
        sector: None,
        person_name: name.into(),
        phone: phone.into(),
    }
}

fn status(r: &crate::entities::event_registration::Model) -> RegistrationStatus {
    RegistrationStatus::parse(&r.status).unwrap()
}

async fn audit_is_clean(db: &Db) {
    let report = crate::audit::verify(db).await.unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn a_cancelled_place_goes_to_the_earliest_waitlisted() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let dep = testdb::department(db, "科技局").await;
    let firm = testdb::org(db, "星河科技", OrgKind::Enterprise, Some(1)).await;
    at_time(at("2026-05-01T10:00:00+08:00"), async {
        let ev = published(db, input("两城汇·创新论坛", &dep, "2026-05-20", Some(2))).await;
        let mut regs = vec![];
        for (k, phone) in ["13800000001", "13800000002", "13800000003", "13800000004"]
            .iter()
            .enumerate()
        {
            let who = talent(k as u32);
            regs.push(
                registrations::register(db, &who, &ev, person(&firm, "张三", phone))
                    .await
                    .unwrap(),
            );
        }
        let got: Vec<RegistrationStatus> = regs.iter().map(status).collect();
        use RegistrationStatus::*;
        assert_eq!(got, vec![Confirmed, Confirmed, Waitlisted, Waitlisted]);
        assert!(parse_ticket(&regs[0].ticket_code).is_ok());
        assert_ne!(regs[0].ticket_code, regs[1].ticket_code);
        assert_eq!(regs[0].sector, Sector::Industry.as_str());

        // One active registration per phone (formatting aside).
        let again =
            registrations::register(db, &talent(9), &ev, person(&firm, "张三", "138 0000 0001"))
                .await;
        assert!(matches!(
            again,
            Err(StoreError::Conflict {
                code: ErrorCode::AlreadyRegistered,
                ..
            })
        ));

        // Another account cannot cancel someone else's registration.
        let other = registrations::cancel(db, &talent(3), &regs[0].id, regs[0].version, "").await;
        assert!(matches!(other, Err(StoreError::NotFound)));

        let done = registrations::cancel(db, &talent(0), &regs[0].id, regs[0].version, "行程冲突")
            .await
            .unwrap();
        assert_eq!(status(&done.registration), Cancelled);
        assert_eq!(done.promoted.len(), 1);
        assert_eq!(done.promoted[0].id, regs[2].id);
        let c = registrations::counts(db, &ev).await.unwrap();
        assert_eq!((c.confirmed, c.waitlisted, c.cancelled), (2, 1, 1));

        // The phone is free again; the event is full, so it waits.
        let back =
            registrations::register(db, &talent(0), &ev, person(&firm, "张三", "13800000001"))
                .await
                .unwrap();
        assert_eq!(status(&back), Waitlisted);

        // A larger capacity confirms the waitlist, earliest first.
        let e = calendar::get(db, &admin(), &ev).await.unwrap();
        calendar::update(
            db,
            &admin(),
            &ev,
            e.version,
            input("两城汇·创新论坛", &dep, "2026-05-20", Some(3)),
        )
        .await
        .unwrap();
        let w = registrations::get(db, &admin(), &regs[3].id).await.unwrap();
        assert_eq!(status(&w), Confirmed);
        let b = registrations::get(db, &admin(), &back.id).await.unwrap();
        assert_eq!(status(&b), Waitlisted);
        // It cannot drop below the confirmed registrations.
        let e = calendar::get(db, &admin(), &ev).await.unwrap();
        let less = calendar::update(
            db,
            &admin(),
            &ev,
            e.version,
            input("两城汇·创新论坛", &dep, "2026-05-20", Some(1)),
        )
        .await;
        assert!(matches!(
            less,
            Err(StoreError::Field {
                code: ErrorCode::CapacityBelowConfirmed,
                ..
            })
        ));

        // With approval: pending, then confirmed while there is room, else waitlisted.
        let mut i = input("路演专场", &dep, "2026-05-21", Some(1));
        i.needs_approval = true;
        i.kind = EventKind::Roadshow;
        let ev2 = published(db, i).await;
        let p1 =
            registrations::register(db, &talent(1), &ev2, person(&firm, "李四", "13900000001"))
                .await
                .unwrap();
        let p2 =
            registrations::register(db, &talent(2), &ev2, person(&firm, "王五", "13900000002"))
                .await
                .unwrap();
        assert_eq!((status(&p1), status(&p2)), (Pending, Pending));
        let a1 = registrations::approve(db, &admin(), &p1.id, p1.version)
            .await
            .unwrap();
        let a2 = registrations::approve(db, &admin(), &p2.id, p2.version)
            .await
            .unwrap();
        assert_eq!((status(&a1), status(&a2)), (Confirmed, Waitlisted));
        // The registrant sees their own registrations only.
        let mine = registrations::list(
            db,
            &talent(1),
            &RegistrationFilter::default(),
            PageReq::first(50),
        )
        .await
        .unwrap();
        assert!(mine.items.iter().all(|r| r.registered_by == "u-talent1"));
        assert_eq!(mine.total, 2);
    })
    .await;
    audit_is_clean(db).await;
}

#[tokio::test]
async fn a_second_check_in_changes_nothing() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let dep = testdb::department(db, "科技局").await;
    let firm = testdb::org(db, "星河科技", OrgKind::Enterprise, Some(1)).await;
    let staff = Actor {
        username: "clerk".into(),
        user_id: "u-clerk".into(),
        scope: Scope::Departments(vec![dep.clone()]),
    };
    let outsider = Actor {
        username: "other".into(),
        user_id: "u-other".into(),
        scope: Scope::Departments(vec!["elsewhere".into()]),
    };
    let (ev, reg) = at_time(at("2026-05-01T10:00:00+08:00"), async {
        let ev = published(db, input("成果发布会", &dep, "2026-05-20", None)).await;
        let reg =
            registrations::register(db, &talent(1), &ev, person(&firm, "张三", "13800000001"))
                .await
                .unwrap();
        // Too early to check in.
        let early = checkin::check_in(db, &staff, &ev, &reg.ticket_code, true).await;
        assert!(matches!(
            early,
            Err(StoreError::Rule {
                code: ErrorCode::CheckinNotStarted,
                ..
            })
        ));
        (ev, reg)
    })
    .await;
    let first = at_time(at("2026-05-20T09:05:00+08:00"), async {
        let refused = checkin::check_in(db, &outsider, &ev, &reg.ticket_code, true).await;
        assert!(matches!(
            refused,
            Err(StoreError::Forbidden {
                code: ErrorCode::NotOrganiser,
                ..
            })
        ));
        checkin::check_in(db, &staff, &ev, &reg.ticket_code, true)
            .await
            .unwrap()
    })
    .await;
    assert!(first.first);
    assert_eq!(first.at(), Some(at("2026-05-20T09:05:00+08:00")));
    assert_eq!(first.registration.checked_in_by.as_deref(), Some("u-clerk"));
    let second = at_time(at("2026-05-20T10:30:00+08:00"), async {
        checkin::check_in(db, &talent(1), &ev, &reg.ticket_code, false)
            .await
            .unwrap()
    })
    .await;
    assert!(!second.first);
    assert_eq!(second.at(), first.at());
    assert_eq!(second.registration.version, first.registration.version);
    assert_eq!(
        second.registration.checked_in_by.as_deref(),
        Some("u-clerk")
    );

    at_time(at("2026-05-21T09:00:00+08:00"), async {
        // After the event: a self check-in is closed, staff may still check in.
        let late =
            registrations::register(db, &talent(2), &ev, person(&firm, "李四", "13800000002"))
                .await;
        assert!(matches!(
            late,
            Err(StoreError::Rule {
                code: ErrorCode::EventEnded,
                ..
            })
        ));
        let walk = checkin::walk_in(
            db,
            &staff,
            &ev,
            RegistrationInput {
                institution: Institution::Unregistered {
                    name: "西部金融服务中心".into(),
                    uscc: code(77),
                },
                sector: Some(Sector::Finance),
                person_name: "赵六".into(),
                phone: "13800000003".into(),
            },
        )
        .await
        .unwrap();
        assert!(walk.walk_in);
        assert_eq!(status(&walk), RegistrationStatus::Confirmed);
        assert!(walk.checked_in_at.is_some());
        assert_eq!(walk.institution_uscc.as_deref(), Some(code(77).as_str()));
        let again = checkin::check_in(db, &talent(3), &ev, &walk.ticket_code, false)
            .await
            .unwrap();
        assert!(!again.first);
        let c = registrations::counts(db, &ev).await.unwrap();
        assert_eq!((c.confirmed, c.checked_in, c.walk_ins), (2, 2, 1));
        let unknown = checkin::check_in(db, &staff, &ev, "23456789", true).await;
        assert!(matches!(
            unknown,
            Err(StoreError::Rule {
                code: ErrorCode::UnknownTicket,
                ..
            })
        ));
    })
    .await;
    audit_is_clean(db).await;
}

#[tokio::test]
async fn reach_counts_an_institution_once_per_series_and_year() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let dep = testdb::department(db, "科技局").await;
    let a = testdb::org(db, "星河科技", OrgKind::Enterprise, Some(1)).await;
    let b = testdb::org(db, "山城大学", OrgKind::University, Some(2)).await;
    let no_code = testdb::org(db, "创新协会", OrgKind::Association, None).await;
    let brand = series::create(
        db,
        "admin",
        SeriesInput {
            name: "两城汇".into(),
            description: "成渝两地科创活动品牌".into(),
        },
    )
    .await
    .unwrap();
    let dup = series::create(
        db,
        "admin",
        SeriesInput {
            name: "两城汇".into(),
            description: String::new(),
        },
    )
    .await;
    assert!(matches!(
        dup,
        Err(StoreError::Conflict {
            code: ErrorCode::DuplicateSeriesName,
            ..
        })
    ));

    let in_brand = |title: &str, on: &str, kind: EventKind| {
        let mut i = input(title, &dep, on, None);
        i.series_id = Some(brand.id.clone());
        i.kind = kind;
        i
    };
    let mut phone = 13_700_000_000u64;
    let mut attend = |ev: String, org_id: String, sector: Option<Sector>, start: &'static str| {
        phone += 1;
        let p = phone.to_string();
        async move {
            let r = at_time(at("2026-01-05T10:00:00+08:00"), async {
                let mut i = person(&org_id, "参会人", &p);
                i.sector = sector;
                registrations::register(db, &talent(1), &ev, i)
                    .await
                    .unwrap()
            })
            .await;
            at_time(at(start), async {
                checkin::check_in(db, &admin(), &ev, &r.ticket_code, true)
                    .await
                    .unwrap()
            })
            .await;
        }
    };
    let (e1, e2, e3, e4, e5, cancelled, future) = at_time(at("2026-01-02T10:00:00+08:00"), async {
        let e1 = published(
            db,
            in_brand("两城汇·春季论坛", "2026-03-10", EventKind::Forum),
        )
        .await;
        let e2 = published(
            db,
            in_brand("两城汇·秋季路演", "2026-09-10", EventKind::Roadshow),
        )
        .await;
        let e3 = published(
            db,
            in_brand("两城汇·2027新春会", "2027-02-10", EventKind::Forum),
        )
        .await;
        let e4 = published(db, input("独立对接会", &dep, "2026-04-10", None)).await;
        let e5 = published(db, input("独立对接会二", &dep, "2026-04-20", None)).await;
        let cancelled = published(db, input("取消的活动", &dep, "2026-05-10", None)).await;
        let future = published(
            db,
            in_brand("两城汇·未来会", "2027-12-10", EventKind::Forum),
        )
        .await;
        (e1, e2, e3, e4, e5, cancelled, future)
    })
    .await;
    // A: both 2026 brand events (once), 2027 brand event (again), both standalone events (twice).
    attend(e1.clone(), a.clone(), None, "2026-03-10T09:00:00+08:00").await;
    attend(e2.clone(), a.clone(), None, "2026-09-10T09:00:00+08:00").await;
    attend(e3.clone(), a.clone(), None, "2027-02-10T09:00:00+08:00").await;
    attend(e4.clone(), a.clone(), None, "2026-04-10T09:00:00+08:00").await;
    attend(e5.clone(), a.clone(), None, "2026-04-20T09:00:00+08:00").await;
    // B twice at e1 (two people), the association (no code) at e2.
    attend(e1.clone(), b.clone(), None, "2026-03-10T09:30:00+08:00").await;
    attend(e1.clone(), b.clone(), None, "2026-03-10T09:40:00+08:00").await;
    attend(
        e2.clone(),
        no_code.clone(),
        Some(Sector::Intermediary),
        "2026-09-10T09:00:00+08:00",
    )
    .await;
    // An unregistered institution giving A's credit code is A.
    let via_code = at_time(at("2026-01-05T10:00:00+08:00"), async {
        registrations::register(
            db,
            &talent(2),
            &e2,
            RegistrationInput {
                institution: Institution::Unregistered {
                    name: "星河科技（简称）".into(),
                    uscc: code(1),
                },
                sector: None,
                person_name: "钱七".into(),
                phone: "13600000001".into(),
            },
        )
        .await
        .unwrap()
    })
    .await;
    assert_eq!(via_code.org_id.as_deref(), Some(a.as_str()));
    at_time(at("2026-09-10T10:00:00+08:00"), async {
        checkin::check_in(db, &admin(), &e2, &via_code.ticket_code, true)
            .await
            .unwrap();
    })
    .await;
    // Registered but never checked in: no attendance.
    at_time(at("2026-01-05T10:00:00+08:00"), async {
        registrations::register(db, &talent(3), &e1, person(&b, "缺席者", "13600000009"))
            .await
            .unwrap();
        let c = calendar::get(db, &admin(), &cancelled).await.unwrap();
        calendar::cancel(db, &admin(), &cancelled, c.version, "场地调整")
            .await
            .unwrap();
        outcomes::add(
            db,
            &admin(),
            &e1,
            OutcomeInput {
                kind: OutcomeKind::ProjectsSigned,
                count: 12,
                note: "现场签约".into(),
            },
        )
        .await
        .unwrap();
        outcomes::add(
            db,
            &admin(),
            &e4,
            OutcomeInput {
                kind: OutcomeKind::ProjectsSigned,
                count: 3,
                note: String::new(),
            },
        )
        .await
        .unwrap();
    })
    .await;
    let _ = future;

    let all = ReachFilter::default();
    let r = at_time(at("2027-06-01T10:00:00+08:00"), reach::reach(db, &all))
        .await
        .unwrap();
    // Held: e1, e2, e3, e4, e5 (not the cancelled one, not the future one).
    assert_eq!(r.totals.events, 5);
    assert_eq!(r.totals.attendances, 9);
    // 两城汇 2026: A, B, association; 两城汇 2027: A; e4: A; e5: A.
    assert_eq!(r.totals.institutions, 6);
    let brand_row = r
        .by_series
        .iter()
        .find(|g| g.key.as_deref() == Some(brand.id.as_str()))
        .unwrap();
    assert_eq!(brand_row.label, "两城汇");
    assert_eq!(
        (
            brand_row.figures.events,
            brand_row.figures.institutions,
            brand_row.figures.attendances
        ),
        (3, 4, 7)
    );
    let loose = r.by_series.iter().find(|g| g.key.is_none()).unwrap();
    assert_eq!(
        (
            loose.figures.events,
            loose.figures.institutions,
            loose.figures.attendances
        ),
        (2, 2, 2)
    );
    let industry = r
        .by_sector
        .iter()
        .find(|g| g.key == Sector::Industry)
        .unwrap();
    assert_eq!(
        (
            industry.figures.events,
            industry.figures.institutions,
            industry.figures.attendances
        ),
        (5, 4, 6)
    );
    let roadshow = r
        .by_kind
        .iter()
        .find(|g| g.key == EventKind::Roadshow)
        .unwrap();
    assert_eq!(
        (
            roadshow.figures.events,
            roadshow.figures.institutions,
            roadshow.figures.attendances
        ),
        (1, 2, 3)
    );
    let march = r.by_month.iter().find(|g| g.key == (2026, 3)).unwrap();
    assert_eq!(
        (
            march.figures.events,
            march.figures.institutions,
            march.figures.attendances
        ),
        (1, 2, 3)
    );

    // Each figure is the length of its list.
    let people = at_time(
        at("2027-06-01T10:00:00+08:00"),
        reach::attendances(db, &all, None, false, PageReq::first(200)),
    )
    .await
    .unwrap();
    assert_eq!(people.total, r.totals.attendances);
    let insts = at_time(
        at("2027-06-01T10:00:00+08:00"),
        reach::attendances(db, &all, None, true, PageReq::first(200)),
    )
    .await
    .unwrap();
    assert_eq!(insts.total, r.totals.institutions);
    assert!(insts
        .items
        .iter()
        .any(|x| x.institution == format!("org:{no_code}")));
    let held = at_time(
        at("2027-06-01T10:00:00+08:00"),
        reach::held_events(db, &all, None),
    )
    .await
    .unwrap();
    assert_eq!(held.len() as u64, r.totals.events);
    for g in &r.by_series {
        let s = Slice::Series(g.key.clone());
        let n = at_time(
            at("2027-06-01T10:00:00+08:00"),
            reach::attendances(db, &all, Some(&s), true, PageReq::first(200)),
        )
        .await
        .unwrap();
        assert_eq!(n.total, g.figures.institutions);
    }
    let s = Slice::Sector(Sector::Industry);
    let ev = at_time(
        at("2027-06-01T10:00:00+08:00"),
        reach::held_events(db, &all, Some(&s)),
    )
    .await
    .unwrap();
    assert_eq!(ev.len() as u64, industry.figures.events);

    // A period and a series.
    let y2026 = ReachFilter {
        from: Some(d("2026-01-01")),
        to: Some(d("2026-12-31")),
        series_id: Some(brand.id.clone()),
        kind: None,
    };
    let r26 = at_time(at("2027-06-01T10:00:00+08:00"), reach::reach(db, &y2026))
        .await
        .unwrap();
    assert_eq!(
        (
            r26.totals.events,
            r26.totals.institutions,
            r26.totals.attendances
        ),
        (2, 3, 6)
    );
    // Before e2 is over it is not held.
    let mid = at_time(at("2026-09-10T12:00:00+08:00"), reach::reach(db, &y2026))
        .await
        .unwrap();
    assert_eq!(mid.totals.events, 1);

    let signed = at_time(
        at("2027-06-01T10:00:00+08:00"),
        reach::outcome_totals(db, &all),
    )
    .await
    .unwrap();
    assert_eq!(signed[0], (OutcomeKind::ProjectsSigned, 15));
    let rows = at_time(
        at("2027-06-01T10:00:00+08:00"),
        reach::outcome_rows(db, &all, Some(OutcomeKind::ProjectsSigned)),
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    audit_is_clean(db).await;
}

#[tokio::test]
async fn drafts_are_seen_and_managed_by_their_organisers() {
    let t = testdb::fresh().await;
    let db = &t.db;
    let dep = testdb::department(db, "科技局").await;
    let other_dep = testdb::department(db, "人社局").await;
    let clerk = Actor {
        username: "clerk".into(),
        user_id: "u-clerk".into(),
        scope: testdb::scope_of(Role::Department, Some(&dep), None, "u-clerk"),
    };
    let other = Actor {
        username: "other".into(),
        user_id: "u-other".into(),
        scope: testdb::scope_of(Role::Department, Some(&other_dep), None, "u-other"),
    };
    at_time(at("2026-05-01T10:00:00+08:00"), async {
        // A clerk must list their own department among the organisers.
        let not_mine = calendar::create(
            db,
            &clerk,
            input("人才沙龙", &other_dep, "2026-06-01", None),
        )
        .await;
        assert!(matches!(
            not_mine,
            Err(StoreError::Field {
                code: ErrorCode::OrganiserRequired,
                ..
            })
        ));
        let mut i = input("人才沙龙", &dep, "2026-06-01", None);
        i.organisers = vec![OrganiserInput {
            role: OrganiserRole::Co,
            party: OrganiserRef::Department(dep.clone()),
        }];
        let draft = calendar::create(db, &clerk, i).await.unwrap();
        assert!(matches!(
            calendar::get(db, &other, &draft.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(calendar::get(db, &talent(1), &draft.id).await.is_err());
        // Publishing needs a lead organiser.
        let no_lead = calendar::publish(db, &clerk, &draft.id, draft.version).await;
        assert!(matches!(
            no_lead,
            Err(StoreError::Field {
                code: ErrorCode::LeadOrganiserRequired,
                ..
            })
        ));
        let mut i = input("人才沙龙", &dep, "2026-06-01", None);
        i.organisers.push(OrganiserInput {
            role: OrganiserRole::Co,
            party: OrganiserRef::Department(other_dep.clone()),
        });
        let e = calendar::update(db, &clerk, &draft.id, draft.version, i)
            .await
            .unwrap();
        let e = calendar::publish(db, &clerk, &e.id, e.version)
            .await
            .unwrap();
        // Published: everyone sees it; the co-organiser manages it too.
        assert!(calendar::get(db, &talent(1), &e.id).await.is_ok());
        assert!(calendar::may_manage(db, &other, &e.id).await.unwrap());
        assert!(!calendar::may_manage(db, &talent(1), &e.id).await.unwrap());
        let detail = calendar::detail(db, &clerk, &e.id).await.unwrap();
        assert_eq!(detail.row.organisers.len(), 2);
        assert_eq!(detail.row.organisers[0].name, "科技局");
        assert!(detail.may_manage);
        let page = calendar::list(
            db,
            &other,
            &calendar::EventFilter {
                department_id: Some(dep.clone()),
                ..Default::default()
            },
            PageReq::first(20),
        )
        .await
        .unwrap();
        assert_eq!(page.total, 1);
        // A talent cannot cancel it; its organiser can, with a reason.
        let e = calendar::get(db, &clerk, &e.id).await.unwrap();
        let refused = calendar::cancel(db, &talent(1), &e.id, e.version, "不办了").await;
        assert!(matches!(refused, Err(StoreError::Forbidden { .. })));
        let no_reason = calendar::cancel(db, &clerk, &e.id, e.version, " ").await;
        assert!(matches!(
            no_reason,
            Err(StoreError::Field {
                code: ErrorCode::ReasonRequired,
                ..
            })
        ));
        let c = calendar::cancel(db, &clerk, &e.id, e.version, "场地调整")
            .await
            .unwrap();
        assert_eq!(c.cancel_reason, "场地调整");
        let closed =
            registrations::register(db, &talent(1), &e.id, person(&dep, "张三", "13800000001"))
                .await;
        assert!(matches!(
            closed,
            Err(StoreError::Rule {
                code: ErrorCode::EventCancelled,
                ..
            })
        ));
        // A window not yet open.
        let mut i = input("创新大赛", &dep, "2026-07-01", Some(100));
        i.kind = EventKind::Competition;
        i.window = Window {
            opens_on: Some(d("2026-05-10")),
            closes_on: Some(d("2026-06-20")),
        };
        let ev = published(db, i).await;
        let firm = testdb::org(db, "星河科技", OrgKind::Enterprise, Some(1)).await;
        let early =
            registrations::register(db, &talent(1), &ev, person(&firm, "张三", "13800000001"))
                .await;
        match early {
            Err(StoreError::Rule {
                code: ErrorCode::RegistrationClosed,
                message,
            }) => assert!(message.contains("2026年5月10日")),
            other => panic!("{other:?}"),
        }
        // A stale version is refused.
        let stale = calendar::update(
            db,
            &admin(),
            &ev,
            1,
            input("创新大赛", &dep, "2026-07-01", Some(100)),
        )
        .await;
        assert!(matches!(
            stale,
            Err(StoreError::Conflict {
                code: ErrorCode::StaleVersion,
                ..
            })
        ));
    })
    .await;
    audit_is_clean(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_never_overbook() {
    let t = testdb::fresh().await;
    let db = t.db.clone();
    let dep = testdb::department(&db, "科技局").await;
    let firm = testdb::org(&db, "星河科技", OrgKind::Enterprise, Some(1)).await;
    let when = at("2026-05-01T10:00:00+08:00");
    let ev = at_time(
        when,
        published(&db, input("热门路演", &dep, "2026-05-20", Some(3))),
    )
    .await;
    let mut tasks = vec![];
    for k in 0..12u32 {
        let (db, ev, firm) = (db.clone(), ev.clone(), firm.clone());
        tasks.push(tokio::spawn(at_time(when, async move {
            let phone = format!("1380000{k:04}");
            registrations::register(&db, &talent(k), &ev, person(&firm, "参会人", &phone)).await
        })));
    }
    let mut confirmed = 0;
    for task in tasks {
        let r = task.await.unwrap().unwrap();
        if status(&r) == RegistrationStatus::Confirmed {
            confirmed += 1;
        }
    }
    assert_eq!(confirmed, 3);
    let c = registrations::counts(&db, &ev).await.unwrap();
    assert_eq!((c.confirmed, c.waitlisted), (3, 9));
}

#[tokio::test]
async fn firms_settled_onto_a_chain_in_a_period() {
    use kechuang_domain::org::ChainPosition;
    let t = testdb::fresh().await;
    let db = &t.db;
    let chain = crate::chains::create(
        db,
        "admin",
        crate::chains::ChainInput {
            name: "集成电路".into(),
            description: String::new(),
            task_force_department_id: None,
        },
    )
    .await
    .unwrap();
    let mut firms = vec![];
    for (k, on) in [(1, Some("2025-03-01")), (2, Some("2026-02-01")), (3, None)] {
        let o = testdb::org(db, &format!("芯片{k}号"), OrgKind::Enterprise, Some(k)).await;
        crate::chains::set_member(db, "admin", &chain.id, &o, None, ChainPosition::Midstream)
            .await
            .unwrap();
        if let Some(on) = on {
            let m = crate::chains::set_settled_on(db, "admin", &chain.id, &o, Some(d(on)))
                .await
                .unwrap();
            assert_eq!(m.settled_on, Some(d(on)));
        }
        firms.push(o);
    }
    let outsider = testdb::org(db, "链外单位", OrgKind::Enterprise, Some(9)).await;
    let refused =
        crate::chains::set_settled_on(db, "admin", &chain.id, &outsider, Some(d("2026-01-01")))
            .await;
    assert!(matches!(
        refused,
        Err(StoreError::Rule {
            code: ErrorCode::NotOnChain,
            ..
        })
    ));
    let all = crate::chains::settled_counts(db, None, None).await.unwrap();
    assert_eq!(all[0].settled, 2);
    let y2026 = crate::chains::settled_counts(db, Some(d("2026-01-01")), Some(d("2026-12-31")))
        .await
        .unwrap();
    assert_eq!(y2026[0].settled, 1);
    let list = crate::chains::settled_orgs(db, &chain.id, Some(d("2026-01-01")), None)
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].1, "芯片2号");
    audit_is_clean(db).await;
}
