//! Administration pages: accounts and the audit log with chain verification.

use askama::Template;
use axum::extract::Path;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use kechuang_domain::auth::{Permission, Role};
use kechuang_domain::ErrorCode;
use kechuang_store::entities::audit_entry;
use kechuang_store::{audit, departments, Scope};
use kechuang_store::{orgs, Principal};
use serde::Deserialize;

use super::actions::{import_refusal, FlashQuery, FormState, ImportPanel};
use super::{fmt_time, render, render_status, PageCtx, PageResult};
use crate::auth::{require, PageUser};
use crate::error::ApiError;
use crate::excel::{self, Cell};
use crate::forms::{field_error, fields_of, FieldErrors, UserDraft};
use crate::service;
use crate::service::webhooks::{delivery_label, DELIVERY_STATUSES};
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope: String,
    pub department: String,
    pub active: bool,
    pub created: String,
}

/// Choices for the account forms.
pub struct UserChoices {
    pub roles: Vec<(String, String)>,
    pub departments: Vec<(String, String)>,
    pub orgs: Vec<(String, String)>,
}

async fn choices(st: &AppState) -> Result<UserChoices, ApiError> {
    Ok(UserChoices {
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str().to_string(), r.label_zh().to_string()))
            .collect(),
        departments: super::department_choices(st).await?,
        orgs: orgs::list_all(&st.db, &Scope::All, &Default::default(), 5000)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: PageCtx,
    rows: Vec<UserRow>,
    draft: UserDraft,
    errors: FieldErrors,
    c: UserChoices,
    imp: ImportPanel,
}

/// The accounts' import panel.
const USER_IMPORT: (&str, &str, &str, &str) = (
    "import-users",
    "/admin/users/import",
    "/api/v1/users/import/template",
    "角色填中文名称（如“部门经办人”），所属部门按名称或编码、所属单位按统一社会信用代码或全称识别；新账号须填初始密码（导出文件不含密码）。",
);

impl UsersPage {
    fn err(&self, f: &str) -> String {
        field_error(&self.errors, f)
    }
}

async fn users_page(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    draft: UserDraft,
    errors: FieldErrors,
    flash: Option<&str>,
) -> PageResult {
    users_page_with(st, p, status, draft, errors, flash, Default::default()).await
}

async fn users_page_with(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    draft: UserDraft,
    errors: FieldErrors,
    flash: Option<&str>,
    (fs, problems): (FormState, Vec<crate::excel::ImportProblem>),
) -> PageResult {
    let r = async {
        let users = service::users::list(st, p).await?;
        let deps: std::collections::HashMap<String, String> =
            departments::list(&st.db, &Scope::All)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect();
        let rows = users
            .into_iter()
            .map(|u| {
                let role = Role::parse(&u.role);
                UserRow {
                    role: role
                        .map(|r| r.label_zh().to_string())
                        .unwrap_or(u.role.clone()),
                    scope: role
                        .map(|r| r.scope().label_zh().to_string())
                        .unwrap_or_default(),
                    department: u
                        .department_id
                        .as_ref()
                        .and_then(|d| deps.get(d))
                        .cloned()
                        .unwrap_or_default(),
                    active: u.active,
                    created: fmt_time(u.created_at),
                    id: u.id,
                    username: u.username,
                    display_name: u.display_name,
                }
            })
            .collect();
        Ok::<_, ApiError>((rows, choices(st).await?))
    }
    .await;
    let (rows, c) = r?;
    let page =
        PageCtx::new(st, p, "用户账号", "/admin/users", &[("用户账号", "")]).flash_code(flash);
    Ok(render_status(
        status,
        &UsersPage {
            page,
            rows,
            draft,
            errors,
            c,
            imp: ImportPanel::new(USER_IMPORT, &fs, problems),
        },
    ))
}

pub async fn users_export(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    let b = service::user_sheets::export_bytes(&st, &p).await?;
    Ok(excel::xlsx_response("用户账号.xlsx", b))
}

