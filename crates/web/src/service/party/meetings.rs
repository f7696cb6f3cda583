//! Joint and monthly coordination meetings, their decisions as the annual key-item list (年度重点事项) with milestones, and agendas that pick up overdue or at-risk items.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use kechuang_domain::auth::Permission;
use kechuang_store::entities::{key_item, key_item_milestone, meeting};
use kechuang_store::party::meetings::{
    self as store, KeyItemFilter, KeyItemRow, KeyStatus, MeetingFilter, MeetingKind, MeetingRow,
    Risk,
};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{non_empty, opt_bool, query_year};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::forms::party::meetings::{
    DoneDraft, KeyItemDraft, MeetingDraft, MilestoneDraft, ProgressDraft,
};
use crate::AppState;

// ---------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------

/// A meeting with its type and the size of its agenda.
#[derive(Serialize, ToSchema)]
pub struct MeetingView {
    #[serde(flatten)]
    pub meeting: meeting::Model,
    /// 联席会议 / 月度碰头会 / 座谈会 / 首席服务官月度例会
    pub kind_label: String,
    /// 议程上的重点事项数（逾期或有逾期风险，会议创建时自动列入）
    pub agenda_count: u64,
    /// 本次会议决定列入清单的重点事项数
    pub key_item_count: u64,
}

pub fn meeting_view(r: MeetingRow) -> MeetingView {
    MeetingView {
        kind_label: MeetingKind::parse(&r.meeting.kind)
            .map(|k| k.label_zh())
            .unwrap_or("")
            .into(),
        agenda_count: r.agenda,
        key_item_count: r.key_items,
        meeting: r.meeting,
    }
}

/// A key item with its milestones and where it stands today.
#[derive(Serialize, ToSchema)]
pub struct KeyItemView {
    #[serde(flatten)]
    pub item: key_item::Model,
    /// 推进中 / 已完成
    pub status_label: String,
    /// 今日状态：done / overdue / at_risk / on_track
    pub risk: String,
    pub risk_label: String,
    /// 责任单位
    pub department_name: String,
    /// 来源会议
    pub meeting_title: String,
    pub milestones: Vec<key_item_milestone::Model>,
}

pub async fn key_item_views(s: &AppState, rows: Vec<KeyItemRow>) -> ApiResult<Vec<KeyItemView>> {
    let deps = kechuang_store::names::all(&s.db, "departments").await?;
    let meetings = store::meeting_titles(
        &s.db,
        rows.iter()
            .filter_map(|r| r.item.meeting_id.clone())
            .collect(),
    )
    .await?;
    let name = |m: &HashMap<String, String>, id: &Option<String>| {
        id.as_ref()
            .and_then(|i| m.get(i))
            .cloned()
            .unwrap_or_default()
    };
    Ok(rows
        .into_iter()
        .map(|r| KeyItemView {
            status_label: KeyStatus::parse(&r.item.status)
                .map(|k| k.label_zh())
                .unwrap_or("")
                .into(),
            risk: r.risk.as_str().into(),
            risk_label: r.risk.label_zh().into(),
            department_name: name(&deps, &r.item.department_id),
            meeting_title: name(&meetings, &r.item.meeting_id),
            milestones: r.milestones,
            item: r.item,
        })
        .collect())
}

pub async fn key_item_view(s: &AppState, r: KeyItemRow) -> ApiResult<KeyItemView> {
    Ok(key_item_views(s, vec![r]).await?.remove(0))
}

/// A key item on a meeting's agenda.
#[derive(Serialize, ToSchema)]
pub struct AgendaEntry {
    pub id: String,
    /// 列入议程的原因（会议当日）：overdue（逾期）/ at_risk（有逾期风险）
    pub reason: String,
    pub reason_label: String,
    /// 重点事项的当前情况
    pub key_item: KeyItemView,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingDetailView {
    pub meeting: MeetingView,
    /// 议程：会议当日逾期或有逾期风险的未完成重点事项，逾期的在前
    pub agenda: Vec<AgendaEntry>,
    /// 本次会议决定列入年度清单的重点事项
    pub key_items: Vec<KeyItemView>,
}

fn reason_label(code: &str) -> String {
    Risk::parse(code).map(|r| r.label_zh()).unwrap_or("").into()
}

pub async fn meeting_detail_view(s: &AppState, id: &str) -> ApiResult<MeetingDetailView> {
    let d = store::meeting_detail(&s.db, id).await?;
    let (entries, rows): (Vec<_>, Vec<_>) = d.agenda.into_iter().unzip();
    let views = key_item_views(s, rows).await?;
    let agenda = entries
        .into_iter()
        .zip(views)
        .map(|(a, v)| AgendaEntry {
            id: a.id,
            reason_label: reason_label(&a.reason),
            reason: a.reason,
            key_item: v,
        })
        .collect();
    Ok(MeetingDetailView {
        meeting: meeting_view(d.meeting),
        agenda,
        key_items: key_item_views(s, d.key_items).await?,
    })
}

// ---------------------------------------------------------------------------
// Meetings
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingListQuery {
    /// 关键词：会议名称、地点、纪要
    pub q: Option<String>,
    /// joint（联席会议）/ monthly（月度碰头会）/ symposium（座谈会）/ officers_monthly（首席服务官月度例会）
    pub kind: Option<String>,
    /// 会议年度
    pub year: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl MeetingListQuery {
    pub fn filter(&self) -> ApiResult<MeetingFilter> {
        let kind = match non_empty(&self.kind) {
            None => None,
            Some(k) => Some(MeetingKind::parse(&k).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "会议类型只能是 joint、monthly、symposium 或 officers_monthly",
                )
            })?),
        };
        Ok(MeetingFilter {
            q: non_empty(&self.q),
            kind,
            year: query_year(&self.year, "会议年度")?,
        })
    }
}

