//! The cockpit (领导驾驶舱): every area's headline indicators over a month,
//! a quarter or a year, each computed from the records by the area's own
//! store functions, with its definition, the period before (环比), the same
//! period a year earlier (同比), a trend, and the link to the list of the
//! records behind it. Nothing here is a stored figure.
//!
//! Three bases: a flow (counted over the period: cases, events, matchmaking
//! cooperations, talent requests), a year (counted by year in the records:
//! contract turnover, chain output — shown for the period's year), and a
//! stock (as of now: the party network, funding, or as of the period's last
//! day: alliance members).

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::rate_permille;
use kechuang_domain::cockpit::{change_permille, Period, PeriodKind};
use kechuang_domain::money::Money;
use kechuang_domain::ErrorCode;
use kechuang_store::Principal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::service::cases::{dashboard_statistics, CaseListQuery, FiguresView};
use crate::AppState;
pub use kechuang_store::entities::frozen_period::Model as FrozenPeriod;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CockpitQuery {
    /// month（默认）/ quarter / year
    pub kind: Option<String>,
    /// 期间：2026-11、2026-Q4 或 2026；省略为当前期间
    pub period: Option<String>,
}

impl CockpitQuery {
    /// The period asked for (400 `invalid_query` for a malformed one).
    pub fn period(&self) -> ApiResult<Period> {
        let bad = |m: &str| ApiError::bad_request(ErrorCode::InvalidQuery, m.to_string());
        let kind = match self.kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(k) => Some(
                PeriodKind::parse(k).ok_or_else(|| bad("kind 只能是 month、quarter 或 year"))?,
            ),
        };
        match self.period.as_deref().map(str::trim) {
            None | Some("") => Ok(Period::of(
                kind.unwrap_or(PeriodKind::Month),
                kechuang_store::clock::today(),
            )),
            Some(code) => {
                let p = Period::parse(code).ok_or_else(|| {
                    bad("period 请写成 2026-11（月）、2026-Q4（季度）或 2026（年）")
                })?;
                match kind {
                    Some(k) if k != p.kind() => Err(bad("period 与 kind 不一致")),
                    _ => Ok(p),
                }
            }
        }
    }
}

/// One point of a trend.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
pub struct TrendPoint {
    pub period: String,
    pub label: String,
    pub value: Option<i64>,
}

/// An indicator over the chosen period.
#[derive(Clone, Serialize, ToSchema)]
pub struct IndicatorView {
    pub code: String,
    /// 所属领域
    pub area: String,
    pub name: String,
    /// 口径：统计什么、取自哪些记录、按哪个日期
    pub definition: String,
    /// flow（本期发生）/ year（按年度）/ stock（时点存量）/ reported（报送统计）
    pub basis: String,
    /// count / money（分）/ permille（‰）
    pub unit: String,
    /// 计量单位（件、人次、家……；金额与比率为空）
    pub unit_label: String,
    pub value: Option<i64>,
    pub display: String,
    /// 上期（环比）的值
    pub previous: Option<i64>,
    pub previous_display: String,
    /// 去年同期（同比）的值
    pub year_before: Option<i64>,
    pub year_before_display: String,
    /// 环比，如 “增长12.5%”“下降3.0%”“持平”，比率为“上升1.2个百分点”；无可比时为空
    pub pop: String,
    /// 同比
    pub yoy: String,
    /// 构成该数值的记录清单
    pub href: String,
    pub trend: Vec<TrendPoint>,
}

#[derive(Serialize, ToSchema)]
pub struct CockpitView {
    /// 期间代码，如 2026-11
    pub period: String,
    pub label: String,
    pub kind: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub indicators: Vec<IndicatorView>,
    /// 已报送（冻结）时：谁、何时报送；数字为报送时的数字，不再随记录变化
    pub frozen: Option<FrozenPeriod>,
}

#[derive(Clone, Copy)]
enum Unit {
    Count(&'static str),
    Money,
    Permille,
}

impl Unit {
    fn code(self) -> &'static str {
        match self {
            Unit::Count(_) => "count",
            Unit::Money => "money",
            Unit::Permille => "permille",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Unit::Count(l) => l,
            _ => "",
        }
    }
    fn show(self, v: Option<i64>) -> String {
        match (self, v) {
            (_, None) => "—".into(),
            (Unit::Count(l), Some(v)) => format!("{v}{l}"),
            (Unit::Permille, Some(v)) => format!("{}.{}%", v / 10, (v % 10).abs()),
            (Unit::Money, Some(fen)) => money(fen),
        }
    }
    /// The change from `before` to `now`: relative for counts and money,
    /// in percentage points for rates.
    fn change(self, now: Option<i64>, before: Option<i64>) -> String {
        let (Some(n), Some(b)) = (now, before) else {
            return String::new();
        };
        // As Chinese reports write it: 增长 58.6%, 下降 5.0%, 上升 1.2 个百分点.
        let said = |p: i64, up: &str, down: &str, unit: &str| match p {
            0 => "持平".to_string(),
            p => format!(
                "{}{}.{}{unit}",
                if p > 0 { up } else { down },
                p.abs() / 10,
                p.abs() % 10
            ),
        };
        match self {
            Unit::Permille => said(n - b, "上升", "下降", "个百分点"),
            _ => change_permille(n, b)
                .map(|p| said(p, "增长", "下降", "%"))
                .unwrap_or_default(),
        }
    }
}

