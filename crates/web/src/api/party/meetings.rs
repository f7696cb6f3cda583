//! Joint and monthly coordination meetings, their decisions as the annual key-item list (年度重点事项) with milestones, and agendas that pick up overdue or at-risk items.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use kechuang_domain::auth::Permission;
use kechuang_store::entities::{key_item, key_item_milestone, meeting};
use kechuang_store::party::meetings::{
    self as store, KeyItemFilter, KeyItemRow, KeyStatus, MeetingFilter, MeetingKind, MeetingRow,
    Risk,
};
use kechuang_store::{PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::transfer::ListPage;
use crate::api::Paging;
use crate::api::{invalid, non_empty, opt_bool, ApiJson, ApiPath, ApiQuery};
use crate::auth::{require, ApiUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
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
    /// 联席会议 / 月度碰头会
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
    let deps = store::department_names(&s.db).await?;
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

fn parse_year(v: &Option<String>, label: &str) -> ApiResult<Option<i32>> {
    match non_empty(v) {
        None => Ok(None),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y))
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request("invalid_query", format!("{label}须为四位数字年份"))
            }),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingListQuery {
    /// 关键词：会议名称、地点、纪要
    pub q: Option<String>,
    /// joint（联席会议）/ monthly（月度碰头会）
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
                ApiError::bad_request("invalid_query", "会议类型只能是 joint 或 monthly")
            })?),
        };
        Ok(MeetingFilter {
            q: non_empty(&self.q),
            kind,
            year: parse_year(&self.year, "会议年度")?,
        })
    }
}

/// 会议列表（联席会议、月度碰头会），新的在前
#[utoipa::path(get, path = "/api/v1/party/meetings", tag = "party", params(MeetingListQuery, Paging),
    responses((status = 200, body = ListPage<MeetingView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_meetings(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MeetingListQuery>,
) -> ApiResult<Json<ListPage<MeetingView>>> {
    require(&p, Permission::PartyRead)?;
    let page = store::list_meetings(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    Ok(Json(ListPage::of(page, meeting_view)))
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

/// 导出会议列表（Excel）
#[utoipa::path(get, path = "/api/v1/party/meetings/export", tag = "party", params(MeetingListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_meetings(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<MeetingListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "会议.xlsx",
        meetings_export_bytes(&s, &p, &q).await?,
    ))
}

pub async fn create_meeting_action(
    s: &AppState,
    p: &Principal,
    d: &MeetingDraft,
) -> ApiResult<meeting::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(store::create_meeting(&s.db, &p.username, input).await?.0)
}

