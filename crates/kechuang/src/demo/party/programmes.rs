//! Demo: Ningbo's chain committee actions on the AI and industrial-software
//! chain: the chain committee runs the "链上红心" programme of 2026 over the
//! firms it links (共建、共享, the 链上红心 series, 上下游联建). Who takes
//! part is drawn from the committee's linked party organisations and the
//! chain's member firms; actions before today have their results recorded,
//! the December one is still to come. The figures on the chain page and the
//! programme list are counted from these records.

use chrono::{NaiveDate, TimeZone, Utc};
use kechuang_store::party::network;
use kechuang_store::party::programmes::{self, ActionInput, ActionKind, ProgrammeInput};
use kechuang_store::{at_time, chains, Db};

const ACTOR: &str = "demo";
const CHAIN: &str = "人工智能与工业软件";

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("valid demo date")
}

fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(6, 30, 0).expect("valid time"))
}

/// (month, day, kind, title, share of the linked organisations taking part
/// as (from, count), results with `{n}` for the party organisations taking part)
type Spec = (
    u32,
    u32,
    ActionKind,
    &'static str,
    (usize, usize),
    &'static str,
);

const ACTIONS: [Spec; 6] = [
    (
        3,
        15,
        ActionKind::CoBuild,
        "链上企业党组织结对共建签约",
        (0, 6),
        "{n}个企业党组织签订结对共建协议，明确联合主题党日、党员互学等共建事项",
    ),
    (
        4,
        22,
        ActionKind::Share,
        "工业软件测试验证平台向链上企业开放共享",
        (2, 8),
        "平台全年为链上企业提供测试验证服务，党员技术骨干担任平台联络员",
    ),
    (
        6,
        28,
        ActionKind::RedHeart,
        "“链上红心”党员先锋岗授牌",
        (0, 12),
        "在{n}个企业党组织设立党员先锋岗，承担关键技术攻关和客户服务任务",
    ),
    (
        8,
        20,
        ActionKind::UpDownstream,
        "算力与工业软件上下游联建供需对接会",
        (4, 10),
        "促成上下游企业合作意向5项，其中2项已签订合同",
    ),
    (
        10,
        18,
        ActionKind::RedHeart,
        "“链上红心”党员志愿服务进企业",
        (6, 8),
        "党员志愿者为中小企业提供软件正版化、数据安全咨询服务",
    ),
    (
        12,
        18,
        ActionKind::CoBuild,
        "年度联建成果交流会",
        (0, 14),
        "",
    ),
];

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let Some((chain_id, _)) = kechuang_store::names::all_ordered(db, "chains")
        .await?
        .into_iter()
        .find(|(_, n)| n == CHAIN)
    else {
        return Ok(());
    };
    let Some(committee) = network::on_chain(db, &chain_id).await?.into_iter().next() else {
        return Ok(());
    };
    let linked: Vec<String> = committee.linked.iter().map(|(id, _)| id.clone()).collect();
    let firms: Vec<String> = chains::detail(db, &chain_id)
        .await?
        .members
        .into_iter()
        .map(|m| m.link.org_id)
        .collect();
    if linked.is_empty() || firms.is_empty() {
        return Ok(());
    }
    let p = at_time(
        at(day(3, 1)),
        programmes::create_programme(
            db,
            ACTOR,
            ProgrammeInput {
                committee_id: committee.org.id.clone(),
                name: "2026年“链上红心”联建行动".into(),
                starts_on: day(3, 1),
                ends_on: Some(day(12, 31)),
                goal: "以产业链党委为纽带，推动链上企业党组织共建、资源共享、上下游联建，把党建优势转化为产业链协同发展优势。".into(),
            },
        ),
    )
    .await?;
    // `count` of them from `from` on, wrapping round a short list, each once.
    let take = |v: &[String], (from, count): (usize, usize)| -> Vec<String> {
        (0..count.min(v.len()))
            .map(|k| v[(from + k) % v.len()].clone())
            .collect()
    };
    let today = kechuang_store::clock::today();
    for (m, d, kind, title, share, results) in ACTIONS {
        let held_on = day(m, d);
        let party_org_ids = take(&linked, share);
        let results = if held_on <= today {
            results.replace("{n}", &party_org_ids.len().to_string())
        } else {
            String::new()
        };
        at_time(
            at(held_on.min(today)),
            programmes::create_action(
                db,
                ACTOR,
                &p.id,
                ActionInput {
                    title: title.into(),
                    kind,
                    held_on,
                    results,
                    party_org_ids,
                    org_ids: take(&firms, share),
                },
            ),
        )
        .await?;
    }
    Ok(())
}