/// 元 below 10,000, 万元 below 1 亿, else 亿元.
fn money(fen: i64) -> String {
    let m = Money::from_fen(fen);
    match fen.abs() {
        f if f < 1_000_000 => format!("{}元", fen / 100),
        f if f < 10_000_000_000 => format!("{}万元", m.to_wan_yuan_string()),
        _ => format!("{}亿元", m.to_yi_yuan_string()),
    }
}

/// The case figures of periods (all channels, or talents'), from one
/// statistics request by month over the whole window the cockpit shows
/// (its trend and the year before), summed per period: two requests for a
/// whole cockpit instead of one per period, and costly ones over many cases
/// are kept by `stats_cache` like any statistics.
struct CaseFigures<'a> {
    s: &'a AppState,
    p: &'a Principal,
    /// The first and last day the cockpit needs.
    window: (NaiveDate, NaiveDate),
    /// By channel (talents' or all): the figures by month key ("2026-03").
    months: HashMap<bool, HashMap<String, FiguresView>>,
}

impl CaseFigures<'_> {
    async fn months(&mut self, from: NaiveDate, to: NaiveDate, talent: bool) -> ApiResult<()> {
        let st = dashboard_statistics(
            self.s,
            self.p,
            &CaseListQuery {
                from: Some(from.to_string()),
                to: Some(to.to_string()),
                channel: talent.then(|| "talent".to_string()),
                group: Some("month".into()),
                ..Default::default()
            },
        )
        .await?;
        let kept = self.months.entry(talent).or_default();
        for g in st.groups {
            kept.insert(g.key.clone(), g);
        }
        Ok(())
    }

    async fn of(&mut self, period: Period, talent: bool) -> ApiResult<FiguresView> {
        let (from, to) = self.window;
        if !self.months.contains_key(&talent) {
            self.months(from, to, talent).await?;
        }
        if period.from() < from || period.to() > to {
            // Outside the window (not asked for by the cockpit itself).
            self.months(period.from(), period.to(), talent).await?;
        }
        let kept = &self.months[&talent];
        let mut sum = FiguresView::default();
        let mut month = period.from();
        while month <= period.to() {
            if let Some(f) = kept.get(&month.format("%Y-%m").to_string()) {
                sum.received += f.received;
                sum.solved += f.solved;
                sum.on_time += f.on_time;
                sum.rated += f.rated;
                sum.satisfied += f.satisfied;
            }
            month = month
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(NaiveDate::MAX);
        }
        sum.on_time_permille = rate_permille(sum.on_time, sum.solved);
        sum.satisfaction_permille = rate_permille(sum.satisfied, sum.rated);
        Ok(sum)
    }
}

