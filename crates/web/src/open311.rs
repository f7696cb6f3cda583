//! Open311 GeoReport v2 at /open311/v2/: discovery, services (the case
//! categories), service definitions, requests (POST with an API key, GET
//! with the spec's filters), one request, and tokens; JSON and XML.
//!
//! The API key is a Kechuang API token (`kc_…`). Reading requests needs a
//! key too, since cases belong to enterprises: the key's data scope applies.
//! Requests are created synchronously, so a request's token is its id.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::{DateTime, NaiveDate, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::{CaseStatus, Channel};
use kechuang_store::cases::{self, CaseFilter, CaseInput};
use kechuang_store::entities::{case, case_category};
use kechuang_store::{accounts, orgs, PageReq, Principal, Scope};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::api::cases::end_of_day;
use crate::api::{ApiPath, ApiQuery};
use crate::AppState;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// Split "requests.json" into ("requests", Json).
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Render a JSON value as Open311 XML: arrays become repeated `item` elements.
fn to_xml(root: &str, item: &str, v: &Value) -> String {
    fn field(out: &mut String, name: &str, v: &Value) {
        match v {
            Value::Null => out.push_str(&format!("<{name}/>")),
            Value::Array(items) => {
                out.push_str(&format!("<{name}>"));
                let inner = name.strip_suffix('s').unwrap_or(name);
                for i in items {
                    field(out, inner, i);
                }
                out.push_str(&format!("</{name}>"));
            }
            Value::Object(m) => {
                out.push_str(&format!("<{name}>"));
                for (k, x) in m {
                    field(out, k, x);
                }
                out.push_str(&format!("</{name}>"));
            }
            Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", xml_escape(s))),
            other => out.push_str(&format!("<{name}>{other}</{name}>")),
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    match v {
        Value::Array(items) => {
            out.push_str(&format!("<{root}>"));
            for i in items {
                field(&mut out, item, i);
            }
            out.push_str(&format!("</{root}>"));
        }
        other => field(&mut out, root, other),
    }
    out
}

fn respond(status: StatusCode, f: Format, root: &str, item: &str, v: Value) -> Response {
    match f {
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            v.to_string(),
        )
            .into_response(),
        Format::Xml => (
            status,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            to_xml(root, item, &v),
        )
            .into_response(),
    }
}

/// Open311 errors: `[{"code": 400, "description": "…"}]`.
fn error(f: Format, status: StatusCode, description: &str) -> Response {
    respond(
        status,
        f,
        "errors",
        "error",
        json!([{ "code": status.as_u16(), "description": description }]),
    )
}

async fn principal_for(s: &AppState, key: Option<&str>) -> Result<Principal, (StatusCode, String)> {
    let key = key
        .filter(|k| !k.is_empty())
        .ok_or((StatusCode::UNAUTHORIZED, "api_key is required".to_string()))?;
    let user = accounts::token_user(&s.db, key)
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .ok_or((
            StatusCode::FORBIDDEN,
            "api_key is invalid or revoked".to_string(),
        ))?;
    accounts::principal(&s.db, user, false, String::new())
        .await
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .ok_or((StatusCode::FORBIDDEN, "account disabled".to_string()))
}

fn service(c: &case_category::Model) -> Value {
    json!({
        "service_code": c.code,
        "service_name": c.name,
        "description": format!("{}类诉求，办理时限{}个工作日", c.name, c.time_limit_days),
        "metadata": true,
        "type": "realtime",
        "keywords": c.name,
        "group": "企业诉求",
    })
}

fn request_json(c: &case::Model, categories: &[case_category::Model], agency: &str) -> Value {
    let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Submitted);
    let category = categories.iter().find(|x| x.id == c.category_id);
    let notes = match status {
        CaseStatus::Submitted => "已受理，待分办".to_string(),
        CaseStatus::Dispatched => "办理中".to_string(),
        CaseStatus::Suspended => "等待补充材料，计时暂停".to_string(),
        CaseStatus::Replied => format!("已答复：{}", c.reply.clone().unwrap_or_default()),
        CaseStatus::Closed => format!("已办结：{}", c.reply.clone().unwrap_or_default()),
        CaseStatus::Declined => {
            format!("不予受理：{}", c.decline_reason.clone().unwrap_or_default())
        }
        CaseStatus::Merged => "与其他诉求重复，已合并办理".to_string(),
    };
    json!({
        "service_request_id": c.number,
        "status": if status.is_open() { "open" } else { "closed" },
        "status_notes": notes,
        "service_name": category.map(|x| x.name.clone()).unwrap_or_default(),
        "service_code": category.map(|x| x.code.clone()).unwrap_or_default(),
        "description": c.description,
        "agency_responsible": agency,
        "service_notice": format!("办理时限{}个工作日（法定工作日）", c.limit_days),
        "requested_datetime": c.received_at.to_rfc3339(),
        "updated_datetime": c.updated_at.to_rfc3339(),
        "expected_datetime": end_of_day(c.due_on).to_rfc3339(),
        "address": Value::Null,
        "lat": Value::Null,
        "long": Value::Null,
        "media_url": Value::Null,
    })
}