pub const MEETING_COLUMNS: [&str; 8] = [
    "会议类型",
    "会议名称",
    "会议日期",
    "地点",
    "参会人员",
    "议程事项数",
    "形成重点事项数",
    "会议纪要",
];

pub async fn meetings_export_bytes(
    s: &AppState,
    p: &Principal,
    q: &MeetingListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let rows = store::list_all_meetings(&s.db, &q.filter()?, 50_000).await?;
    excel::workbook(
        "会议",
        &MEETING_COLUMNS,
        rows.into_iter().map(|r| {
            let v = meeting_view(r);
            let m = v.meeting;
            vec![
                Cell::Text(v.kind_label),
                Cell::Text(m.title),
                Cell::Date(m.held_on),
                Cell::Text(m.place),
                Cell::Text(m.attendees),
                Cell::Number(v.agenda_count as f64),
                Cell::Number(v.key_item_count as f64),
                Cell::Text(m.minutes),
            ]
        }),
    )
}

pub async fn create_meeting(
    s: &AppState,
    p: &Principal,
    d: &MeetingDraft,
) -> ApiResult<meeting::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::create_meeting(&s.db, &p.username, input).await?.0)
}

pub async fn update_meeting(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &MeetingDraft,
) -> ApiResult<meeting::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::update_meeting(&s.db, &p.username, id, version, input).await?)
}

pub async fn create_key_item(
    s: &AppState,
    p: &Principal,
    meeting_id: Option<&str>,
    d: &KeyItemDraft,
) -> ApiResult<KeyItemRow> {
    require(p, Permission::PartyWrite)?;
    let mut input = d.validate().map_err(ApiError::from_fields)?;
    if let Some(m) = meeting_id {
        store::get_meeting(&s.db, m).await?;
        input.meeting_id = Some(m.to_string());
    }
    Ok(store::create_key_item(&s.db, &p.username, input).await?)
}

// ---------------------------------------------------------------------------
// Key items
// ---------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyItemListQuery {
    /// 关键词：事项名称、责任人、会议决定
    pub q: Option<String>,
    /// 清单年度，默认今年；all 为全部年度
    pub year: Option<String>,
    /// open（推进中）/ done（已完成）
    pub status: Option<String>,
    /// 责任单位（部门 id）
    pub department_id: Option<String>,
    /// 来源会议 id
    pub meeting_id: Option<String>,
    /// true：只看今日逾期的（与 at_risk 同时为 true 时取两者之和）
    pub overdue: Option<String>,
    /// true：只看今日有逾期风险的
    pub at_risk: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl KeyItemListQuery {
    /// The list's year: given, else this year; None for all years.
    pub fn year(&self) -> ApiResult<Option<i32>> {
        match non_empty(&self.year).as_deref() {
            Some("all") => Ok(None),
            None => Ok(Some(kechuang_store::clock::today().year())),
            Some(_) => query_year(&self.year, "清单年度"),
        }
    }
    pub fn filter(&self) -> ApiResult<KeyItemFilter> {
        let status = match non_empty(&self.status) {
            None => None,
            Some(k) => Some(KeyStatus::parse(&k).ok_or_else(|| {
                ApiError::bad_request(ErrorCode::InvalidQuery, "状态只能是 open 或 done")
            })?),
        };
        Ok(KeyItemFilter {
            q: non_empty(&self.q),
            year: self.year()?,
            status,
            department_id: non_empty(&self.department_id),
            meeting_id: non_empty(&self.meeting_id),
            overdue: opt_bool("overdue", &self.overdue)?.unwrap_or(false),
            at_risk: opt_bool("at_risk", &self.at_risk)?.unwrap_or(false),
        })
    }
}