/// POST /admin/users/import (multipart; the CSRF token rides in the query).
pub async fn users_import(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = excel::upload(mp).await?;
        service::user_sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    let (status, fs, problems) = match r {
        Ok(_) => return Ok(Redirect::to("/admin/users?flash=imported").into_response()),
        Err(e) => import_refusal(e)?,
    };
    let draft = UserDraft {
        role: "department".into(),
        ..Default::default()
    };
    users_page_with(&st, &p, status, draft, vec![], None, (fs, problems)).await
}

pub async fn users(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    let draft = UserDraft {
        role: "department".into(),
        ..Default::default()
    };
    users_page(&st, &p, StatusCode::OK, draft, vec![], f.flash.as_deref()).await
}

/// Field errors of a failed account save, or the error itself when it is not about fields.
fn user_form_errors(e: ApiError) -> Result<FieldErrors, ApiError> {
    const FIELDS: [&str; 7] = [
        "username",
        "display_name",
        "phone",
        "role",
        "department_id",
        "org_id",
        "password",
    ];
    match (e.status.as_u16(), e.code) {
        (409, ErrorCode::DuplicateUsername) => Ok(vec![("username", e.message)]),
        (422, ErrorCode::WeakPassword) => Ok(vec![("password", e.message)]),
        (422, ErrorCode::InvalidUsername) => Ok(vec![("username", e.message)]),
        (409 | 422, _) => Ok(fields_of(&e, &FIELDS)),
        _ => Err(e),
    }
}

