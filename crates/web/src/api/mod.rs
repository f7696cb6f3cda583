//! The JSON API under /api/v1, described by OpenAPI (utoipa). Routes are
//! registered through `utoipa_axum::routes!`, so a route cannot exist
//! without its OpenAPI description.

pub mod alliances;
pub mod calendar;
pub mod cases;
pub mod chains;
pub mod cockpit;
pub mod departments;
pub mod dictionary;
pub mod events;
pub mod firm;
pub mod matching;
pub mod me;
pub mod messages;
pub mod orgs;
pub mod party;
pub mod policies;
pub mod talent;
pub mod transfer;
pub mod users;
pub mod webhooks;

use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

pub use crate::extract::{non_empty, opt_bool, ApiJson, ApiMultipart, ApiPath, ApiQuery};

use crate::error::ErrorBody;
use crate::AppState;
use kechuang_domain::ErrorCode;

/// The answer to an Excel import: the upload's file field read and given
/// to `import` (which checks permission and reads every row), then
/// `{"imported": n}` or the refusal (422 `import_invalid` listing the bad
/// cells, 400/413 for a file that is not one).
pub async fn imported<Fut>(
    ApiMultipart(mp): ApiMultipart,
    import: impl FnOnce(Vec<u8>) -> Fut,
) -> crate::error::ApiResult<axum::Json<crate::excel::Imported>>
where
    Fut: std::future::Future<Output = Result<usize, crate::excel::ImportFailure>>,
{
    let bytes = crate::excel::upload(mp).await?;
    Ok(axum::Json(crate::excel::Imported {
        imported: import(bytes).await?,
    }))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "科创服务平台 API", version = "1", description = "科创服务平台 JSON 接口。认证：`Authorization: Bearer <令牌>`（在“API 令牌”页面或 `kechuang token create` 创建），或浏览器会话（写操作须带 `X-CSRF-Token`）。错误统一为 `{\"code\",\"message\",\"details\"}`。"),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    components(schemas(ErrorBody)),
    tags(
        (name = "orgs", description = "单位名录（政产学研金介）"),
        (name = "admin", description = "部门架构、工作日历、账号"),
        (name = "chains", description = "产业链、链节点、链上单位与产值"),
        (name = "cases", description = "诉求闭环办理：受理、分办、协同处置、答复评价、督办与统计"),
        (name = "party", description = "党建引领：党组织网络、党员、服务队伍、会议与重点事项、责任区、承诺践诺、先锋队与赛马、揭榜项目、首席服务官报告"),
        (name = "transfer", description = "成果转化与资金链：项目阶段评审、孵化、先投后股、科企梯度贷、技术合同"),
        (name = "alliances", description = "联盟协会：成员单位（政产学研金介）的加入、退出与历史，某日成员数，成员名单导入导出"),
        (name = "matching", description = "技术撮合：技术供给与技术需求的发布审核、可解释的中文匹配、撮合线索到签约、合作项目与成效"),
        (name = "events", description = "赛会展演：活动日历、活动系列（两城汇）、报名与电子票、签到与现场登记、活动成效与覆盖"),
        (name = "cockpit", description = "领导驾驶舱：各领域指标（口径、环比、同比、趋势、明细链接）与期间报告"),
        (name = "firm", description = "企业融资（企业本身）：可申请的贷款梯度、在线申请科企梯度贷并补充材料、本企业的贷款（审批意见、还款计划、逾期）与先投后股协议"),
        (name = "policies", description = "政策：各部门维护的政策（适用单位类型与产业链、支持内容、申报条件、申报时间），发布与停止，导入导出；企业查看对本单位开放的政策并以“政策兑现”诉求申请"),
        (name = "talent", description = "人才服务：人才层次、服务目录、人才名册（证件号脱敏，完整查看留痕）、人才服务申请（在诉求闭环引擎上多部门一并办理、一次答复、评价）"),
    )
)]
pub struct ApiDoc;

struct Security;
impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let c = api.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// Adds the shared error answers to every operation of the finished
/// document (`ErrorResponses`).
pub fn add_error_responses(doc: &mut utoipa::openapi::OpenApi) {
    ErrorResponses.modify(doc);
    document_error_codes(doc);
}