/// "3月31日"
fn month_day(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

/// "标题（3月31日）✓；标题（6月30日）"
pub fn milestones_text(ms: &[key_item_milestone::Model]) -> String {
    ms.iter()
        .map(|m| {
            format!(
                "{}（{}）{}",
                m.title,
                month_day(m.due_on),
                if m.done_on.is_some() { "✓" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// A meeting whose agenda carried the item.
#[derive(Serialize, ToSchema)]
pub struct AgendaHistoryEntry {
    pub meeting_id: String,
    pub title: String,
    pub kind_label: String,
    #[schema(value_type = String, format = Date)]
    pub held_on: NaiveDate,
    pub reason: String,
    pub reason_label: String,
}

#[derive(Serialize, ToSchema)]
pub struct KeyItemDetailView {
    pub item: KeyItemView,
    /// 哪些会议的议程列入过该事项（按日期）
    pub agendas: Vec<AgendaHistoryEntry>,
}

pub async fn key_item_detail_view(s: &AppState, id: &str) -> ApiResult<KeyItemDetailView> {
    let r = store::key_item_detail(&s.db, id).await?;
    let agendas = store::agenda_history(&s.db, id)
        .await?
        .into_iter()
        .map(|(m, reason)| AgendaHistoryEntry {
            kind_label: MeetingKind::parse(&m.kind)
                .map(|k| k.label_zh())
                .unwrap_or("")
                .into(),
            meeting_id: m.id,
            title: m.title,
            held_on: m.held_on,
            reason_label: reason_label(&reason),
            reason,
        })
        .collect();
    Ok(KeyItemDetailView {
        item: key_item_view(s, r).await?,
        agendas,
    })
}

pub async fn update_key_item(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &KeyItemDraft,
) -> ApiResult<key_item::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::update_key_item(&s.db, &p.username, id, version, input).await?)
}

pub async fn view_of(s: &AppState, id: &str) -> ApiResult<KeyItemView> {
    key_item_view(s, store::key_item_detail(&s.db, id).await?).await
}

pub async fn progress(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ProgressDraft,
) -> ApiResult<key_item::Model> {
    require(p, Permission::PartyWrite)?;
    let (progress, note) = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::report_progress(&s.db, &p.username, id, d.version, progress, note).await?)
}

pub async fn complete(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DoneDraft,
) -> ApiResult<key_item::Model> {
    require(p, Permission::PartyWrite)?;
    let on = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::complete_key_item(&s.db, &p.username, id, d.version, on).await?)
}

pub async fn add_milestone(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &MilestoneDraft,
) -> ApiResult<key_item_milestone::Model> {
    require(p, Permission::PartyWrite)?;
    let (title, due) = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::add_milestone(&s.db, &p.username, id, title, due).await?)
}

pub async fn milestone_done(
    s: &AppState,
    p: &Principal,
    id: &str,
    milestone_id: &str,
    d: &DoneDraft,
) -> ApiResult<key_item_milestone::Model> {
    require(p, Permission::PartyWrite)?;
    let on = d.validate().map_err(ApiError::from_fields)?;
    Ok(store::complete_milestone(&s.db, &p.username, id, milestone_id, d.version, on).await?)
}

/// A page of meetings, as the API lists them.
pub async fn list_meetings(
    s: &AppState,
    p: &Principal,
    q: &MeetingListQuery,
) -> ApiResult<Page<MeetingView>> {
    require(p, Permission::PartyRead)?;
    let page = store::list_meetings(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    Ok(page.map(meeting_view))
}

/// A meeting with its agenda and key items (read permission checked).
pub async fn meeting_detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<MeetingDetailView> {
    require(p, Permission::PartyRead)?;
    meeting_detail_view(s, id).await
}

/// The view of a meeting read back by id (after a change).
pub async fn meeting_view_by_id(s: &AppState, id: &str) -> ApiResult<MeetingView> {
    let d = store::meeting_detail(&s.db, id).await?;
    Ok(meeting_view(d.meeting))
}

/// A page of key items, as the API lists them.
pub async fn list_key_items(
    s: &AppState,
    p: &Principal,
    q: &KeyItemListQuery,
) -> ApiResult<Page<KeyItemView>> {
    require(p, Permission::PartyRead)?;
    let page = store::list_key_items(
        &s.db,
        &q.filter()?,
        kechuang_store::clock::today(),
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: key_item_views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// A key item with its progress and milestones (read permission checked).
pub async fn key_item_detail(
    s: &AppState,
    p: &Principal,
    id: &str,
) -> ApiResult<KeyItemDetailView> {
    require(p, Permission::PartyRead)?;
    key_item_detail_view(s, id).await
}