/// `path?from=…&to=…&extra` for a period.
fn list_href(path: &str, period: Period, extra: &[(&str, &str)]) -> String {
    let (from, to) = (period.from().to_string(), period.to().to_string());
    let mut pairs: Vec<(&str, &str)> = extra.to_vec();
    pairs.push(("from", &from));
    pairs.push(("to", &to));
    format!(
        "{path}?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// A flow indicator: code, area, name, definition, unit, the list of its
/// records and that list's filter beyond the period.
type Flow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Unit,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The flow indicators.
const FLOWS: [Flow; 12] = [
    (
        "cases_received",
        "诉求闭环",
        "受理诉求",
        "期内受理的诉求件数（全部渠道，含人才服务申请），按受理日期计。",
        Unit::Count("件"),
        "/cases",
        &[],
    ),
    (
        "cases_solved",
        "诉求闭环",
        "办结诉求",
        "期内受理的诉求中已办结的件数（企业评价后或超期未评价自动办结），按受理日期计。",
        Unit::Count("件"),
        "/cases",
        &[("status", "closed")],
    ),
    (
        "cases_on_time",
        "诉求闭环",
        "按时办结率",
        "期内受理且已办结的诉求中，在法定工作日时限内办结的比例。",
        Unit::Permille,
        "/cases",
        &[("sla", "on_time")],
    ),
    (
        "cases_satisfaction",
        "诉求闭环",
        "满意率",
        "期内受理且已评价的诉求中，评价为满意或基本满意的比例。",
        Unit::Permille,
        "/cases",
        &[("satisfaction", "satisfied")],
    ),
    (
        "talent_requests",
        "人才服务",
        "人才服务",
        "期内受理的人才服务申请（人次），按受理日期计；一次申请多项事项计一次。",
        Unit::Count("人次"),
        "/cases",
        &[("channel", "talent")],
    ),
    (
        "talent_satisfaction",
        "人才服务",
        "人才服务满意率",
        "期内受理且已评价的人才服务申请中，满意或基本满意的比例。",
        Unit::Permille,
        "/cases",
        &[("channel", "talent"), ("satisfaction", "satisfied")],
    ),
    (
        "events_held",
        "活动与联盟",
        "举办活动",
        "期内开始、已发布且已结束的活动场次，按活动开始日期计。",
        Unit::Count("场"),
        "/events/reach/records",
        &[("figure", "events")],
    ),
    (
        "events_institutions",
        "活动与联盟",
        "覆盖机构",
        "期内活动签到的单位数：同一单位在同一系列同一年内只计一次。",
        Unit::Count("家"),
        "/events/reach/records",
        &[("figure", "institutions")],
    ),
    (
        "events_attendances",
        "活动与联盟",
        "参与人次",
        "期内活动的签到人次。",
        Unit::Count("人次"),
        "/events/reach/records",
        &[("figure", "attendances")],
    ),
    (
        "cooperations",
        "技术撮合",
        "撮合合作项目",
        "期内签约的合作项目数（撮合线索签约及登记的合作），按签约日期计。",
        Unit::Count("项"),
        "/matching/projects",
        &[],
    ),
    (
        "cooperation_amount",
        "技术撮合",
        "合作金额",
        "期内签约合作项目的合同金额合计。",
        Unit::Money,
        "/matching/projects",
        &[],
    ),
    (
        "firms_settled",
        "产业链",
        "落户企业",
        "期内落户（入链）各产业链的企业数，按落户日期计。",
        Unit::Count("家"),
        "/chains",
        &[],
    ),
];

struct Source<'a> {
    s: &'a AppState,
    cases: CaseFigures<'a>,
    reach: HashMap<String, kechuang_store::events::reach::Figures>,
    projects: HashMap<String, (u64, i64)>,
}

impl Source<'_> {
    async fn flow(&mut self, code: &str, p: Period) -> ApiResult<Option<i64>> {
        Ok(match code {
            "cases_received" => Some(self.cases.of(p, false).await?.received),
            "cases_solved" => Some(self.cases.of(p, false).await?.solved),
            "cases_on_time" => self.cases.of(p, false).await?.on_time_permille,
            "cases_satisfaction" => self.cases.of(p, false).await?.satisfaction_permille,
            "talent_requests" => Some(self.cases.of(p, true).await?.received),
            "talent_satisfaction" => self.cases.of(p, true).await?.satisfaction_permille,
            "events_held" | "events_institutions" | "events_attendances" => {
                let key = p.code();
                if !self.reach.contains_key(&key) {
                    let r = kechuang_store::events::reach::reach(
                        &self.s.db,
                        &kechuang_store::events::reach::ReachFilter {
                            from: Some(p.from()),
                            to: Some(p.to()),
                            ..Default::default()
                        },
                    )
                    .await?;
                    self.reach.insert(key.clone(), r.totals);
                }
                let f = &self.reach[&key];
                Some(match code {
                    "events_held" => f.events,
                    "events_institutions" => f.institutions,
                    _ => f.attendances,
                } as i64)
            }
            "cooperations" | "cooperation_amount" => {
                let key = p.code();
                if !self.projects.contains_key(&key) {
                    let c = kechuang_store::matching::projects::counts(
                        &self.s.db,
                        kechuang_store::matching::Period {
                            from: Some(p.from()),
                            to: Some(p.to()),
                        },
                    )
                    .await?;
                    self.projects.insert(key.clone(), (c.total, c.amount_fen));
                }
                let (n, fen) = self.projects[&key];
                Some(if code == "cooperations" {
                    n as i64
                } else {
                    fen
                })
            }
            "firms_settled" => Some(
                kechuang_store::chains::settled_counts(&self.s.db, Some(p.from()), Some(p.to()))
                    .await?
                    .iter()
                    .map(|c| c.settled as i64)
                    .sum(),
            ),
            _ => None,
        })
    }
}

/// How many periods a trend shows.
fn trend_len(kind: PeriodKind) -> usize {
    match kind {
        PeriodKind::Month => 12,
        PeriodKind::Quarter => 8,
        PeriodKind::Year => 5,
    }
}

#[allow(clippy::too_many_arguments)]
fn indicator(
    code: &str,
    area: &str,
    name: &str,
    definition: &str,
    basis: &str,
    unit: Unit,
    value: Option<i64>,
    previous: Option<i64>,
    year_before: Option<i64>,
    href: String,
    trend: Vec<TrendPoint>,
) -> IndicatorView {
    IndicatorView {
        code: code.into(),
        area: area.into(),
        name: name.into(),
        definition: definition.into(),
        basis: basis.into(),
        unit: unit.code().into(),
        unit_label: unit.label().into(),
        display: unit.show(value),
        previous_display: unit.show(previous),
        year_before_display: unit.show(year_before),
        pop: unit.change(value, previous),
        yoy: unit.change(value, year_before),
        value,
        previous,
        year_before,
        href,
        trend,
    }
}

/// Every indicator over the period asked for: as frozen when the period
/// was submitted (报送), else computed from the records now.
pub async fn cockpit(s: &AppState, p: &Principal, q: &CockpitQuery) -> ApiResult<CockpitView> {
    require(p, Permission::CockpitRead)?;
    let period = q.period()?;
    if let Some((f, figures)) = kechuang_store::frozen::get(&s.db, &period.code()).await? {
        return Ok(view(
            period,
            figures.into_iter().map(thawed).collect(),
            Some(f),
        ));
    }
    computed(s, p, period).await
}