/// `ErrorBody.code` in the document lists every code of the catalogue
/// ([`ErrorCode`]) with what it means, so a client sees them all in one place.
fn document_error_codes(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    use utoipa::openapi::RefOr;
    let Some(RefOr::T(Schema::Object(body))) = doc
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("ErrorBody"))
    else {
        return;
    };
    let table: String = ErrorCode::ALL
        .iter()
        .map(|c| format!("\n- `{}`：{}", c.as_str(), c.meaning()))
        .collect();
    let code = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
        .description(Some(format!(
            "稳定的错误码（snake_case），含义如下：{table}"
        )))
        .build();
    body.properties.insert("code".into(), code.into());
}

/// The error answers every API operation can give through the shared
/// extractors and middleware, as `ErrorBody`: `(status, response name, text)`.
const ERRORS: [(&str, &str, &str); 6] = [
    ("400", "BadRequest", "请求有误：invalid_json、invalid_query、invalid_path、invalid_page、invalid_text、invalid_utf8、invalid_upload"),
    ("401", "Unauthenticated", "未登录或令牌无效：unauthenticated、invalid_token"),
    ("403", "Forbidden", "无权执行（forbidden），或会话写操作未带 CSRF 令牌（csrf_failed）"),
    ("404", "NotFound", "记录不存在，或您无权查看：not_found"),
    ("413", "PayloadTooLarge", "请求体超过 20 MB：payload_too_large"),
    ("422", "Unprocessable", "字段校验或业务规则不通过；字段错误在 details.fields"),
];

/// Adds the shared error answers to every `/api/` operation whose own
/// annotation leaves them out (an annotation's own text wins): 400 always
/// (text checked at the edge, malformed query or path), 401 and 403 where
/// credentials are required, 404 where the path names a record, 413 and 422
/// where there is a body. Open311 answers in its own format and is left as
/// annotated.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Content, Ref, ResponseBuilder, SecurityRequirement};
        let components = api.components.get_or_insert_with(Default::default);
        for (_, name, description) in ERRORS {
            components
                .responses
                .entry(name.to_string())
                .or_insert_with(|| {
                    ResponseBuilder::new()
                        .description(description)
                        .content(
                            "application/json",
                            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                        )
                        .into()
                });
        }
        let global = api.security.clone().unwrap_or_default();
        let requires_auth = |reqs: &[SecurityRequirement]| {
            !reqs.is_empty() && !reqs.contains(&SecurityRequirement::default())
        };
        for (path, item) in api.paths.paths.iter_mut() {
            if !path.starts_with("/api/") {
                continue;
            }
            let names_record = path.contains('{');
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let secured = requires_auth(op.security.as_ref().unwrap_or(&global));
                let body = op.request_body.is_some();
                for (status, name, _) in ERRORS {
                    let wanted = match status {
                        "400" => true,
                        "401" | "403" => secured,
                        "404" => names_record,
                        _ => body,
                    };
                    if wanted {
                        op.responses
                            .responses
                            .entry(status.to_string())
                            .or_insert_with(|| Ref::from_response_name(name).into());
                    }
                }
            }
        }
    }
}

/// All API routes with their OpenAPI document.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(me::router())
        .merge(dictionary::router())
        .merge(orgs::router())
        .merge(departments::router())
        .merge(chains::router())
        .merge(calendar::router())
        .merge(users::router())
        .merge(cases::router())
        .merge(cases::categories_router())
        .merge(cases::interviews_router())
        .merge(cases::attachments_router())
        .merge(messages::router())
        .merge(webhooks::router())
        .merge(transfer::router())
        .merge(party::router())
        .merge(alliances::router())
        .merge(events::router())
        .merge(matching::router())
        .merge(talent::router())
        .merge(cockpit::router())
        .merge(firm::router())
        .merge(policies::router())
}

/// The `version` an editor saw, for optimistic concurrency.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
pub struct VersionParam {
    /// 记录的当前版本号（读取时返回的 version）
    pub version: i32,
}

/// Paging of a list, as published: the list's own query struct reads the
/// same two parameters (`#[param(ignore)]` there) and `PageReq::new`
/// refuses them out of bounds with 400 `invalid_page`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 页码，从 1 开始（默认 1）
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// 每页条数（默认 20）
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> ListPage<T> {
    pub fn of<M>(p: kechuang_store::Page<M>, f: impl FnMut(M) -> T) -> Self {
        ListPage {
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            items: p.items.into_iter().map(f).collect(),
        }
    }
}
