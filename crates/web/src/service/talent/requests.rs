//! Talent service requests on the case engine: a talent submits for
//! itself, a specialist (`TalentWrite`) on a talent's behalf; the talent
//! follows its own requests and rates the reply; staff read them within
//! their case scope and act on them as on any case (/cases/{id}).

use kechuang_domain::auth::Permission;
use kechuang_domain::cases::CaseStatus;
use kechuang_store::cases::{self, Actor};
use kechuang_store::entities::{case, talent_request};
use kechuang_store::talent::requests::{self, RequestFilter, SubmitInput};
use kechuang_store::talent::{catalogue, talents};
use kechuang_store::{Page, PageReq, Principal, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::extract::{non_empty, opt_bool};
use crate::service::cases::{
    actor, satisfaction, AttachmentView, CaseView, EventView, Names, RateBody, TaskView,
};
use crate::AppState;

/// One item of a request.
#[derive(Clone, Serialize, ToSchema)]
pub struct RequestItemView {
    pub service_id: String,
    pub name: String,
    pub name_en: String,
    pub department_name: String,
}

/// A request with its case.
#[derive(Clone, Serialize, ToSchema)]
pub struct TalentRequestView {
    pub request: talent_request::Model,
    pub case: CaseView,
    pub talent_name: String,
    /// 服务事项，主办事项在前
    pub items: Vec<RequestItemView>,
}

/// A request with its departments' tasks and the progress the talent sees.
#[derive(Serialize, ToSchema)]
pub struct TalentRequestDetailView {
    #[serde(flatten)]
    pub summary: TalentRequestView,
    pub tasks: Vec<TaskView>,
    pub progress: Vec<EventView>,
    /// 附件（人才与人才服务专员上传的材料）
    pub attachments: Vec<AttachmentView>,
    /// 人才本人可评价（已答复）
    pub can_rate: bool,
}

async fn summaries(
    s: &AppState,
    p: &Principal,
    rows: Vec<(talent_request::Model, case::Model)>,
) -> ApiResult<Vec<TalentRequestView>> {
    let cases: Vec<case::Model> = rows.iter().map(|(_, c)| c.clone()).collect();
    let views = crate::service::cases::views(s, p, cases).await?;
    let catalogue = catalogue::list(&s.db, false).await?;
    let departments = kechuang_store::names::all(&s.db, "departments").await?;
    let names = kechuang_store::names::of(
        &s.db,
        "talents",
        rows.iter()
            .map(|(r, _)| r.talent_id.clone())
            .collect::<Vec<_>>(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .zip(views)
        .map(|((r, _), case)| TalentRequestView {
            talent_name: names.get(&r.talent_id).cloned().unwrap_or_default(),
            items: r
                .service_ids
                .split(',')
                .filter_map(|id| catalogue.iter().find(|it| it.service.id == id))
                .map(|it| RequestItemView {
                    service_id: it.service.id.clone(),
                    name: it.category.name.clone(),
                    name_en: it.service.name_en.clone(),
                    department_name: it
                        .category
                        .lead_department_id
                        .as_ref()
                        .and_then(|d| departments.get(d))
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect(),
            request: r,
            case,
        })
        .collect())
}

/// A request as submitted.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RequestDraft {
    /// 人才 id（人才本人提交时省略；人才服务专员代为提交时必填）
    pub talent_id: String,
    /// 服务事项 id，逗号分隔（可多项，一次提交、一并办理）
    pub service_ids: String,
    /// 需要办理的事情
    pub text: String,
}

pub async fn submit(s: &AppState, p: &Principal, d: RequestDraft) -> ApiResult<TalentRequestView> {
    let (talent, on_behalf_by, by) = if super::as_talent(p) {
        (super::own_talent(s, p).await?, None, actor(p))
    } else {
        require(p, Permission::TalentWrite)?;
        let id = d.talent_id.trim();
        if id.is_empty() {
            return Err(ApiError::invalid(
                kechuang_domain::ErrorCode::InvalidInput,
                &[("talent_id", "请选择为哪位人才提交".into())],
            ));
        }
        let t = talents::get(&s.db, id).await.map_err(|_| {
            ApiError::invalid(
                kechuang_domain::ErrorCode::InvalidInput,
                &[("talent_id", "人才不存在，请从人才名册中选择".into())],
            )
        })?;
        // The case is the talent's: its reply and rating go to the talent's
        // account; the audit and the timeline name who submitted it.
        let by = Actor {
            username: p.username.clone(),
            user_id: t.user_id.clone().unwrap_or_else(|| p.user_id.clone()),
            display_name: format!("{}（代{}提交）", p.display_name, t.name),
            acts_for: None,
        };
        (t, Some(p.user_id.clone()), by)
    };
    let (c, r) = requests::submit(
        &s.db,
        &by,
        SubmitInput {
            talent_id: talent.id,
            service_ids: d.service_ids.split(',').map(String::from).collect(),
            text: d.text,
            received_at: kechuang_store::now(),
            on_behalf_by,
        },
    )
    .await?;
    Ok(summaries(s, p, vec![(r, c)]).await?.remove(0))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestListQuery {
    /// 人才 id（人才本人只看自己的）
    pub talent_id: Option<String>,
    /// 人才层次代码
    pub tier: Option<String>,
    /// true：国际人才；false：国内人才
    pub international: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl RequestListQuery {
    pub fn filter(&self) -> ApiResult<RequestFilter> {
        Ok(RequestFilter {
            talent_id: non_empty(&self.talent_id),
            tier_code: non_empty(&self.tier),
            international: opt_bool("international", &self.international)?,
        })
    }
}

pub async fn list(
    s: &AppState,
    p: &Principal,
    q: &RequestListQuery,
) -> ApiResult<Page<TalentRequestView>> {
    let mut f = q.filter()?;
    let scope = if super::as_talent(p) {
        f.talent_id = Some(super::own_talent(s, p).await?.id);
        Scope::All
    } else {
        require(p, Permission::TalentRead)?;
        p.scope.clone()
    };
    let mut page = requests::list(&s.db, &scope, &f, PageReq::new(q.page, q.per_page)?).await?;
    let items = summaries(s, p, std::mem::take(&mut page.items)).await?;
    Ok(page.with_items(items))
}

const REQUEST_COLUMNS: [&str; 12] = [
    "编号",
    "人才",
    "国际人才",
    "人才层次",
    "服务事项",
    "主办部门",
    "提交时间",
    "办结期限",
    "状态",
    "办结日期",
    "评价",
    "答复",
];

/// The requests as filtered, as an .xlsx (staff, within their case scope).
pub async fn export(s: &AppState, p: &Principal, q: &RequestListQuery) -> ApiResult<Vec<u8>> {
    use crate::excel::{self, Cell};
    require(p, Permission::TalentRead)?;
    let rows = requests::list_all(&s.db, &p.scope, &q.filter()?, excel::MAX_EXPORT_ROWS).await?;
    let views = summaries(s, p, rows).await?;
    excel::workbook(
        "人才服务申请",
        &REQUEST_COLUMNS,
        views.into_iter().map(|v| {
            let c = v.case;
            vec![
                Cell::Text(c.number),
                Cell::Text(v.talent_name),
                Cell::Text(
                    if v.request.international {
                        "是"
                    } else {
                        "否"
                    }
                    .into(),
                ),
                Cell::Text(v.request.tier_code),
                Cell::Text(
                    v.items
                        .iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                Cell::Text(c.lead_department_name),
                Cell::DateTime(c.received_at),
                Cell::Date(c.due_on),
                Cell::Text(c.status_label),
                Cell::from(c.closed_on),
                Cell::from(
                    c.satisfaction
                        .as_deref()
                        .and_then(kechuang_domain::cases::Satisfaction::parse)
                        .map(|x| x.label_zh()),
                ),
                Cell::from(c.reply),
            ]
        }),
    )
}

/// The case of a request as the reader may read it: the talent its own
/// (any state), staff within their case scope.
async fn readable(
    s: &AppState,
    p: &Principal,
    case_id: &str,
) -> ApiResult<(talent_request::Model, case::Model)> {
    let r = requests::of_case(&s.db, case_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let scope = if super::as_talent(p) {
        if super::own_talent(s, p).await?.id != r.talent_id {
            return Err(ApiError::not_found());
        }
        Scope::All
    } else {
        require(p, Permission::TalentRead)?;
        p.scope.clone()
    };
    Ok((r, cases::get(&s.db, &scope, case_id).await?))
}

pub async fn detail(
    s: &AppState,
    p: &Principal,
    case_id: &str,
) -> ApiResult<TalentRequestDetailView> {
    let (r, c) = readable(s, p, case_id).await?;
    let can_rate = super::as_talent(p) && c.status == CaseStatus::Replied.as_str();
    let summary = summaries(s, p, vec![(r, c)]).await?.remove(0);
    let n = Names::load(s, [summary.case.org_id.clone()]).await?;
    let tasks = cases::tasks(&s.db, case_id)
        .await?
        .into_iter()
        .map(|t| TaskView::new(t, &n))
        .collect();
    let progress = cases::events(&s.db, case_id)
        .await?
        .into_iter()
        .filter(|e| crate::service::cases::RAISER_EVENTS.contains(&e.kind.as_str()))
        .map(|e| EventView::new(e, &n))
        .collect();
    if super::as_talent(p) {
        crate::service::messages::mark_case_read(s, p, case_id).await?;
    }
    let attachments = cases::attachments(&s.db, case_id)
        .await?
        .into_iter()
        .map(|a| AttachmentView {
            url: format!("/api/v1/talent/requests/{case_id}/attachments/{}", a.id),
            ..a.into()
        })
        .collect();
    Ok(TalentRequestDetailView {
        summary,
        tasks,
        progress,
        attachments,
        can_rate,
    })
}

/// Who may add documents to a request: the talent (its own),
/// a specialist or a department that handles cases.
async fn writable(s: &AppState, p: &Principal, case_id: &str) -> ApiResult<case::Model> {
    let (_, c) = readable(s, p, case_id).await?;
    if !(super::as_talent(p) || p.can(Permission::TalentWrite) || p.can(Permission::CasesHandle)) {
        return Err(ApiError::forbidden());
    }
    Ok(c)
}

/// A document added to a request (the case's attachments: the departments
/// see it on the case).
pub async fn attach(
    s: &AppState,
    p: &Principal,
    case_id: &str,
    u: crate::files::Upload,
) -> ApiResult<AttachmentView> {
    writable(s, p, case_id).await?;
    let a = cases::attach(
        &s.db,
        &Scope::All,
        &actor(p),
        case_id,
        &u.filename,
        &u.content_type,
        &u.bytes,
    )
    .await?;
    Ok(AttachmentView {
        url: format!("/api/v1/talent/requests/{case_id}/attachments/{}", a.id),
        ..a.into()
    })
}

/// A document of a request, for those who may read the request.
pub async fn attachment(
    s: &AppState,
    p: &Principal,
    case_id: &str,
    id: &str,
) -> ApiResult<(kechuang_store::entities::attachment::Model, Vec<u8>)> {
    readable(s, p, case_id).await?;
    Ok(cases::attachment(&s.db, &Scope::All, case_id, id).await?)
}

/// The talent rates the reply to its own request (unsatisfied reopens it
/// one level up, as for any case).
pub async fn rate(
    s: &AppState,
    p: &Principal,
    case_id: &str,
    b: &RateBody,
) -> ApiResult<TalentRequestDetailView> {
    if !super::as_talent(p) {
        return Err(ApiError::forbidden());
    }
    readable(s, p, case_id).await?;
    let sat = satisfaction(&b.satisfaction)?;
    let comment = b.comment.trim();
    if comment.chars().count() > 2_000 {
        return Err(ApiError::invalid(
            kechuang_domain::ErrorCode::InvalidInput,
            &[("comment", "评价意见最多 2000 字".into())],
        ));
    }
    cases::rate(
        &s.db,
        &Scope::All,
        &actor(p),
        case_id,
        b.version,
        sat,
        comment.to_string(),
    )
    .await?;
    detail(s, p, case_id).await
}