pub async fn create_user(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(d): Form<UserDraft>,
) -> PageResult {
    match service::users::create(&st, &p, &d).await {
        Ok(_) => Ok(Redirect::to("/admin/users?flash=created").into_response()),
        Err(e) => {
            let errors = user_form_errors(e)?;
            users_page(
                &st,
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                UserDraft {
                    password: String::new(),
                    ..d
                },
                errors,
                None,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "admin/user_edit.html")]
struct UserEditPage {
    page: PageCtx,
    id: String,
    username: String,
    version: i32,
    draft: UserDraft,
    errors: FieldErrors,
    c: UserChoices,
}

impl UserEditPage {
    fn err(&self, f: &str) -> String {
        field_error(&self.errors, f)
    }
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    id: &str,
    version: Option<i32>,
    draft: Option<UserDraft>,
    errors: FieldErrors,
    flash: Option<&str>,
) -> PageResult {
    let r = async {
        let u = service::users::get(st, p, id).await?;
        Ok::<_, ApiError>((u, choices(st).await?))
    }
    .await;
    let (u, c) = r?;
    let draft = draft.unwrap_or_else(|| UserDraft {
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.clone(),
        department_id: u.department_id.clone().unwrap_or_default(),
        org_id: u.org_id.clone().unwrap_or_default(),
        password: String::new(),
        phone: Some(u.phone.clone()),
        active: u.active,
    });
    let title = format!("编辑账号：{}", u.username);
    let page = PageCtx::new(
        st,
        p,
        &title,
        "/admin/users",
        &[("用户账号", "/admin/users"), (&title, "")],
    )
    .flash_code(flash);
    Ok(render_status(
        status,
        &UserEditPage {
            page,
            id: u.id,
            username: u.username,
            version: version.unwrap_or(u.version),
            draft,
            errors,
            c,
        },
    ))
}

pub async fn edit_user_form(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    edit_page(
        &st,
        &p,
        StatusCode::OK,
        &id,
        None,
        None,
        vec![],
        f.flash.as_deref(),
    )
    .await
}

#[derive(Deserialize)]
pub struct UserEditForm {
    #[serde(flatten)]
    draft: UserDraft,
    #[serde(default)]
    version: i32,
}

pub async fn update_user(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<UserEditForm>,
) -> PageResult {
    match service::users::update(&st, &p, &id, f.version, &f.draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}/edit?flash=saved")).into_response()),
        Err(e) => {
            let errors = user_form_errors(e)?;
            edit_page(
                &st,
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                &id,
                Some(f.version),
                Some(f.draft),
                errors,
                None,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<ResetForm>,
) -> PageResult {
    match service::users::reset_password(&st, &p, &id, &f.password).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/admin/users/{id}/edit?flash=password_reset")).into_response(),
        ),
        Err(e) => {
            let errors = user_form_errors(e)?;
            edit_page(
                &st,
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                &id,
                None,
                None,
                errors,
                None,
            )
            .await
        }
    }
}

/// Chinese name of an audited entity type (table).
/// Who wrote an audit entry, as a person reads it: the platform's own timed
/// work and the demo loader by name, accounts by user name.
pub fn actor_label(actor: &str) -> String {
    match actor {
        "system" => "系统（定时任务）".into(),
        "demo" => "演示数据".into(),
        a => a.into(),
    }
}

pub fn entity_label(entity: &str) -> &'static str {
    match entity {
        "departments" => "部门",
        "orgs" => "单位",
        "users" => "用户账号",
        "chains" => "产业链",
        "chain_nodes" => "链节点",
        "chain_orgs" => "链上单位",
        "chain_outputs" => "产业链产值",
        "calendar_days" => "工作日历",
        "case_categories" => "诉求分类",
        "cases" => "诉求",
        "case_tasks" => "部门任务",
        "supervisions" => "督办",
        "interviews" => "约谈",
        "webhooks" => "机器人推送",
        "transfer_projects" => "转化项目",
        "gate_reviews" => "阶段评审",
        "review_scores" => "专家评分",
        "fund_pools" => "资金池",
        "grant_equities" => "先投后股",
        "grant_tranches" => "先投后股拨付",
        "loan_tiers" => "梯度贷档位",
        "loans" => "科企梯度贷",
        "loan_installments" => "还款计划",
        "loan_repayments" => "还款记录",
        "tech_contracts" => "技术合同登记",
        "party_orgs" => "党组织",
        "party_org_units" => "党组织覆盖单位",
        "party_chain_links" => "产业链党委联系",
        "party_members" => "党员与发展对象",
        "cross_appointments" => "交叉任职",
        "service_staff" => "服务队伍",
        "staff_assignments" => "联系单位",
        "work_logs" => "工作记录",
        "meetings" => "党建工作会议",
        "key_items" => "重点事项",
        "key_item_milestones" => "重点事项节点",
        "zones" => "党员责任区",
        "zone_members" => "责任区党员",
        "zone_orgs" => "责任区单位",
        "commitments" => "承诺践诺",
        "commitment_reports" => "践诺报告",
        "teams" => "先锋队",
        "team_members" => "先锋队成员",
        "races" => "赛马比拼",
        "race_dimensions" => "赛马维度",
        "race_scores" => "赛马得分",
        "honors" => "表彰",
        "project_claims" => "揭榜项目",
        "original_results" => "原创性成果",
        "party_member_access" => "党员个人信息（完整查看）",
        "offers" => "技术供给",
        "needs" => "技术需求",
        "match_leads" => "撮合线索",
        "cooperation_projects" => "合作项目",
        "matching_terms" => "匹配词库",
        "talent_tiers" => "人才层次",
        "talent_services" => "人才服务事项",
        "talents" => "人才",
        "talent_requests" => "人才服务申请",
        "talent_access" => "人才个人信息（完整查看）",
        "reported_figures" => "报送统计",
        "policies" => "政策",
        "event_series" => "活动系列",
        "events" => "赛会展演活动",
        "event_organisers" => "活动主办协办单位",
        "event_registrations" => "活动报名",
        "event_outcomes" => "活动成效",
        "accountabilities" => "人员督办约谈",
        "staff_threads" => "工作沟通",
        "staff_posts" => "沟通留言",
        "chain_programmes" => "链上行动计划",
        "chain_actions" => "链上联建行动",
        "chain_action_parties" => "行动参与方",
        "settings" => "系统设置",
        "alliances" => "联盟协会",
        "alliance_members" => "联盟协会成员",
        _ => "其他",
    }
}

/// Chinese name of an audited action.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "create" => "新增",
        "update" => "修改",
        "delete" => "删除",
        "move" => "移动",
        "change_password" => "修改密码",
        "reset_password" => "重置密码",
        "reveal" => "查看完整手机号与身份证号",
        "reveal_list" => "列表中查看完整手机号与身份证号",
        "reveal_export" => "导出完整手机号与身份证号",
        "publish" => "发布",
        "cancel" => "取消",
        "approve" => "审核通过",
        "reject" => "审核不通过",
        "promote" => "候补转正",
        "check_in" => "签到",
        "exit" => "退出",
        "submit" => "提交审核",
        "return" => "退回",
        "withdraw" => "撤回",
        "close" => "关闭",
        "advance" => "推进阶段",
        "next_step" => "更新下一步",
        "supervise" => "督办",
        "sign" => "签约",
        "link_lead" => "关联撮合线索",
        _ => "变更",
    }
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub object: String,
    pub href: String,
    pub action: String,
    pub seq: i64,
    pub hash: String,
}