/// 新建会议：自动把会议当日逾期或有逾期风险的未完成重点事项列入议程
#[utoipa::path(post, path = "/api/v1/party/meetings", tag = "party", request_body = MeetingDraft,
    responses((status = 201, body = MeetingDetailView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_meeting(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<MeetingDraft>,
) -> ApiResult<(StatusCode, Json<MeetingDetailView>)> {
    let m = create_meeting_action(&s, &p, &d).await?;
    Ok((
        StatusCode::CREATED,
        Json(meeting_detail_view(&s, &m.id).await?),
    ))
}

/// 会议详情：议程（逾期、有风险的重点事项）和本次会议形成的重点事项
#[utoipa::path(get, path = "/api/v1/party/meetings/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = MeetingDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_meeting(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<MeetingDetailView>> {
    require(&p, Permission::PartyRead)?;
    Ok(Json(meeting_detail_view(&s, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub meeting: MeetingDraft,
}

pub async fn update_meeting_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &MeetingDraft,
) -> ApiResult<meeting::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(store::update_meeting(&s.db, &p.username, id, version, input).await?)
}

/// 修改会议记录（议程保持创建时的内容）
#[utoipa::path(put, path = "/api/v1/party/meetings/{id}", tag = "party", params(("id" = String, Path)), request_body = MeetingUpdate,
    responses((status = 200, body = MeetingView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_meeting(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<MeetingUpdate>,
) -> ApiResult<Json<MeetingView>> {
    let m = update_meeting_action(&s, &p, &id, u.version, &u.meeting).await?;
    let d = store::meeting_detail(&s.db, &m.id).await?;
    Ok(Json(meeting_view(d.meeting)))
}

pub async fn create_key_item_action(
    s: &AppState,
    p: &Principal,
    meeting_id: Option<&str>,
    d: &KeyItemDraft,
) -> ApiResult<KeyItemRow> {
    require(p, Permission::PartyWrite)?;
    let mut input = d.validate().map_err(invalid)?;
    if let Some(m) = meeting_id {
        store::get_meeting(&s.db, m).await?;
        input.meeting_id = Some(m.to_string());
    }
    Ok(store::create_key_item(&s.db, &p.username, input).await?)
}

/// 把会议决定列入年度重点事项清单（节点安排每行一个“标题 YYYY-MM-DD”）
#[utoipa::path(post, path = "/api/v1/party/meetings/{id}/key-items", tag = "party", params(("id" = String, Path)), request_body = KeyItemDraft,
    responses((status = 201, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<KeyItemDraft>,
) -> ApiResult<(StatusCode, Json<KeyItemView>)> {
    let r = create_key_item_action(&s, &p, Some(&id), &d).await?;
    Ok((StatusCode::CREATED, Json(key_item_view(&s, r).await?)))
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
            None => Ok(Some(kechuang_store::cases::today().year())),
            Some(_) => parse_year(&self.year, "清单年度"),
        }
    }
    pub fn filter(&self) -> ApiResult<KeyItemFilter> {
        let status = match non_empty(&self.status) {
            None => None,
            Some(k) => Some(KeyStatus::parse(&k).ok_or_else(|| {
                ApiError::bad_request("invalid_query", "状态只能是 open 或 done")
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

/// 年度重点事项清单：按年度（默认今年）、状态、责任单位、逾期/风险筛选，按完成时限排序
#[utoipa::path(get, path = "/api/v1/party/key-items", tag = "party", params(KeyItemListQuery, Paging),
    responses((status = 200, body = ListPage<KeyItemView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_key_items(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<KeyItemListQuery>,
) -> ApiResult<Json<ListPage<KeyItemView>>> {
    require(&p, Permission::PartyRead)?;
    let page = store::list_key_items(
        &s.db,
        &q.filter()?,
        kechuang_store::cases::today(),
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Json(ListPage {
        items: key_item_views(&s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    }))
}

/// Columns of the filed list.
pub const KEY_ITEM_COLUMNS: [&str; 9] = [
    "序号",
    "重点事项",
    "责任单位",
    "责任人",
    "完成时限",
    "节点安排",
    "工作进度",
    "完成情况",
    "来源会议",
];

/// "3月31日"
pub fn month_day(d: NaiveDate) -> String {
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

/// "60%" or "60%，已完成方案评审"
pub fn progress_text(item: &key_item::Model) -> String {
    if item.note.trim().is_empty() {
        format!("{}%", item.progress)
    } else {
        format!("{}%，{}", item.progress, item.note.trim())
    }
}

/// 已完成（5月20日）/ 逾期未完成 / 推进中（有逾期风险）/ 推进中
pub fn completion_text(v: &KeyItemView) -> String {
    match Risk::parse(&v.risk) {
        Some(Risk::Done) => match v.item.done_on {
            Some(d) => format!("已完成（{}）", month_day(d)),
            None => "已完成".into(),
        },
        Some(Risk::Overdue) => "逾期未完成".into(),
        Some(Risk::AtRisk) => "推进中（有逾期风险）".into(),
        _ => "推进中".into(),
    }
}

pub async fn key_items_export_bytes(
    s: &AppState,
    p: &Principal,
    q: &KeyItemListQuery,
) -> ApiResult<Vec<u8>> {
    require(p, Permission::PartyRead)?;
    let f = q.filter()?;
    let rows = store::list_all_key_items(&s.db, &f, kechuang_store::cases::today(), 50_000).await?;
    let views = key_item_views(s, rows).await?;
    let title = match f.year {
        Some(y) => format!("{y}年度重点事项清单"),
        None => "重点事项清单".to_string(),
    };
    excel::titled_workbook(
        "重点事项清单",
        &title,
        &KEY_ITEM_COLUMNS,
        &[6.0, 36.0, 18.0, 12.0, 14.0, 44.0, 28.0, 18.0, 28.0],
        views.into_iter().enumerate().map(|(k, v)| {
            vec![
                Cell::Number((k + 1) as f64),
                Cell::Text(v.item.title.clone()),
                Cell::Text(v.department_name.clone()),
                Cell::Text(v.item.owner.clone()),
                Cell::Date(v.item.due_on),
                Cell::Text(milestones_text(&v.milestones)),
                Cell::Text(progress_text(&v.item)),
                Cell::Text(completion_text(&v)),
                Cell::Text(v.meeting_title.clone()),
            ]
        }),
    )
}

/// 导出年度重点事项清单（Excel：标题行“YYYY年度重点事项清单”，列为序号、重点事项、责任单位、责任人、完成时限、节点安排、工作进度、完成情况、来源会议）
#[utoipa::path(get, path = "/api/v1/party/key-items/export", tag = "party", params(KeyItemListQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = ErrorBody)))]
pub async fn export_key_items(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiQuery(q): ApiQuery<KeyItemListQuery>,
) -> ApiResult<Response> {
    Ok(excel::xlsx_response(
        "年度重点事项清单.xlsx",
        key_items_export_bytes(&s, &p, &q).await?,
    ))
}

/// 新增重点事项（可指定来源会议 meeting_id）
#[utoipa::path(post, path = "/api/v1/party/key-items", tag = "party", request_body = KeyItemDraft,
    responses((status = 201, body = KeyItemView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiJson(d): ApiJson<KeyItemDraft>,
) -> ApiResult<(StatusCode, Json<KeyItemView>)> {
    let r = create_key_item_action(&s, &p, None, &d).await?;
    Ok((StatusCode::CREATED, Json(key_item_view(&s, r).await?)))
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

/// 重点事项详情：节点、进度、今日状态，以及列入过哪些会议的议程
#[utoipa::path(get, path = "/api/v1/party/key-items/{id}", tag = "party", params(("id" = String, Path)),
    responses((status = 200, body = KeyItemDetailView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<KeyItemDetailView>> {
    require(&p, Permission::PartyRead)?;
    Ok(Json(key_item_detail_view(&s, &id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct KeyItemUpdate {
    pub version: i32,
    #[serde(flatten)]
    pub item: KeyItemDraft,
}

pub async fn update_key_item_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &KeyItemDraft,
) -> ApiResult<key_item::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(invalid)?;
    Ok(store::update_key_item(&s.db, &p.username, id, version, input).await?)
}

async fn view_of(s: &AppState, id: &str) -> ApiResult<KeyItemView> {
    key_item_view(s, store::key_item_detail(&s.db, id).await?).await
}

/// 修改重点事项（名称、责任人、责任单位、会议决定、完成时限、年度；节点另行维护）
#[utoipa::path(put, path = "/api/v1/party/key-items/{id}", tag = "party", params(("id" = String, Path)), request_body = KeyItemUpdate,
    responses((status = 200, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(u): ApiJson<KeyItemUpdate>,
) -> ApiResult<Json<KeyItemView>> {
    update_key_item_action(&s, &p, &id, u.version, &u.item).await?;
    Ok(Json(view_of(&s, &id).await?))
}

pub async fn progress_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &ProgressDraft,
) -> ApiResult<key_item::Model> {
    require(p, Permission::PartyWrite)?;
    let (progress, note) = d.validate().map_err(invalid)?;
    Ok(store::report_progress(&s.db, &p.username, id, d.version, progress, note).await?)
}

/// 更新工作进度（0～100%）和进展情况；version 为事项的当前版本
#[utoipa::path(post, path = "/api/v1/party/key-items/{id}/progress", tag = "party", params(("id" = String, Path)), request_body = ProgressDraft,
    responses((status = 200, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "进度不在 0～100，或事项已完成（key_item_done）", body = ErrorBody)))]
pub async fn report_progress(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<ProgressDraft>,
) -> ApiResult<Json<KeyItemView>> {
    progress_action(&s, &p, &id, &d).await?;
    Ok(Json(view_of(&s, &id).await?))
}

pub async fn complete_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DoneDraft,
) -> ApiResult<key_item::Model> {
    require(p, Permission::PartyWrite)?;
    let on = d.validate().map_err(invalid)?;
    Ok(store::complete_key_item(&s.db, &p.username, id, d.version, on).await?)
}

/// 标记重点事项完成（所有节点须已完成；进度记为 100%）
#[utoipa::path(post, path = "/api/v1/party/key-items/{id}/done", tag = "party", params(("id" = String, Path)), request_body = DoneDraft,
    responses((status = 200, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "还有未完成的节点（milestones_open）、已完成或日期在未来", body = ErrorBody)))]
pub async fn complete_key_item(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<DoneDraft>,
) -> ApiResult<Json<KeyItemView>> {
    complete_action(&s, &p, &id, &d).await?;
    Ok(Json(view_of(&s, &id).await?))
}

pub async fn add_milestone_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &MilestoneDraft,
) -> ApiResult<key_item_milestone::Model> {
    require(p, Permission::PartyWrite)?;
    let (title, due) = d.validate().map_err(invalid)?;
    Ok(store::add_milestone(&s.db, &p.username, id, title, due).await?)
}

/// 给重点事项增加一个节点（不晚于完成时限）
#[utoipa::path(post, path = "/api/v1/party/key-items/{id}/milestones", tag = "party", params(("id" = String, Path)), request_body = MilestoneDraft,
    responses((status = 201, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_milestone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(d): ApiJson<MilestoneDraft>,
) -> ApiResult<(StatusCode, Json<KeyItemView>)> {
    add_milestone_action(&s, &p, &id, &d).await?;
    Ok((StatusCode::CREATED, Json(view_of(&s, &id).await?)))
}

pub async fn milestone_done_action(
    s: &AppState,
    p: &Principal,
    id: &str,
    milestone_id: &str,
    d: &DoneDraft,
) -> ApiResult<key_item_milestone::Model> {
    require(p, Permission::PartyWrite)?;
    let on = d.validate().map_err(invalid)?;
    Ok(store::complete_milestone(&s.db, &p.username, id, milestone_id, d.version, on).await?)
}

/// 标记节点完成；version 为节点的当前版本
#[utoipa::path(post, path = "/api/v1/party/key-items/{id}/milestones/{milestone_id}/done", tag = "party",
    params(("id" = String, Path), ("milestone_id" = String, Path)), request_body = DoneDraft,
    responses((status = 200, body = KeyItemView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn complete_milestone(
    State(s): State<AppState>,
    ApiUser(p): ApiUser,
    ApiPath((id, milestone_id)): ApiPath<(String, String)>,
    ApiJson(d): ApiJson<DoneDraft>,
) -> ApiResult<Json<KeyItemView>> {
    milestone_done_action(&s, &p, &id, &milestone_id, &d).await?;
    Ok(Json(view_of(&s, &id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(export_meetings))
        .routes(routes!(get_meeting, update_meeting))
        .routes(routes!(decide_key_item))
        .routes(routes!(list_key_items, create_key_item))
        .routes(routes!(export_key_items))
        .routes(routes!(get_key_item, update_key_item))
        .routes(routes!(report_progress))
        .routes(routes!(complete_key_item))
        .routes(routes!(add_milestone))
        .routes(routes!(complete_milestone))
}