/// Compute the cockpit of the current month, quarter and year ahead, as a
/// leader sees it (every record), so that its first reader gets figures
/// costly over many cases already kept (`stats_cache`). Run by the jobs
/// loop at start-up and on each new day, like the standard statistics.
pub async fn warm(s: &AppState) -> ApiResult<()> {
    let leader = Principal {
        user_id: String::new(),
        username: "system".into(),
        display_name: "系统".into(),
        role: kechuang_domain::auth::Role::Leader,
        department_id: None,
        org_id: None,
        scope: kechuang_store::Scope::All,
        via_session: false,
        csrf: String::new(),
        funding: false,
    };
    for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
        let q = CockpitQuery {
            kind: Some(kind.as_str().into()),
            period: None,
        };
        cockpit(s, &leader, &q).await?;
    }
    Ok(())
}

/// One indicator over the period asked for (404 for an unknown code).
pub async fn indicator_of(
    s: &AppState,
    p: &Principal,
    code: &str,
    q: &CockpitQuery,
) -> ApiResult<IndicatorView> {
    cockpit(s, p, q)
        .await?
        .indicators
        .into_iter()
        .find(|i| i.code == code)
        .ok_or_else(ApiError::not_found)
}

fn view(
    period: Period,
    indicators: Vec<IndicatorView>,
    frozen: Option<FrozenPeriod>,
) -> CockpitView {
    CockpitView {
        period: period.code(),
        label: period.label(),
        kind: period.kind().as_str().into(),
        from: period.from(),
        to: period.to(),
        indicators,
        frozen,
    }
}

/// Every indicator over `period` computed from the records.
async fn computed(s: &AppState, p: &Principal, period: Period) -> ApiResult<CockpitView> {
    let periods = period.last(trend_len(period.kind()));
    let first = periods
        .first()
        .map_or(period.from(), |t| t.from())
        .min(period.year_before().from());
    let mut src = Source {
        s,
        cases: CaseFigures {
            s,
            p,
            window: (first, period.to()),
            months: HashMap::new(),
        },
        reach: HashMap::new(),
        projects: HashMap::new(),
    };
    let mut out = vec![];
    for (code, area, name, definition, unit, path, extra) in FLOWS {
        let mut trend = vec![];
        for t in &periods {
            trend.push(TrendPoint {
                period: t.code(),
                label: t.short(),
                value: src.flow(code, *t).await?,
            });
        }
        let value = trend.last().and_then(|t| t.value);
        let previous = trend.iter().rev().nth(1).and_then(|t| t.value);
        let year_before = src.flow(code, period.year_before()).await?;
        out.push(indicator(
            code,
            area,
            name,
            definition,
            "flow",
            unit,
            value,
            previous,
            year_before,
            list_href(path, period, extra),
            trend,
        ));
    }
    out.extend(yearly(s, period).await?);
    out.extend(stocks(s, period).await?);
    out.extend(reported_indicators(s, period).await?);
    Ok(view(period, out, None))
}

// ---------------------------------------------------------------- frozen periods (报送)

/// Freezing a period (报送).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FreezeDraft {
    /// 期间：2026-11、2026-Q3 或 2026；须已结束
    pub period: String,
    /// 报送说明（选填，最多 200 字）
    pub note: String,
}

/// An indicator as it was frozen.
fn thawed(f: kechuang_store::entities::frozen_figure::Model) -> IndicatorView {
    let trend: Vec<TrendPoint> = serde_json::from_str(&f.trend).unwrap_or_default();
    let mut v = indicator(
        &f.code,
        &f.area,
        &f.name,
        &f.definition,
        &f.basis,
        unit_of(&f.unit),
        f.value,
        f.previous,
        f.year_before,
        f.href,
        trend,
    );
    // A count's unit (件, 家…) is the frozen row's.
    if let Unit::Count(_) = unit_of(&f.unit) {
        let shown = |x: Option<i64>| x.map_or("—".into(), |n| format!("{n}{}", f.unit_label));
        v.display = shown(v.value);
        v.previous_display = shown(v.previous);
        v.year_before_display = shown(v.year_before);
    }
    v.unit_label = f.unit_label;
    v
}