impl From<audit_entry::Model> for AuditRow {
    fn from(e: audit_entry::Model) -> Self {
        // The record's name, as it was after (or before, for deletions) the change.
        let json = if e.after_json.is_empty() {
            &e.before_json
        } else {
            &e.after_json
        };
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let object = ["name", "username", "day", "org_id"]
            .iter()
            .find_map(|k| {
                v.get(*k).and_then(|x| x.as_str()).map(|s| {
                    if *k == "org_id" {
                        format!("单位 {}", &s[..8.min(s.len())])
                    } else {
                        s.to_string()
                    }
                })
            })
            .unwrap_or_else(|| e.entity_id.chars().take(8).collect());
        let href = match e.entity.as_str() {
            "orgs" if e.action != "delete" => format!("/orgs/{}", e.entity_id),
            "chains" => format!("/chains/{}", e.entity_id),
            _ => String::new(),
        };
        AuditRow {
            at: super::fmt_rfc3339(&e.at),
            actor: actor_label(&e.actor),
            entity: entity_label(&e.entity).into(),
            object,
            href,
            action: action_label(&e.action).into(),
            seq: e.seq,
            hash: e.hash.chars().take(12).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: PageCtx,
    rows: Vec<AuditRow>,
    pager: super::Pager,
    entities: Vec<(&'static str, &'static str, bool)>,
    actor: String,
    verified: Option<audit::VerifyReport>,
    /// The export with the current filters.
    export_href: String,
}

#[derive(Template)]
#[template(path = "admin/_audit_table.html")]
struct AuditTable {
    rows: Vec<AuditRow>,
    pager: super::Pager,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    verify: Option<String>,
    entity: Option<String>,
    actor: Option<String>,
    page: Option<u64>,
}

pub async fn audit(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    headers: axum::http::HeaderMap,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let entity = q
        .entity
        .clone()
        .filter(|e| audit::AUDITED.contains(&e.as_str()));
    let actor = q
        .actor
        .clone()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    let r = async {
        require(&p, Permission::AuditRead)?;
        let page = audit::list(
            &st.db,
            entity.as_deref(),
            actor.as_deref(),
            kechuang_store::PageReq::new(q.page, Some(50))?,
        )
        .await?;
        let verified = match q.verify {
            Some(_) => Some(audit::verify(&st.db).await?),
            None => None,
        };
        Ok::<_, ApiError>((page, verified))
    }
    .await;
    let (page, verified) = r?;
    let filters = super::query_string(&[
        ("entity", entity.as_deref().unwrap_or("")),
        ("actor", actor.as_deref().unwrap_or("")),
    ]);
    let base = format!("/admin/audit?{filters}");
    let pager = super::Pager::new(&page, &base);
    let rows = page.items.into_iter().map(AuditRow::from).collect();
    if super::is_htmx(&headers) {
        return Ok(render(&AuditTable { rows, pager }));
    }
    Ok(render(&AuditPage {
        page: PageCtx::new(&st, &p, "审计日志", "/admin/audit", &[("审计日志", "")]),
        rows,
        pager,
        entities: audit::AUDITED
            .iter()
            .map(|e| (*e, entity_label(e), entity.as_deref() == Some(*e)))
            .collect(),
        actor: actor.unwrap_or_default(),
        verified,
        export_href: format!("/admin/audit/export.xlsx?{filters}"),
    }))
}

/// The audit log as Excel, with the page's filters (object type, actor).
pub async fn audit_export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let entity = q
        .entity
        .clone()
        .filter(|e| audit::AUDITED.contains(&e.as_str()));
    let actor = q
        .actor
        .clone()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    let r = async {
        require(&p, Permission::AuditRead)?;
        let entries = audit::list_all(
            &st.db,
            entity.as_deref(),
            actor.as_deref(),
            excel::MAX_EXPORT_ROWS,
        )
        .await?;
        let rows = entries.into_iter().map(|e| {
            let at = chrono::DateTime::parse_from_rfc3339(&e.at)
                .map(|t| Cell::DateTime(t.with_timezone(&chrono::Utc)))
                .unwrap_or_else(|_| Cell::Text(e.at.clone()));
            let (entity_id, hash) = (e.entity_id.clone(), e.hash.clone());
            let r = AuditRow::from(e);
            vec![
                at,
                Cell::Text(r.actor),
                Cell::Text(r.entity),
                Cell::Text(r.object),
                Cell::Text(entity_id),
                Cell::Text(r.action),
                Cell::Number(r.seq as f64),
                Cell::Text(hash),
            ]
        });
        excel::workbook(
            "审计日志",
            &[
                "时间",
                "操作人",
                "对象类型",
                "对象",
                "对象编号",
                "动作",
                "第几次变更",
                "哈希",
            ],
            rows,
        )
    }
    .await;
    let b = r?;
    Ok(excel::xlsx_response("审计日志.xlsx", b))
}

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct WebhooksPage {
    page: PageCtx,
    hooks: Vec<(kechuang_store::entities::webhook::Model, String, String)>,
    deliveries: Vec<(String, String, String, String, i32, String)>,
    kinds: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    error: String,
    /// Delivery filters as chosen (robot, status) and the export with them.
    dq: DeliveryQuery,
    statuses: Vec<(String, String)>,
    export_href: String,
}

/// Filters of the delivery list: one robot, one status.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeliveryQuery {
    pub webhook_id: String,
    pub status: String,
    pub flash: Option<String>,
}