/// Discovery, services and requests (GET), by file name: `discovery.json`, `services.xml`, `requests.json` …
#[utoipa::path(get, path = "/open311/v2/{file}", tag = "cases",
    params(("file" = String, Path, description = "discovery.json|xml, services.json|xml, requests.json|xml"), RequestsQuery),
    responses((status = 200, description = "Open311 GeoReport v2 JSON 或 XML"), (status = 400, description = "[{code, description}]"), (status = 401), (status = 403), (status = 404)))]
pub async fn get_file(
    State(s): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<RequestsQuery>,
) -> Response {
    let Some((name, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "use .json or .xml");
    };
    match name {
        "discovery" => respond(
            StatusCode::OK,
            f,
            "discovery",
            "endpoint",
            json!({
                "changeset": "2026-11-29T00:00:00Z",
                "contact": "科创服务平台 管委会诉求办理窗口",
                "key_service": "在“API 令牌”页面创建令牌作为 api_key",
                "endpoints": [{
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": "/open311/v2",
                    "changeset": "2026-11-29T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }],
            }),
        ),
        "services" => match cases::categories(&s.db).await {
            Ok(cats) => respond(
                StatusCode::OK,
                f,
                "services",
                "service",
                Value::Array(cats.iter().filter(|c| c.active).map(service).collect()),
            ),
            Err(e) => error(f, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
        "requests" => list_requests(&s, f, q).await,
        _ => error(f, StatusCode::NOT_FOUND, "unknown resource"),
    }
}

/// Filters of GET requests (GeoReport v2).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestsQuery {
    pub api_key: Option<String>,
    /// 逗号分隔的诉求编号
    pub service_request_id: Option<String>,
    /// 逗号分隔的分类编码
    pub service_code: Option<String>,
    /// ISO 8601，受理时间起
    pub start_date: Option<String>,
    /// ISO 8601，受理时间止
    pub end_date: Option<String>,
    /// open 或 closed，可逗号分隔
    pub status: Option<String>,
}

fn parse_when(s: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| cases::beijing_date(d.with_timezone(&Utc)))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok())
}

async fn list_requests(s: &AppState, f: Format, q: RequestsQuery) -> Response {
    let p = match principal_for(s, q.api_key.as_deref()).await {
        Ok(p) => p,
        Err((st, m)) => return error(f, st, &m),
    };
    if !p.can(Permission::CasesRead) {
        return error(f, StatusCode::FORBIDDEN, "this key may not read requests");
    }
    let cats = match cases::categories(&s.db).await {
        Ok(c) => c,
        Err(e) => return error(f, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let mut filter = CaseFilter::default();
    // The spec's default window: the last 90 days.
    let end = q.end_date.as_deref().and_then(parse_when);
    let start = q.start_date.as_deref().and_then(parse_when).or_else(|| {
        end.or_else(|| Some(cases::today()))
            .map(|e| e - chrono::Duration::days(90))
    });
    if q.start_date.is_some() && start.is_none() || q.end_date.is_some() && end.is_none() {
        return error(
            f,
            StatusCode::BAD_REQUEST,
            "start_date and end_date must be ISO 8601",
        );
    }
    filter.received_from = start;
    filter.received_to = end;
    match q.status.as_deref().map(str::trim) {
        None | Some("") | Some("open,closed") | Some("closed,open") => {}
        Some("open") => filter.open = Some(true),
        Some("closed") => filter.open = Some(false),
        Some(_) => return error(f, StatusCode::BAD_REQUEST, "status must be open or closed"),
    }
    let codes: Vec<&str> = q
        .service_code
        .as_deref()
        .map(|c| {
            c.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let ids: Vec<&str> = q
        .service_request_id
        .as_deref()
        .map(|c| {
            c.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if !ids.is_empty() {
        // Requests by number ignore the other filters (as the spec says).
        filter = CaseFilter::default();
    }
    let rows = match cases::list(
        &s.db,
        &p.scope,
        &filter,
        PageReq::first(PageReq::MAX_PER_PAGE),
    )
    .await
    {
        Ok(p) => p.items,
        Err(e) => return error(f, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let mut rows: Vec<case::Model> = rows;
    if !ids.is_empty() {
        rows = Vec::new();
        for n in &ids {
            let hit = cases::list(
                &s.db,
                &p.scope,
                &CaseFilter {
                    q: Some((*n).to_string()),
                    ..Default::default()
                },
                PageReq::first(5),
            )
            .await;
            if let Ok(page) = hit {
                rows.extend(page.items.into_iter().filter(|c| c.number == *n));
            }
        }
    }
    if !codes.is_empty() {
        let wanted: Vec<String> = cats
            .iter()
            .filter(|c| codes.contains(&c.code.as_str()))
            .map(|c| c.id.clone())
            .collect();
        rows.retain(|c| wanted.contains(&c.category_id));
    }
    let names = crate::api::cases::Names::load(s, [])
        .await
        .unwrap_or_default();
    let items: Vec<Value> = rows
        .iter()
        .map(|c| request_json(c, &cats, &names.department(&c.lead_department_id)))
        .collect();
    respond(
        StatusCode::OK,
        f,
        "service_requests",
        "request",
        Value::Array(items),
    )
}

/// A new request (form-encoded, as GeoReport v2 specifies).
#[derive(Debug, Default, Deserialize)]
pub struct NewRequest {
    pub api_key: Option<String>,
    pub service_code: Option<String>,
    pub description: Option<String>,
    /// The requesting organisation's unified social credit code (service attribute).
    #[serde(rename = "attribute[org_uscc]")]
    pub org_uscc: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Create a request: `POST requests.json|xml` with api_key, service_code, description, attribute[org_uscc]
#[utoipa::path(post, path = "/open311/v2/{file}", tag = "cases",
    params(("file" = String, Path, description = "requests.json 或 requests.xml")),
    request_body(content_type = "application/x-www-form-urlencoded", description = "api_key, service_code, description, attribute[org_uscc]（企业令牌可省略）, first_name, last_name, phone, email"),
    responses((status = 201, description = "[{service_request_id, service_notice, token}]"), (status = 400), (status = 403), (status = 404)))]
pub async fn post_file(
    State(s): State<AppState>,
    ApiPath(file): ApiPath<String>,
    Form(r): Form<NewRequest>,
) -> Response {
    let Some(("requests", f)) = split(&file) else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "POST requests.json or requests.xml",
        );
    };
    let p = match principal_for(&s, r.api_key.as_deref()).await {
        Ok(p) => p,
        Err((st, m)) => return error(f, st, &m),
    };
    if !p.can(Permission::CasesCreate) {
        return error(f, StatusCode::FORBIDDEN, "this key may not create requests");
    }
    let cats = match cases::categories(&s.db).await {
        Ok(c) => c,
        Err(e) => return error(f, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let Some(cat) = r
        .service_code
        .as_deref()
        .and_then(|code| cats.iter().find(|c| c.code == code && c.active))
    else {
        return error(
            f,
            StatusCode::BAD_REQUEST,
            "service_code is missing or unknown",
        );
    };
    let description = r.description.clone().unwrap_or_default().trim().to_string();
    if description.is_empty() || description.chars().count() > 4000 {
        return error(
            f,
            StatusCode::BAD_REQUEST,
            "description is required (at most 4000 characters)",
        );
    }
    let org_id = match (
        &p.scope,
        r.org_uscc
            .as_deref()
            .map(str::trim)
            .filter(|x| !x.is_empty()),
    ) {
        (Scope::Org(Some(own)), _) => own.clone(),
        (_, Some(code)) => {
            let found = orgs::list_all(
                &s.db,
                &Scope::All,
                &kechuang_store::orgs::OrgFilter {
                    q: Some(code.to_string()),
                    ..Default::default()
                },
                5,
            )
            .await;
            match found.ok().and_then(|v| {
                v.into_iter()
                    .find(|o| o.uscc.as_deref() == Some(&code.to_uppercase()))
            }) {
                Some(o) => o.id,
                None => {
                    return error(
                        f,
                        StatusCode::BAD_REQUEST,
                        "attribute[org_uscc] names no registered organisation",
                    )
                }
            }
        }
        _ => {
            return error(
                f,
                StatusCode::BAD_REQUEST,
                "attribute[org_uscc] is required",
            )
        }
    };
    let contact = format!(
        "{}{}",
        r.last_name.clone().unwrap_or_default(),
        r.first_name.clone().unwrap_or_default()
    );
    let title: String = description.chars().take(40).collect();
    let input = CaseInput {
        title,
        description,
        category_id: cat.id.clone(),
        org_id,
        chain_id: None,
        channel: Channel::Open311,
        received_at: Utc::now(),
        contact_name: contact.chars().take(50).collect(),
        contact_phone: r
            .phone
            .clone()
            .or(r.email.clone())
            .unwrap_or_default()
            .chars()
            .take(30)
            .collect(),
    };
    match s.intake.intake(&crate::api::cases::actor(&p), input).await {
        Ok(c) => respond(
            StatusCode::CREATED,
            f,
            "service_requests",
            "request",
            json!([{ "service_request_id": c.number, "service_notice": format!("已受理，{}前办结", c.due_on), "token": c.id, "account_id": Value::Null }]),
        ),
        Err(e) => error(f, StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

/// A service definition: `services/approval.json` (the attributes a request carries)
#[utoipa::path(get, path = "/open311/v2/services/{file}", tag = "cases",
    params(("file" = String, Path, description = "分类编码加 .json 或 .xml")),
    responses((status = 200, description = "service_definition"), (status = 404)))]
pub async fn get_service(State(s): State<AppState>, ApiPath(file): ApiPath<String>) -> Response {
    let Some((code, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "use .json or .xml");
    };
    match cases::categories(&s.db).await {
        Ok(cats) if cats.iter().any(|c| c.code == code && c.active) => respond(
            StatusCode::OK,
            f,
            "service_definition",
            "attribute",
            json!({
                "service_code": code,
                "attributes": [{
                    "variable": true,
                    "code": "org_uscc",
                    "datatype": "string",
                    "required": false,
                    "datatype_description": "统一社会信用代码（18位）",
                    "order": 1,
                    "description": "提出诉求的单位；使用企业账号的令牌时可省略",
                }],
            }),
        ),
        Ok(_) => error(f, StatusCode::NOT_FOUND, "unknown service_code"),
        Err(e) => error(f, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    pub api_key: Option<String>,
}

/// One request by number: `requests/KC-2026-000123.json`
#[utoipa::path(get, path = "/open311/v2/requests/{file}", tag = "cases",
    params(("file" = String, Path, description = "诉求编号加 .json 或 .xml"), KeyQuery),
    responses((status = 200, description = "[request]"), (status = 401), (status = 403), (status = 404)))]
pub async fn get_request(
    State(s): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<KeyQuery>,
) -> Response {
    let Some((number, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "use .json or .xml");
    };
    let rq = RequestsQuery {
        api_key: q.api_key,
        service_request_id: Some(number.to_string()),
        ..Default::default()
    };
    list_requests(&s, f, rq).await
}

/// The request created for a token (requests are created at once, so the token is the request's id)
#[utoipa::path(get, path = "/open311/v2/tokens/{file}", tag = "cases",
    params(("file" = String, Path, description = "token 加 .json 或 .xml"), KeyQuery),
    responses((status = 200, description = "[{service_request_id, token}]"), (status = 401), (status = 404)))]
pub async fn get_token(
    State(s): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<KeyQuery>,
) -> Response {
    let Some((token, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "use .json or .xml");
    };
    let p = match principal_for(&s, q.api_key.as_deref()).await {
        Ok(p) => p,
        Err((st, m)) => return error(f, st, &m),
    };
    match cases::get(&s.db, &p.scope, token).await {
        Ok(c) => respond(
            StatusCode::OK,
            f,
            "service_requests",
            "request",
            json!([{ "service_request_id": c.number, "token": token }]),
        ),
        Err(_) => error(f, StatusCode::NOT_FOUND, "no request for this token"),
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_file, post_file))
        .routes(routes!(get_service))
        .routes(routes!(get_request))
        .routes(routes!(get_token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_and_repeats_items() {
        let x = to_xml(
            "service_requests",
            "request",
            &json!([{ "service_request_id": "KC-1", "description": "<a&b>" }]),
        );
        // Fields come out in key order (serde_json keeps maps sorted).
        assert_eq!(
            x,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><service_requests><request><description>&lt;a&amp;b&gt;</description><service_request_id>KC-1</service_request_id></request></service_requests>"
        );
    }

    #[test]
    fn file_names_choose_the_format() {
        assert!(matches!(
            split("requests.xml"),
            Some(("requests", Format::Xml))
        ));
        assert!(matches!(
            split("KC-2026-000001.json"),
            Some(("KC-2026-000001", Format::Json))
        ));
        assert!(split("requests.html").is_none());
    }
}