/// Freeze an ended period: its indicators as computed now are kept and
/// shown from then on (409 when frozen already; 422 while it runs).
pub async fn freeze(s: &AppState, p: &Principal, d: FreezeDraft) -> ApiResult<FrozenPeriod> {
    require(p, Permission::CockpitReport)?;
    let mut e: Vec<(&'static str, String)> = vec![];
    let period = Period::parse(d.period.trim());
    match period {
        None => e.push((
            "period",
            "期间请写成 2026-11（月）、2026-Q3（季度）或 2026（年）".into(),
        )),
        Some(x) if x.to() >= kechuang_store::clock::today() => e.push((
            "period",
            format!("{}尚未结束，结束后（{}之后）才能报送", x.label(), x.to()),
        )),
        _ => {}
    }
    let note = d.note.trim();
    if note.chars().count() > 200 {
        e.push(("note", "报送说明最多 200 个字".into()));
    }
    let Some(period) = period.filter(|_| e.is_empty()) else {
        return Err(ApiError::invalid(ErrorCode::InvalidInput, &e));
    };
    let v = computed(s, p, period).await?;
    let figures = v
        .indicators
        .into_iter()
        .map(|i| kechuang_store::entities::frozen_figure::Model {
            trend: serde_json::to_string(&i.trend).unwrap_or_else(|_| "[]".into()),
            code: i.code,
            area: i.area,
            name: i.name,
            definition: i.definition,
            basis: i.basis,
            unit: i.unit,
            unit_label: i.unit_label,
            value: i.value,
            previous: i.previous,
            year_before: i.year_before,
            href: i.href,
            ..Default::default()
        })
        .collect();
    Ok(kechuang_store::frozen::freeze(
        &s.db,
        &p.username,
        &p.display_name,
        &period.code(),
        note,
        figures,
    )
    .await?)
}

/// Lift a freeze: the period's figures are computed from the records again
/// (audited; 404 when not frozen, 409 on a stale version).
pub async fn unfreeze(s: &AppState, p: &Principal, period: &str, version: i32) -> ApiResult<()> {
    require(p, Permission::CockpitReport)?;
    Ok(kechuang_store::frozen::unfreeze(&s.db, &p.username, period, version).await?)
}

/// Every frozen period, latest first.
pub async fn freezes(s: &AppState, p: &Principal) -> ApiResult<Vec<FrozenPeriod>> {
    require(p, Permission::CockpitRead)?;
    Ok(kechuang_store::frozen::list(&s.db).await?)
}

/// Figures the records keep by year, for the year of the period: contract
/// turnover (with its growth streak) and each chain's output.
async fn yearly(s: &AppState, period: Period) -> ApiResult<Vec<IndicatorView>> {
    use chrono::Datelike;
    let year = period.to().year();
    let years: Vec<i32> = ((year - 4)..=year).collect();
    let trend = |values: &dyn Fn(i32) -> Option<i64>| -> Vec<TrendPoint> {
        years
            .iter()
            .map(|y| TrendPoint {
                period: y.to_string(),
                label: y.to_string(),
                value: values(*y),
            })
            .collect()
    };
    let mut out = vec![];
    let t = kechuang_store::transfer::contracts::turnover(&s.db, None).await?;
    let of = |y: i32| t.years.iter().find(|x| x.year == y).map(|x| x.fen);
    let streak = t
        .years
        .iter()
        .find(|x| x.year == year)
        .map(|x| x.growth_streak)
        .unwrap_or(0);
    let mut v = indicator(
        "contract_turnover",
        "成果转化",
        "技术合同成交额",
        "当年登记的技术合同成交额合计（按合同登记年度）；连续增长年数按逐年比较计算。",
        "year",
        Unit::Money,
        of(year),
        None,
        of(year - 1),
        format!("/transfer/contracts?year={year}"),
        trend(&of),
    );
    if streak > 0 {
        v.definition = format!("{} {year}年为连续第{streak}年增长。", v.definition);
    }
    out.push(v);
    for c in kechuang_store::chains::list(&s.db).await? {
        let d = kechuang_store::chains::detail(&s.db, &c.chain.id).await?;
        let of = |y: i32| d.totals.iter().find(|x| x.year == y).map(|x| x.output_fen);
        out.push(indicator(
            &format!("chain_output:{}", c.chain.id),
            "产业链",
            &format!("{}产值", c.chain.name),
            "链上企业当年产值合计（按年度填报的产值记录）。",
            "year",
            Unit::Money,
            of(year),
            None,
            of(year - 1),
            format!("/chains/{}", c.chain.id),
            trend(&of),
        ));
    }
    Ok(out)
}

/// Stocks: the party network and funding as they stand now, alliance
/// members as of the period's last day (compared with the previous
/// period's and the year before's last day).
async fn stocks(s: &AppState, period: Period) -> ApiResult<Vec<IndicatorView>> {
    use kechuang_store::party;
    let db = &s.db;
    let now = |code: &str, area: &str, name: &str, def: &str, unit: Unit, v: i64, href: &str| {
        indicator(
            code,
            area,
            name,
            def,
            "stock",
            unit,
            Some(v),
            None,
            None,
            href.into(),
            vec![],
        )
    };
    let mut out = vec![];
    let n = party::network::figures(db).await?;
    let instructors = party::staff::role_counts(db)
        .await?
        .into_iter()
        .find(|(r, _)| *r == party::staff::StaffRole::Instructor)
        .map(|(_, n)| n)
        .unwrap_or(0);
    let appointments = party::network::appointments(db, None).await?.len();
    let zones = party::zones::totals(db, &Default::default()).await?;
    let (commitments, _) = party::commitments::figures(db, &Default::default()).await?;
    let claims = party::claims::totals(db, &Default::default()).await?;
    let t = "党建引领";
    out.push(now(
        "party_orgs",
        t,
        "党组织",
        "现有党组织数（全部层级）。",
        Unit::Count("个"),
        n.party_orgs as i64,
        "/party",
    ));
    out.push(now(
        "party_orgs_research",
        t,
        "科研院所党组织",
        "所在单位为科研院所或高校的党组织数。",
        Unit::Count("个"),
        n.in_research_units as i64,
        "/party",
    ));
    out.push(now(
        "party_venues",
        t,
        "党建阵地",
        "党组织登记的活动阵地（不重复）数。",
        Unit::Count("个"),
        n.venues as i64,
        "/party",
    ));
    out.push(now(
        "party_instructors",
        t,
        "党建指导员",
        "服务队伍中角色为党建指导员的人数。",
        Unit::Count("名"),
        instructors as i64,
        "/party/staff?role=instructor",
    ));
    out.push(now(
        "cross_appointments",
        t,
        "交叉任职",
        "党组织与所在单位领导班子交叉任职的人次。",
        Unit::Count("人次"),
        appointments as i64,
        "/party",
    ));
    out.push(now(
        "party_zones",
        t,
        "党员责任区",
        "划定的党员责任区数。",
        Unit::Count("个"),
        zones.zones as i64,
        "/party/zones",
    ));
    out.push(now(
        "commitments_made",
        t,
        "党员承诺",
        "党员作出的承诺件数（全部状态）。",
        Unit::Count("件"),
        commitments.total as i64,
        "/party/commitments",
    ));
    out.push(now(
        "commitments_kept",
        t,
        "承诺践诺",
        "党员承诺中已核实兑现的件数。",
        Unit::Count("件"),
        commitments.verified as i64,
        "/party/commitments?status=verified",
    ));
    out.push(now(
        "claims",
        t,
        "揭榜项目",
        "党组织揭榜认领的项目数。",
        Unit::Count("项"),
        claims.claims as i64,
        "/party/claims",
    ));
    out.push(now(
        "claim_talents",
        t,
        "揭榜党员人才",
        "揭榜项目吸引的党员人才（参与人数合计）。",
        Unit::Count("名"),
        claims.participants,
        "/party/claims",
    ));
    out.push(now(
        "original_results",
        t,
        "原创成果",
        "揭榜项目取得的原创成果数。",
        Unit::Count("项"),
        claims.results as i64,
        "/party/claims/results",
    ));
    let eq = kechuang_store::transfer::equity::totals(db).await?;
    let loans = kechuang_store::transfer::loans::totals(db).await?;
    let all = loans.last();
    let f = "成果转化";
    out.push(now(
        "grant_equity_projects",
        f,
        "先投后股项目",
        "签订先投后股协议的项目数。",
        Unit::Count("个"),
        eq.agreements as i64,
        "/transfer/grant-equity",
    ));
    out.push(now(
        "grant_equity_amount",
        f,
        "先投后股金额",
        "先投后股协议约定的投入金额合计。",
        Unit::Money,
        eq.grant_fen,
        "/transfer/grant-equity",
    ));
    out.push(now(
        "loan_firms",
        f,
        "科企梯度贷企业",
        "获得梯度贷款的企业数。",
        Unit::Count("家"),
        all.map_or(0, |t| t.firms as i64),
        "/transfer/loans",
    ));
    out.push(now(
        "loan_amount",
        f,
        "科企梯度贷放款",
        "梯度贷款累计放款金额。",
        Unit::Money,
        all.map_or(0, |t| t.disbursed_fen),
        "/transfer/loans",
    ));
    let policies = |f: kechuang_store::policies::PolicyFilter| async move {
        kechuang_store::policies::list(
            db,
            &kechuang_store::Scope::All,
            &f,
            kechuang_store::PageReq::first(1),
        )
        .await
        .map(|p| p.total as i64)
    };
    out.push(now(
        "policies_published",
        "政策服务",
        "已发布政策",
        "各部门已发布、正在实施的政策数（不含草稿和已停止的）。",
        Unit::Count("项"),
        policies(kechuang_store::policies::PolicyFilter {
            status: Some(kechuang_domain::policies::PolicyStatus::Published),
            ..Default::default()
        })
        .await?,
        "/policies?status=published",
    ));
    out.push(now(
        "policies_applying",
        "政策服务",
        "可申报政策",
        "已发布且今天在申报时间内的政策数；企业通过“政策兑现”诉求申请。",
        Unit::Count("项"),
        policies(kechuang_store::policies::PolicyFilter {
            applying_on: Some(kechuang_store::clock::today()),
            ..Default::default()
        })
        .await?,
        "/policies?applying=true",
    ));
    for row in
        kechuang_store::alliances::list_all(db, &Default::default(), period.to(), 100).await?
    {
        let a = row.alliance;
        let id = a.id.clone();
        let at = |p: Period| {
            let id = id.clone();
            async move {
                kechuang_store::alliances::member_counts(db, &id, p.to())
                    .await
                    .map(|c| c.total as i64)
            }
        };
        let (v, prev, yb) = (
            at(period).await?,
            at(period.previous()).await?,
            at(period.year_before()).await?,
        );
        let mut trend = vec![];
        for t in period.last(trend_len(period.kind())) {
            trend.push(TrendPoint {
                period: t.code(),
                label: t.short(),
                value: Some(at(t).await?),
            });
        }
        out.push(indicator(
            &format!("alliance_members:{}", a.id),
            "活动与联盟",
            &format!("{}成员", a.name),
            "期末当日在册的成员单位数（已加入、未退出）。",
            "stock",
            Unit::Count("家"),
            Some(v),
            Some(prev),
            Some(yb),
            format!("/alliances/{}?on={}", a.id, period.to()),
            trend,
        ));
    }
    Ok(out)
}

/// The columns of the period report.
const REPORT_COLUMNS: [&str; 10] = [
    "领域",
    "指标",
    "本期",
    "上期",
    "环比",
    "去年同期",
    "同比",
    "口径",
    "统计基础",
    "明细",
];

/// The period report: every indicator with its comparisons and definition,
/// as an .xlsx titled with the period (file name, bytes).
pub async fn report(s: &AppState, p: &Principal, q: &CockpitQuery) -> ApiResult<(String, Vec<u8>)> {
    use crate::excel::{self, Cell};
    let v = cockpit(s, p, q).await?;
    let basis = |b: &str| match b {
        "flow" => "本期发生",
        "year" => "按年度",
        "reported" => "报送统计",
        _ => "时点存量",
    };
    let rows = v.indicators.iter().map(|i| {
        let u = unit_of(&i.unit);
        let shown = |x: Option<i64>| match (u, x) {
            (_, None) => Cell::Empty,
            (Unit::Count(_), Some(n)) => Cell::Number(n as f64),
            _ => Cell::Text(u.show(x)),
        };
        vec![
            Cell::Text(i.area.clone()),
            Cell::Text(if i.unit_label.is_empty() {
                i.name.clone()
            } else {
                format!("{}（{}）", i.name, i.unit_label)
            }),
            shown(i.value),
            shown(i.previous),
            Cell::Text(i.pop.clone()),
            shown(i.year_before),
            Cell::Text(i.yoy.clone()),
            Cell::Text(i.definition.clone()),
            Cell::Text(basis(&i.basis).into()),
            Cell::Text(i.href.clone()),
        ]
    });
    let bytes = excel::titled_workbook(
        "指标",
        &format!("科创驾驶舱指标报告（{}）", v.label),
        &REPORT_COLUMNS,
        &[10.0, 24.0, 14.0, 14.0, 12.0, 14.0, 12.0, 50.0, 10.0, 40.0],
        rows,
    )?;
    Ok((format!("驾驶舱指标报告-{}.xlsx", v.period), bytes))
}

// ---------------------------------------------------------------- reported statistics

/// A reported statistic as entered.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReportedDraft {
    /// 统计项代码：小写字母、数字、下划线，如 rd_intensity（修改时忽略）
    pub code: String,
    /// 统计项名称，如 研发投入强度
    pub name: String,
    /// 期间：2024、2025-Q1 或 2025-03（修改时忽略）
    pub period: String,
    /// permille（比率，按百分数填写，如 5.4）/ money（金额，元）/ count（个数）
    pub unit: String,
    /// 数值：比率填百分数（最多一位小数），金额填元，个数填整数
    pub value: String,
    /// 数据来源，如 区统计局《科技经费投入统计公报》
    pub source: String,
    /// 审核人
    pub approved_by: String,
    pub note: String,
}