impl DeliveryQuery {
    fn webhook(&self) -> Option<&str> {
        Some(self.webhook_id.trim()).filter(|w| !w.is_empty())
    }
    fn status(&self) -> Option<&str> {
        DELIVERY_STATUSES
            .iter()
            .map(|(c, _)| *c)
            .find(|c| *c == self.status.trim())
    }
}

async fn webhooks_page(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    error: String,
    flash: Option<&str>,
) -> PageResult {
    webhooks_page_with(st, p, status, error, flash, DeliveryQuery::default()).await
}

async fn webhooks_page_with(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    error: String,
    flash: Option<&str>,
    dq: DeliveryQuery,
) -> PageResult {
    let r = async {
        require(p, Permission::CasesAdmin)?;
        let deps: Vec<(String, String)> = departments::list(&st.db, &Scope::All)
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect();
        let hooks = kechuang_store::outbox::webhooks(&st.db).await?;
        let names: std::collections::HashMap<String, String> = hooks
            .iter()
            .map(|h| (h.id.clone(), h.name.clone()))
            .collect();
        let kind_label = |k: &str| {
            kechuang_store::outbox::KINDS
                .iter()
                .find(|(c, _)| *c == k)
                .map(|(_, l)| l.to_string())
                .unwrap_or_default()
        };
        let hooks = hooks
            .into_iter()
            .map(|h| {
                let dep = h
                    .department_id
                    .as_ref()
                    .and_then(|d| deps.iter().find(|(id, _)| id == d))
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| "全部部门".into());
                let kind = kind_label(&h.kind);
                (h, kind, dep)
            })
            .collect();
        let deliveries = kechuang_store::outbox::deliveries(&st.db, dq.webhook(), dq.status(), 50)
            .await?
            .into_iter()
            .map(|d| {
                (
                    fmt_time(d.created_at),
                    names.get(&d.webhook_id).cloned().unwrap_or_default(),
                    d.title,
                    delivery_label(&d.status).to_string(),
                    d.attempts,
                    d.last_error.unwrap_or_default(),
                )
            })
            .collect();
        Ok::<_, ApiError>(WebhooksPage {
            page: PageCtx::new(
                st,
                p,
                "群机器人推送",
                "/admin/webhooks",
                &[("群机器人推送", "")],
            )
            .flash_code(flash),
            hooks,
            deliveries,
            kinds: kechuang_store::outbox::KINDS
                .iter()
                .map(|(k, l)| (k.to_string(), l.to_string()))
                .collect(),
            departments: deps,
            error,
            export_href: format!(
                "/admin/webhooks/deliveries.xlsx?{}",
                super::query_string(&[
                    ("webhook_id", dq.webhook().unwrap_or("")),
                    ("status", dq.status().unwrap_or("")),
                ])
            ),
            statuses: DELIVERY_STATUSES
                .iter()
                .map(|(c, l)| (c.to_string(), l.to_string()))
                .collect(),
            dq,
        })
    }
    .await;
    let pg = r?;
    Ok(render_status(status, &pg))
}

