//! Supervision orders (督办) and accountability interviews (约谈) naming a
//! chief service officer, an assistant or an instructor, and the lateness of
//! each person's enterprises' cases that suggests one.

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::ErrorCode;
use kechuang_store::entities::accountability;
use kechuang_store::party::accountability::{self as store, AccountKind, AccountabilityFilter};
use kechuang_store::party::staff::{self as staff_store, quarter_of};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{non_empty, opt_bool, query_date};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::forms::party::accountability::AccountabilityDraft;
use crate::AppState;

/// A supervision order or an interview with the person's name and role.
#[derive(Clone, Serialize, ToSchema)]
pub struct AccountabilityView {
    #[serde(flatten)]
    pub record: accountability::Model,
    /// 督办 / 约谈
    pub kind_label: String,
    pub staff_name: String,
    pub staff_role: String,
    pub staff_role_label: String,
    /// 涉及诉求的编号（无则为空）
    pub case_number: String,
    /// 整改中 / 已整改
    pub status_label: String,
}

pub async fn views(
    s: &AppState,
    items: Vec<accountability::Model>,
) -> ApiResult<Vec<AccountabilityView>> {
    let people = staff_store::by_ids(&s.db, items.iter().map(|x| x.staff_id.clone())).await?;
    let cases: Vec<String> = items.iter().filter_map(|x| x.case_id.clone()).collect();
    let numbers = staff_store::case_numbers(&s.db, cases).await?;
    Ok(items
        .into_iter()
        .map(|m| {
            let person = people.get(&m.staff_id);
            AccountabilityView {
                kind_label: AccountKind::parse(&m.kind)
                    .map(|k| k.label_zh())
                    .unwrap_or("")
                    .into(),
                staff_name: person.map(|p| p.name.clone()).unwrap_or_default(),
                staff_role: person.map(|p| p.staff_role.clone()).unwrap_or_default(),
                staff_role_label: person
                    .map(|p| staff_store::role_label(&p.staff_role))
                    .unwrap_or_default(),
                case_number: m
                    .case_id
                    .as_ref()
                    .and_then(|c| numbers.get(c))
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default(),
                status_label: if m.closed_on.is_some() {
                    "已整改"
                } else {
                    "整改中"
                }
                .into(),
                record: m,
            }
        })
        .collect())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountabilityListQuery {
    /// 关键词：事由、结果、整改跟踪
    pub q: Option<String>,
    /// 服务人员 id
    pub staff_id: Option<String>,
    /// supervision（督办）/ interview（约谈）
    pub kind: Option<String>,
    /// true：整改中；false：已整改
    pub open: Option<String>,
    /// 日期起（含）
    pub from: Option<String>,
    /// 日期止（含）
    pub to: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl AccountabilityListQuery {
    pub fn filter(&self) -> ApiResult<AccountabilityFilter> {
        let kind = match non_empty(&self.kind) {
            None => None,
            Some(k) => Some(AccountKind::parse(&k).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "类型只能是 supervision（督办）或 interview（约谈）",
                )
            })?),
        };
        Ok(AccountabilityFilter {
            q: non_empty(&self.q),
            staff_ids: non_empty(&self.staff_id).map(|s| vec![s]),
            kind,
            open: opt_bool("open", &self.open)?,
            from: query_date("from", &self.from)?,
            to: query_date("to", &self.to)?,
        })
    }
}

pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &AccountabilityListQuery,
) -> ApiResult<Page<AccountabilityView>> {
    require(p, Permission::PartyRead)?;
    let page = store::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// The records naming these people, latest first (for a person's page and
/// the officer's report), within [from, to] when given.
pub async fn of_people(
    s: &AppState,
    staff_ids: Vec<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<Vec<AccountabilityView>> {
    let f = AccountabilityFilter {
        staff_ids: Some(staff_ids),
        from,
        to,
        ..Default::default()
    };
    views(s, store::list_all(&s.db, &f, 1_000).await?).await
}

/// The latest records (for the supervision board).
pub async fn recent(s: &AppState, limit: u64) -> ApiResult<Vec<AccountabilityView>> {
    views(
        s,
        store::list_all(&s.db, &AccountabilityFilter::default(), limit).await?,
    )
    .await
}

pub async fn get(s: &AppState, p: &Principal, id: &str) -> ApiResult<AccountabilityView> {
    require(p, Permission::PartyRead)?;
    Ok(views(s, vec![store::get(&s.db, id).await?])
        .await?
        .remove(0))
}

pub async fn create(
    s: &AppState,
    p: &Principal,
    d: &AccountabilityDraft,
) -> ApiResult<AccountabilityView> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    let m = store::create(&s.db, &p.username, &p.display_name, input).await?;
    Ok(views(s, vec![m]).await?.remove(0))
}

pub async fn update(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &AccountabilityDraft,
) -> ApiResult<AccountabilityView> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    let m = store::update(&s.db, &p.username, id, version, input).await?;
    Ok(views(s, vec![m]).await?.remove(0))
}

pub const COLUMNS: [&str; 10] = [
    "日期",
    "类型",
    "服务人员",
    "身份",
    "涉及诉求",
    "事由",
    "结果",
    "整改跟踪",
    "整改完成日期",
    "状态",
];

/// One record as a row of [`COLUMNS`].
pub fn export_row(v: AccountabilityView) -> Vec<Cell> {
    vec![
        Cell::Date(v.record.held_on),
        Cell::Text(v.kind_label),
        Cell::Text(v.staff_name),
        Cell::Text(v.staff_role_label),
        Cell::Text(v.case_number),
        Cell::Text(v.record.reason),
        Cell::Text(v.record.outcome),
        Cell::Text(v.record.follow_up),
        v.record.closed_on.map(Cell::Date).unwrap_or(Cell::Empty),
        Cell::Text(v.status_label),
    ]
}

pub async fn export_bytes(
    s: &AppState,
    p: &Principal,
    q: &AccountabilityListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = views(s, store::list_all(&s.db, &q.filter()?, 50_000).await?).await?;
    excel::workbook("人员督办约谈", &COLUMNS, rows.into_iter().map(export_row))
}

/// One person's enterprises' lateness in a period.
#[derive(Clone, Serialize, ToSchema)]
pub struct LatenessView {
    pub staff_id: String,
    pub name: String,
    pub staff_role: String,
    pub role_label: String,
    /// 期内联系企业
    pub enterprises: u64,
    /// 联系企业期内提出的诉求
    pub cases: u64,
    /// 在办超期
    pub overdue_open: u64,
    /// 超期办结
    pub late: u64,
    /// 在办超期与超期办结合计达到阈值，建议约谈
    pub suggest_interview: bool,
}

/// Everyone's lateness over a period.
#[derive(Serialize, ToSchema)]
pub struct LatenessReport {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    /// 建议约谈的阈值（在办超期 + 超期办结，件）
    pub threshold: i64,
    pub people: Vec<LatenessView>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LatenessQuery {
    /// 期间起（含），默认本季度第一天
    pub from: Option<String>,
    /// 期间止（含），默认本季度最后一天
    pub to: Option<String>,
}

pub async fn lateness(s: &AppState, p: &Principal, q: &LatenessQuery) -> ApiResult<LatenessReport> {
    require(p, Permission::PartyRead)?;
    let (qf, qt) = quarter_of(kechuang_store::clock::today());
    let from = query_date("from", &q.from)?.unwrap_or(qf);
    let to = query_date("to", &q.to)?.unwrap_or(qt);
    if to < from {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            "期间的结束日期不能早于开始日期",
        ));
    }
    let people = store::lateness(&s.db, from, to)
        .await?
        .into_iter()
        .map(|l| LatenessView {
            staff_id: l.staff.id.clone(),
            name: l.staff.name.clone(),
            role_label: staff_store::role_label(&l.staff.staff_role),
            staff_role: l.staff.staff_role,
            enterprises: l.enterprises,
            cases: l.cases,
            overdue_open: l.overdue_open,
            late: l.late,
            suggest_interview: l.suggest_interview,
        })
        .collect();
    Ok(LatenessReport {
        from,
        to,
        threshold: kechuang_store::settings::interview_threshold(&s.db)
            .await?
            .value,
        people,
    })
}