impl ReportedDraft {
    fn validate(self) -> ApiResult<kechuang_store::reported::ReportedInput> {
        let mut e: Vec<(&'static str, String)> = vec![];
        let code = self.code.trim().to_string();
        if code.is_empty()
            || code.len() > 40
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            e.push((
                "code",
                "代码只能用小写字母、数字和下划线（最多 40 个），如 rd_intensity".into(),
            ));
        }
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 60 {
            e.push(("name", "请填写统计项名称（最多 60 个字）".into()));
        }
        let period = Period::parse(&self.period);
        if period.is_none() {
            e.push((
                "period",
                "期间请写成 2024（年）、2025-Q1（季度）或 2025-03（月）".into(),
            ));
        }
        let v = self.value.trim().replace([',', '，'], "");
        let value = match self.unit.trim() {
            "permille" => match v.split_once('.') {
                _ if v.is_empty() => None,
                Some((a, b)) if b.len() == 1 => a
                    .parse::<i64>()
                    .ok()
                    .zip(b.parse::<i64>().ok())
                    .map(|(a, b)| a * 10 + if a < 0 { -b } else { b }),
                Some(_) => None,
                None => v.parse::<i64>().ok().map(|a| a * 10),
            }
            .filter(|p| (0..=100_000).contains(p))
            .ok_or("比率请填百分数，最多一位小数，如 5.4"),
            "money" => Money::parse_yuan(&v)
                .map(|m| m.fen())
                .map_err(|_| "金额请填元，如 14500000 或 1450万"),
            "count" => v
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or("个数请填不小于 0 的整数"),
            _ => {
                e.push(("unit", "请选择计量方式：比率、金额或个数".into()));
                Ok(0)
            }
        };
        let value = value.unwrap_or_else(|m| {
            e.push(("value", m.into()));
            0
        });
        for (f, label, v, max, required) in [
            ("source", "数据来源", &self.source, 200, true),
            ("approved_by", "审核人", &self.approved_by, 50, true),
            ("note", "备注", &self.note, 1000, false),
        ] {
            let n = v.trim().chars().count();
            if (required && n == 0) || n > max {
                e.push((f, format!("请填写{label}（最多 {max} 个字）")));
            }
        }
        if !e.is_empty() {
            return Err(ApiError::invalid(ErrorCode::InvalidInput, &e));
        }
        Ok(kechuang_store::reported::ReportedInput {
            code,
            name,
            period: period.map(Period::code).unwrap_or_default(),
            unit: self.unit.trim().to_string(),
            value,
            source: self.source.trim().to_string(),
            approved_by: self.approved_by.trim().to_string(),
            note: self.note.trim().to_string(),
        })
    }
}