pub async fn webhooks(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<DeliveryQuery>,
) -> PageResult {
    let flash = q.flash.clone();
    webhooks_page_with(&st, &p, StatusCode::OK, String::new(), flash.as_deref(), q).await
}

/// The webhook deliveries as Excel, with the page's filters (robot, status).
pub async fn deliveries_export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<DeliveryQuery>,
) -> PageResult {
    let r = service::webhooks::deliveries_export_bytes(&st, &p, q.webhook(), q.status()).await;
    let b = r?;
    Ok(excel::xlsx_response("群机器人推送记录.xlsx", b))
}

#[derive(Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    department_id: String,
}

pub async fn create_webhook(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<WebhookForm>,
) -> PageResult {
    let draft = service::webhooks::WebhookDraft {
        name: f.name,
        kind: f.kind,
        url: f.url,
        department_id: Some(f.department_id),
        active: Some(true),
    };
    match service::webhooks::create(&st, &p, draft).await {
        Ok(_) => Ok(Redirect::to("/admin/webhooks?flash=created").into_response()),
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            webhooks_page(&st, &p, e.status, e.message, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    version: i32,
}

pub async fn toggle_webhook(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<ToggleForm>,
) -> PageResult {
    let r = service::webhooks::toggle(&st, &p, &id, f.version).await;
    r?;
    Ok(Redirect::to("/admin/webhooks?flash=saved").into_response())
}

/// The admin pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/export.xlsx", get(users_export))
        .route("/admin/users/import", post(users_import))
        .route(
            "/admin/users/{id}/edit",
            get(edit_user_form).post(update_user),
        )
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/webhooks", get(webhooks).post(create_webhook))
        .route("/admin/webhooks/{id}/toggle", post(toggle_webhook))
        .route("/admin/audit", get(audit))
        .route("/admin/audit/export.xlsx", get(audit_export))
        .route("/admin/webhooks/deliveries.xlsx", get(deliveries_export))
}

#[cfg(test)]
mod tests {
    /// The audit log names the kind of every record it can hold.
    #[test]
    fn every_audited_table_has_a_chinese_name() {
        for e in kechuang_store::audit::AUDITED {
            assert_ne!(super::entity_label(e), "其他", "{e}");
        }
    }

    /// The platform's own work and the demo loader are named in Chinese, not
    /// by their internal user names; accounts keep theirs.
    #[test]
    fn actors_are_named_for_people() {
        assert_eq!(super::actor_label("system"), "系统（定时任务）");
        assert_eq!(super::actor_label("demo"), "演示数据");
        assert_eq!(super::actor_label("keji"), "keji");
    }

    /// An unmasked view or export of party members' personal data is named
    /// as such in the audit log, not 其他/变更.
    #[test]
    fn reveals_of_personal_data_are_named() {
        assert_eq!(
            super::entity_label("party_member_access"),
            "党员个人信息（完整查看）"
        );
        for how in ["reveal", "reveal_list", "reveal_export"] {
            assert!(super::action_label(how).contains("完整手机号"), "{how}");
        }
    }
}
