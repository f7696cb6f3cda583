//! Demo policies (政策): what each department of the science city runs for
//! the organisations of the zone — R&D subsidies, awards, rent and talent
//! support, chain-specific support run by the task forces (kept by their
//! parent departments' clerks, as task forces hold no policy writes) — with windows
//! past, open and to come around the end of 2026, one stopped and one still
//! a draft. Each goes through the store as its department would: drafted
//! and published at the date its window opens.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveTime};
use kechuang_domain::org::OrgKind;
use kechuang_domain::policies::{ApplyWindow, PolicyStatus};
use kechuang_store::policies::{self, PolicyInput};
use kechuang_store::{at_time, Db, Scope};

use OrgKind::{Enterprise as E, Institute as I, University as U};

struct Spec {
    title: &'static str,
    doc_number: &'static str,
    /// Department code.
    department: &'static str,
    kinds: &'static [OrgKind],
    /// The chain it is limited to, by name.
    chain: Option<&'static str>,
    support: &'static str,
    conditions: &'static str,
    /// (opens, closes) as (year, month, day); None: no bound.
    opens: Option<(i32, u32, u32)>,
    closes: Option<(i32, u32, u32)>,
    status: PolicyStatus,
}

const SPECS: [Spec; 14] = [
    Spec {
        title: "2026年度企业研发投入后补助",
        doc_number: "西科城科发〔2026〕21号",
        department: "KJ",
        kinds: &[E, I],
        chain: None,
        support: "按上年度研发投入增量的10%给予补助，单个单位最高200万元",
        conditions: "在科学城注册、纳税，上年度研发投入不低于300万元且较前一年有增长；已纳入统计部门研发统计。",
        opens: Some((2026, 11, 1)),
        closes: Some((2026, 12, 31)),
        status: PolicyStatus::Published,
    },
    Spec {
        title: "高新技术企业认定奖励",
        doc_number: "西科城科发〔2026〕8号",
        department: "KJ",
        kinds: &[E],
        chain: None,
        support: "首次认定奖励30万元，重新认定奖励10万元",
        conditions: "上一年度通过高新技术企业认定（含重新认定），认定时注册地在科学城。",
        opens: Some((2026, 3, 1)),
        closes: Some((2026, 5, 31)),
        status: PolicyStatus::Published,
    },
    Spec {
        title: "科技型企业知识价值信用贷款贴息",
        doc_number: "",
        department: "KJ",
        kinds: &[E],
        chain: None,
        support: "按贷款市场报价利率的50%给予贴息，单户每年最高50万元",
        conditions: "取得科技型企业入库编号，贷款用于研发和成果转化。",
        opens: None,
        closes: None,
        status: PolicyStatus::Published,
    },
    Spec {
        title: "新型研发机构绩效奖励",
        doc_number: "西科城科发〔2026〕33号",
        department: "KJ",
        kinds: &[U, I],
        chain: None,
        support: "按年度绩效评价等次给予100万至500万元奖励",
        conditions: "经认定的新型研发机构，年度绩效评价为良好及以上。",
        opens: Some((2026, 10, 15)),
        closes: Some((2027, 1, 15)),
        status: PolicyStatus::Published,
    },
    Spec {
        title: "概念验证中心建设补助",
        doc_number: "",
        department: "KJ-CG",
        kinds: &[U, I],
        chain: None,
        support: "按建设投入的30%给予补助，最高300万元",
        conditions: "依托高校、科研机构建设，面向区内外开放服务，年度验证项目不少于10项。",
        opens: Some((2027, 1, 1)),
        closes: Some((2027, 3, 31)),
        status: PolicyStatus::Published,
    },
    Spec {
        title: "技术合同登记奖补",
        doc_number: "",
        department: "KJ-CG",
        kinds: &[E, U, I],
        chain: None,
        support: "按技术合同成交额的2%给予奖补，单个单位每年最高100万元",
        conditions: "技术合同经科学城技术合同登记机构认定登记，技术交易额已到账。",
        opens: None,
        closes: None,
        status: PolicyStatus::Published,
    },
    Spec {
        title: "首台（套）重大技术装备奖励",
        doc_number: "西科城经发〔2026〕15号",
        department: "JF",
        kinds: &[E],
        chain: Some("智能网联新能源汽车"),
        support: "按首台（套）产品单价的20%给予奖励，最高500万元",
        conditions: "产品列入市级首台（套）重大技术装备目录，并在本年度实现销售。",
        opens: Some((2026, 9, 1)),
        closes: Some((2026, 12, 31)),
        status: PolicyStatus::Published,
    },
    Spec {
        title: "新落户企业办公用房租金补贴",
        doc_number: "",
        department: "ZS",
        kinds: &[E],
        chain: None,
        support: "前三年按实际租金的50%补贴，每年最高100万元",
        conditions: "自落户之日起三年内，在科学城租用办公或研发用房并实际使用。",
        opens: None,
        closes: None,
        status: PolicyStatus::Published,
    },
    Spec {
        title: "高层次人才安家补贴",
        doc_number: "西科城人才〔2026〕3号",
        department: "RC",
        kinds: &[],
        chain: None,
        support: "按人才层次给予20万至200万元安家补贴，分三年发放",
        conditions: "经认定的高层次人才，与科学城内单位签订三年以上劳动合同。",
        opens: None,
        closes: None,
        status: PolicyStatus::Published,
    },
    Spec {
        title: "博士后科研工作站建站资助",
        doc_number: "",
        department: "RC",
        kinds: &[E, I],
        chain: None,
        support: "新设立的工作站一次性资助50万元，每招收一名博士后资助10万元",
        conditions: "本年度获批设立博士后科研工作站或创新实践基地。",
        opens: Some((2026, 12, 1)),
        closes: Some((2027, 2, 28)),
        status: PolicyStatus::Published,
    },
    Spec {
        title: "企业上市挂牌奖励",
        doc_number: "",
        department: "CJ",
        kinds: &[E],
        chain: None,
        support: "境内外首发上市分阶段奖励最高600万元，新三板挂牌奖励100万元",
        conditions: "注册地和纳税地在科学城，完成上市辅导备案或挂牌。",
        opens: None,
        closes: None,
        status: PolicyStatus::Published,
    },
    Spec {
        title: "集成电路流片补贴",
        doc_number: "",
        department: "ZB-IC",
        kinds: &[E],
        chain: Some("集成电路"),
        support: "按流片费用的30%给予补贴，单个企业每年最高1000万元",
        conditions: "设计企业在科学城注册，流片合同及费用凭证齐全。",
        opens: Some((2026, 7, 1)),
        closes: Some((2026, 12, 31)),
        status: PolicyStatus::Published,
    },
    Spec {
        title: "2025年度稳岗补贴",
        doc_number: "",
        department: "RC",
        kinds: &[E],
        chain: None,
        support: "按上年度实际缴纳失业保险费的60%返还",
        conditions: "上年度未裁员或裁员率低于规定标准。",
        opens: Some((2025, 4, 1)),
        closes: Some((2025, 9, 30)),
        status: PolicyStatus::Stopped,
    },
    Spec {
        title: "创新药临床试验补助（征求意见稿）",
        doc_number: "",
        department: "ZB-BIO",
        kinds: &[E],
        chain: Some("生物医药"),
        support: "按临床试验阶段给予最高1000万元补助",
        conditions: "正在征求意见，发布后开放申报。",
        opens: None,
        closes: None,
        status: PolicyStatus::Draft,
    },
];

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