/// A reported figure with its period's label and value as shown.
#[derive(Clone, Serialize, ToSchema)]
pub struct ReportedView {
    #[serde(flatten)]
    pub figure: kechuang_store::entities::reported_figure::Model,
    pub period_label: String,
    pub display: String,
}

/// A value as the cockpit shows it in its unit (count, money or permille).
pub fn display(unit: &str, value: Option<i64>) -> String {
    unit_of(unit).show(value)
}

fn unit_of(code: &str) -> Unit {
    match code {
        "money" => Unit::Money,
        "permille" => Unit::Permille,
        _ => Unit::Count(""),
    }
}

fn reported_view(m: kechuang_store::entities::reported_figure::Model) -> ReportedView {
    ReportedView {
        period_label: Period::parse(&m.period)
            .map(Period::label)
            .unwrap_or_else(|| m.period.clone()),
        display: unit_of(&m.unit).show(Some(m.value)),
        figure: m,
    }
}

/// Every reported figure (or one statistic's), newest period first.
pub async fn reported(
    s: &AppState,
    p: &Principal,
    code: Option<&str>,
) -> ApiResult<Vec<ReportedView>> {
    require(p, Permission::CockpitRead)?;
    Ok(kechuang_store::reported::list(&s.db, code)
        .await?
        .into_iter()
        .map(reported_view)
        .collect())
}

