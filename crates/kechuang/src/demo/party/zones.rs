//! Demo: Member responsibility zones (党员责任区): their members and the organisations they cover.
//!
//! 45 zones (the article's figure) spread over the party organisations the
//! network demo created, each with three to five members of its
//! organisation and one to three covered organisations (where the party
//! organisation sits first, then enterprises of the register). Without
//! party organisations nothing is created.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kechuang_domain::org::OrgKind;
use kechuang_store::party::zones::{self, ZoneInput};
use kechuang_store::{at_time, orgs, Db, Scope};

const ACTOR: &str = "demo";

/// Responsibility zones of the article.
pub const ZONES: usize = 45;

/// (theme of the zone, what it covers)
const THEMES: [(&str, &str); 9] = [
    ("科研楼宇", "科研楼宇及入驻研发团队"),
    ("孵化载体", "孵化器、众创空间及在孵企业"),
    ("重点企业", "链上重点企业及其配套企业"),
    ("人才公寓", "人才公寓及青年人才服务"),
    ("产业园区", "产业园区企业诉求收集"),
    ("政务窗口", "企业开办、项目审批窗口服务"),
    ("中试基地", "中试熟化平台及转化项目"),
    ("创新街区", "创新街区商户与初创企业"),
    ("高校院所", "高校院所科研团队与成果转化"),
];

fn at(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).expect("valid time"))
}

pub async fn load(db: &Db) -> anyhow::Result<()> {
    let party_orgs = kechuang_store::party::network::choices(db).await?;
    if party_orgs.is_empty() {
        return Ok(());
    }
    // Hosts: party organisations with members (the root, which holds every
    // member, only when nothing else has any).
    let mut hosts = vec![];
    let mut total_members = 0usize;
    for (id, name) in &party_orgs {
        let members = zones::members_under(db, id).await?;
        total_members = total_members.max(members.len());
        if !members.is_empty() {
            hosts.push((id.clone(), name.clone(), members));
        }
    }
    if hosts.len() > 1 {
        hosts.retain(|(_, _, m)| m.len() < total_members);
    }
    if hosts.is_empty() {
        hosts = party_orgs
            .iter()
            .map(|(id, name)| (id.clone(), name.clone(), vec![]))
            .collect();
    }
    let register: Vec<String> = orgs::list_all(db, &Scope::All, &Default::default(), 10_000)
        .await?
        .into_iter()
        .filter(|o| {
            matches!(
                OrgKind::parse(&o.kind),
                Some(OrgKind::Enterprise | OrgKind::Institute | OrgKind::University)
            )
        })
        .map(|o| o.id)
        .collect();
    let start = NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid date");
    for k in 0..ZONES {
        let (host, host_name, members) = &hosts[k % hosts.len()];
        let round = k / hosts.len();
        let (theme, area) = THEMES[k % THEMES.len()];
        let on = start + Duration::days(k as i64 * 2);
        let want = 3 + k % 3;
        let picked: Vec<&kechuang_store::entities::party_member::Model> = if members.is_empty() {
            vec![]
        } else {
            (0..want.min(members.len()))
                .map(|j| &members[(round * 5 + j) % members.len()])
                .collect()
        };
        let mut picked = picked;
        picked.dedup_by(|a, b| a.id == b.id);
        let leader = picked
            .first()
            .map(|m| m.name.clone())
            .unwrap_or_else(|| "支部书记".into());
        let mut covered = zones::units_of(db, host).await?;
        let n = 1 + k % 3;
        let mut j = 0;
        while covered.len() < n && !register.is_empty() && j < register.len() {
            let o = register[(k * 7 + j) % register.len()].clone();
            if !covered.contains(&o) {
                covered.push(o);
            }
            j += 1;
        }
        covered.truncate(n);
        at_time(at(on), async {
            let z = zones::create(
                db,
                ACTOR,
                ZoneInput {
                    name: format!("{host_name}·{theme}党员责任区"),
                    party_org_id: host.clone(),
                    leader,
                    area: format!("{area}，共{}家单位", covered.len()),
                },
            )
            .await?;
            for m in &picked {
                zones::add_member(db, ACTOR, &z.id, &m.id).await?;
            }
            for o in &covered {
                zones::add_org(db, ACTOR, &z.id, o).await?;
            }
            anyhow::Ok(())
        })
        .await?;
    }
    Ok(())
}