pub async fn load(db: &Db, dep_ids: &HashMap<&str, String>) -> anyhow::Result<()> {
    let chains: HashMap<String, String> = kechuang_store::names::all(db, "chains")
        .await?
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    for s in SPECS {
        let window = ApplyWindow {
            opens_on: s.opens.map(date),
            closes_on: s.closes.map(date),
        };
        // Drafted a fortnight before the window opens (year-round ones early
        // in 2026), and by late November for windows opening next year.
        let drafted = (window.opens_on.unwrap_or(date((2026, 2, 1))) - Duration::days(14))
            .min(date((2026, 11, 20)));
        let at = |d: NaiveDate| (d.and_time(NaiveTime::MIN) + Duration::hours(1)).and_utc();
        let input = PolicyInput {
            title: s.title.into(),
            doc_number: s.doc_number.into(),
            department_id: dep_ids[s.department].clone(),
            org_kinds: s.kinds.to_vec(),
            chain_id: s.chain.map(|c| chains[c].clone()),
            support: s.support.into(),
            conditions: s.conditions.into(),
            window,
        };
        let p = at_time(
            at(drafted),
            policies::create(db, "demo", &Scope::All, input),
        )
        .await?;
        if s.status == PolicyStatus::Draft {
            continue;
        }
        let p = at_time(
            at(drafted + Duration::days(7)),
            policies::set_status(
                db,
                "demo",
                &Scope::All,
                &p.id,
                p.version,
                PolicyStatus::Published,
            ),
        )
        .await?;
        if s.status == PolicyStatus::Stopped {
            let stopped = window.closes_on.unwrap_or(drafted) + Duration::days(1);
            at_time(
                at(stopped),
                policies::set_status(
                    db,
                    "demo",
                    &Scope::All,
                    &p.id,
                    p.version,
                    PolicyStatus::Stopped,
                ),
            )
            .await?;
        }
    }
    Ok(())
}