/// The reported figures (or one statistic's) as Excel (file name, bytes).
pub async fn reported_export(
    s: &AppState,
    p: &Principal,
    code: Option<&str>,
) -> ApiResult<(String, Vec<u8>)> {
    use crate::excel::{self, Cell};
    let rows = reported(s, p, code).await?;
    let bytes = excel::workbook(
        "报送统计",
        &[
            "统计项代码",
            "统计项",
            "期间",
            "数值",
            "数据来源",
            "审核人",
            "备注",
            "报送时间",
        ],
        rows.into_iter().map(|r| {
            vec![
                Cell::Text(r.figure.code),
                Cell::Text(r.figure.name),
                Cell::Text(r.period_label),
                Cell::Text(r.display),
                Cell::Text(r.figure.source),
                Cell::Text(r.figure.approved_by),
                Cell::Text(r.figure.note),
                Cell::Text(crate::format::fmt_time(r.figure.updated_at)),
            ]
        }),
    )?;
    Ok(("报送统计.xlsx".into(), bytes))
}

pub async fn create_reported(
    s: &AppState,
    p: &Principal,
    d: ReportedDraft,
) -> ApiResult<ReportedView> {
    require(p, Permission::CockpitReport)?;
    let m = kechuang_store::reported::create(&s.db, &p.username, d.validate()?).await?;
    Ok(reported_view(m))
}

pub async fn update_reported(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: ReportedDraft,
) -> ApiResult<ReportedView> {
    require(p, Permission::CockpitReport)?;
    let before = kechuang_store::reported::get(&s.db, id).await?;
    // The code and period stay; check the rest as entered.
    let input = ReportedDraft {
        code: before.code,
        period: before.period,
        ..d
    }
    .validate()?;
    let m = kechuang_store::reported::update(&s.db, &p.username, id, version, input).await?;
    Ok(reported_view(m))
}

/// The reported statistics as indicators of `period`: each statistic's
/// value for the period, else its latest reported before the period ends
/// (named in the definition); comparisons and a trend within that kind.
async fn reported_indicators(s: &AppState, period: Period) -> ApiResult<Vec<IndicatorView>> {
    let rows = kechuang_store::reported::list(&s.db, None).await?;
    let mut codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    codes.dedup();
    let mut out = vec![];
    for code in codes {
        let of: Vec<(Period, &kechuang_store::entities::reported_figure::Model)> = rows
            .iter()
            .filter(|r| r.code == code)
            .filter_map(|r| Period::parse(&r.period).map(|p| (p, r)))
            .collect();
        let exact = of.iter().find(|(p, _)| *p == period);
        let Some((shown, row)) = exact.or_else(|| {
            of.iter()
                .filter(|(p, _)| p.to() <= period.to())
                .max_by_key(|(p, _)| p.to())
        }) else {
            continue;
        };
        let value_at = |p: Period| of.iter().find(|(x, _)| *x == p).map(|(_, r)| r.value);
        let unit = unit_of(&row.unit);
        let mut definition = format!("报送统计：{}；审核人 {}。", row.source, row.approved_by);
        if exact.is_none() {
            definition = format!(
                "{definition}本期未报送，显示最近一期（{}）。",
                shown.label()
            );
        }
        let trend = shown
            .last(trend_len(shown.kind()))
            .into_iter()
            .map(|t| TrendPoint {
                period: t.code(),
                label: t.short(),
                value: value_at(t),
            })
            .collect();
        out.push(indicator(
            &format!("reported:{code}"),
            "报送统计",
            &row.name,
            &definition,
            "reported",
            unit,
            Some(row.value),
            value_at(shown.previous()),
            value_at(shown.year_before()),
            format!("/cockpit/reported?code={code}"),
            trend,
        ));
    }
    Ok(out)
}
