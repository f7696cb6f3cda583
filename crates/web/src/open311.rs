//! Open311 GeoReport v2 at /open311/v2/: discovery, services (the case
//! categories), service definitions, requests (POST with an API key, GET
//! with the spec's filters), one request, and tokens; JSON and XML.
//!
//! The API key is a Kechuang API token (`kc_…`). Creating a request needs
//! a key. Reading does not, so any GeoReport client can follow the request
//! it filed: without a key a reader sees the public view (`PUBLIC_FIELDS`:
//! number, status, service, agency, times, never the enterprise's text,
//! place or contacts); with a key, the full view within the key's data
//! scope. Requests are created synchronously, so a request's token is its id.

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::{DateTime, NaiveDate, Utc};
use kechuang_domain::auth::Permission;
use kechuang_domain::cases::{CaseStatus, Channel};
use kechuang_domain::uscc::Uscc;
use kechuang_store::cases::{self, CaseFilter, CaseInput, CaseLocation};
use kechuang_store::entities::{case, case_category};
use kechuang_store::{accounts, orgs, PageReq, Principal, Scope, StoreError};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::extract::{ApiPath, ApiQuery};
use crate::service::cases::end_of_day;
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

/// A failure of the store: logged, and answered without its text.
fn internal(f: Format, e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "open311");
    error(
        f,
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error, please try again later",
    )
}

/// Fields a reader without a key sees of a request.
const PUBLIC_FIELDS: [&str; 10] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
];

/// The caller behind an api_key; `None` without a key. A key that is given
/// but invalid, revoked or of a disabled account is 403, never read as none.
async fn reader(s: &AppState, f: Format, key: Option<&str>) -> Result<Option<Principal>, Response> {
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let user = match accounts::token_user(&s.db, key).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return Err(error(
                f,
                StatusCode::FORBIDDEN,
                "api_key is invalid or revoked",
            ))
        }
        Err(e) => return Err(internal(f, e)),
    };
    match accounts::principal(&s.db, user, false, String::new()).await {
        Ok(Some(p)) => Ok(Some(p)),
        Ok(None) => Err(error(f, StatusCode::FORBIDDEN, "account disabled")),
        Err(e) => Err(internal(f, e)),
    }
}

/// The caller behind a required api_key (401 without one).
async fn principal_for(s: &AppState, f: Format, key: Option<&str>) -> Result<Principal, Response> {
    reader(s, f, key)
        .await?
        .ok_or_else(|| error(f, StatusCode::UNAUTHORIZED, "api_key is required"))
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

/// A request as GeoReport shows it: the full view for a key's reader, the
/// public view (`PUBLIC_FIELDS`, no reply or decline text) otherwise.
fn request_json(
    c: &case::Model,
    categories: &[case_category::Model],
    agency: &str,
    full: bool,
) -> Value {
    let status = CaseStatus::parse(&c.status).unwrap_or(CaseStatus::Submitted);
    let category = categories.iter().find(|x| x.id == c.category_id);
    let with = |phrase: &str, text: &Option<String>| match text {
        Some(t) if full => format!("{phrase}：{t}"),
        _ => phrase.to_string(),
    };
    let notes = match status {
        CaseStatus::Submitted => "已受理，待分办".to_string(),
        CaseStatus::Dispatched => "办理中".to_string(),
        CaseStatus::Suspended => "等待补充材料，计时暂停".to_string(),
        CaseStatus::Replied => with("已答复", &c.reply),
        CaseStatus::Closed => with("已办结", &c.reply),
        CaseStatus::Declined => with("不予受理", &c.decline_reason),
        CaseStatus::Merged => "与其他诉求重复，已合并办理".to_string(),
    };
    let degrees = |v: &Option<String>| {
        v.as_deref()
            .and_then(|t| t.parse::<f64>().ok())
            .map_or(Value::Null, |d| json!(d))
    };
    let mut v = json!({
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
        "address": c.address,
        "lat": degrees(&c.latitude),
        "long": degrees(&c.longitude),
        "media_url": c.media_url,
    });
    if !full {
        if let Some(m) = v.as_object_mut() {
            m.retain(|k, _| PUBLIC_FIELDS.contains(&k.as_str()));
        }
    }
    v
}

/// Discovery, services and requests (GET), by file name: `discovery.json`, `services.xml`, `requests.json` …
#[utoipa::path(get, path = "/open311/v2/{file}", tag = "cases",
    params(("file" = String, Path, description = "discovery.json|xml, services.json|xml, requests.json|xml"), RequestsQuery),
    responses((status = 200, description = "Open311 GeoReport v2 JSON 或 XML；requests 不带 api_key 时只含公开字段"), (status = 400, description = "[{code, description}]"), (status = 403), (status = 404)))]
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
                "key_service": "在“API 令牌”页面创建令牌作为 api_key：提交诉求须带 api_key；查询无须 api_key，但不带时只返回公开字段（public_fields），带企业或工作人员的 api_key 时返回其数据范围内的全部字段",
                "public_fields": PUBLIC_FIELDS,
                "endpoints": [{
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": "/open311/v2",
                    "changeset": "2026-11-29T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }],
            }),
        ),
        "services" => match cases::intake_categories(&s.db).await {
            Ok(cats) => respond(
                StatusCode::OK,
                f,
                "services",
                "service",
                Value::Array(cats.iter().map(service).collect()),
            ),
            Err(e) => internal(f, e),
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
    let p = match reader(s, f, q.api_key.as_deref()).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if p.as_ref().is_some_and(|p| !p.can(Permission::CasesRead)) {
        return error(f, StatusCode::FORBIDDEN, "this key may not read requests");
    }
    let full = p.is_some();
    let scope = p.map_or(Scope::All, |p| p.scope);
    let cats = match cases::categories(&s.db).await {
        Ok(c) => c,
        Err(e) => return internal(f, e),
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
    let mut rows: Vec<case::Model> = Vec::new();
    if ids.is_empty() {
        match cases::list(
            &s.db,
            &scope,
            &filter,
            PageReq::first(PageReq::MAX_PER_PAGE),
        )
        .await
        {
            Ok(p) => rows = p.items,
            Err(e) => return internal(f, e),
        }
    } else {
        for n in ids.iter().take(PageReq::MAX_PER_PAGE as usize) {
            match cases::by_number(&s.db, &scope, n).await {
                Ok(Some(c)) => rows.push(c),
                Ok(None) => {}
                Err(e) => return internal(f, e),
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
    let names = crate::service::cases::Names::load(s, [])
        .await
        .unwrap_or_default();
    let items: Vec<Value> = rows
        .iter()
        .map(|c| request_json(c, &cats, &names.department(&c.lead_department_id), full))
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
    pub address_string: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub media_url: Option<String>,
}

/// The place and media of a new request, checked: latitude in −90…90 and
/// longitude in −180…180 degrees, both or neither; an address of at most 255
/// characters; a media link `http(s)://…` of at most 1000.
fn location(r: &NewRequest) -> Result<CaseLocation, &'static str> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
    };
    let degrees = |v: &Option<String>, bound: f64, what: &'static str| match given(v) {
        None => Ok(None),
        Some(t) => match t.parse::<f64>() {
            Ok(d) if d.is_finite() && d.abs() <= bound && t.len() <= 32 => Ok(Some(t)),
            _ => Err(what),
        },
    };
    let latitude = degrees(
        &r.lat,
        90.0,
        "lat must be a number of degrees from -90 to 90",
    )?;
    let longitude = degrees(
        &r.long,
        180.0,
        "long must be a number of degrees from -180 to 180",
    )?;
    if latitude.is_some() != longitude.is_some() {
        return Err("lat and long must be given together");
    }
    let address = given(&r.address_string);
    if address.as_ref().is_some_and(|a| a.chars().count() > 255) {
        return Err("address_string is at most 255 characters");
    }
    let media_url = given(&r.media_url);
    if media_url.as_ref().is_some_and(|m| {
        m.len() > 1000
            || !(m.starts_with("https://") || m.starts_with("http://"))
            || m.contains(char::is_whitespace)
    }) {
        return Err("media_url must be an http(s) URL of at most 1000 characters");
    }
    Ok(CaseLocation {
        address,
        latitude,
        longitude,
        media_url,
    })
}

/// Create a request: `POST requests.json|xml` with api_key, service_code, description, attribute[org_uscc]
#[utoipa::path(post, path = "/open311/v2/{file}", tag = "cases",
    params(("file" = String, Path, description = "requests.json 或 requests.xml")),
    request_body(content_type = "application/x-www-form-urlencoded", description = "api_key, service_code, description, attribute[org_uscc]（企业令牌可省略，给出时须为本单位）, address_string, lat, long, media_url, first_name, last_name, phone, email"),
    responses((status = 201, description = "[{service_request_id, service_notice, token}]"), (status = 400, description = "[{code, description}]"), (status = 401), (status = 403), (status = 404), (status = 413), (status = 422)))]
pub async fn post_file(
    State(s): State<AppState>,
    ApiPath(file): ApiPath<String>,
    form: Result<Form<NewRequest>, FormRejection>,
) -> Response {
    let Some(("requests", f)) = split(&file) else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            "POST requests.json or requests.xml",
        );
    };
    let Ok(Form(r)) = form else {
        return error(
            f,
            StatusCode::BAD_REQUEST,
            "send the fields as application/x-www-form-urlencoded (GeoReport v2)",
        );
    };
    let p = match principal_for(&s, f, r.api_key.as_deref()).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !p.can(Permission::CasesCreate) {
        return error(f, StatusCode::FORBIDDEN, "this key may not create requests");
    }
    let location = match location(&r) {
        Ok(l) => l,
        Err(m) => return error(f, StatusCode::BAD_REQUEST, m),
    };
    // A category of the talent catalogue is refused by the intake itself.
    let cats = match cases::categories(&s.db).await {
        Ok(c) => c,
        Err(e) => return internal(f, e),
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
    // The organisation: an enterprise key files for its own firm only; a
    // staff key names the firm by its credit code.
    let named = match r
        .org_uscc
        .as_deref()
        .map(str::trim)
        .filter(|x| !x.is_empty())
    {
        None => None,
        Some(code) => match Uscc::parse(code) {
            Err(_) => {
                return error(
                    f,
                    StatusCode::BAD_REQUEST,
                    "attribute[org_uscc] is not a valid unified social credit code",
                )
            }
            Ok(u) => match orgs::by_uscc(&s.db, u.as_str()).await {
                Ok(found) => Some(found),
                Err(e) => return internal(f, e),
            },
        },
    };
    let org_id = match (&p.scope, named) {
        (Scope::Org(None), _) => {
            return error(
                f,
                StatusCode::FORBIDDEN,
                "this key belongs to no organisation",
            )
        }
        (Scope::Org(Some(own)), None) => own.clone(),
        (Scope::Org(Some(own)), Some(found)) => {
            if found.as_ref().map(|o| &o.id) != Some(own) {
                return error(
                    f,
                    StatusCode::FORBIDDEN,
                    "attribute[org_uscc] names another organisation than this key's own",
                );
            }
            own.clone()
        }
        (_, Some(Some(o))) => o.id,
        (_, Some(None)) => {
            return error(
                f,
                StatusCode::BAD_REQUEST,
                "attribute[org_uscc] names no registered organisation",
            )
        }
        (_, None) => {
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
        location,
    };
    match s
        .intake
        .intake(&crate::service::cases::actor(&p), input)
        .await
    {
        Ok(c) => respond(
            StatusCode::CREATED,
            f,
            "service_requests",
            "request",
            json!([{ "service_request_id": c.number, "service_notice": format!("已受理，{}前办结", c.due_on), "token": c.id, "account_id": Value::Null }]),
        ),
        Err(StoreError::Db(e)) => internal(f, e),
        Err(e) => error(f, StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

/// A service definition: `services/approval.json` (the attributes a request carries).
/// `attribute[org_uscc]` is required, except for the key of an enterprise account (its own firm).
#[utoipa::path(get, path = "/open311/v2/services/{file}", tag = "cases",
    params(("file" = String, Path, description = "分类编码加 .json 或 .xml"), KeyQuery),
    responses((status = 200, description = "service_definition"), (status = 400, description = "[{code, description}]"), (status = 403), (status = 404)))]
pub async fn get_service(
    State(s): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<KeyQuery>,
) -> Response {
    let Some((code, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "use .json or .xml");
    };
    let own_firm = match reader(&s, f, q.api_key.as_deref()).await {
        Ok(p) => p.is_some_and(|p| matches!(p.scope, Scope::Org(Some(_)))),
        Err(r) => return r,
    };
    match cases::intake_categories(&s.db).await {
        Ok(cats) if cats.iter().any(|c| c.code == code) => respond(
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
                    "required": !own_firm,
                    "datatype_description": "统一社会信用代码（18位）",
                    "order": 1,
                    "description": "提出诉求的单位；使用企业账号的令牌时可省略（给出时须为本单位）",
                }],
            }),
        ),
        Ok(_) => error(f, StatusCode::NOT_FOUND, "unknown service_code"),
        Err(e) => internal(f, e),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    pub api_key: Option<String>,
}

/// One request by number: `requests/KC-2026-000123.json` (without api_key: the public fields)
#[utoipa::path(get, path = "/open311/v2/requests/{file}", tag = "cases",
    params(("file" = String, Path, description = "诉求编号加 .json 或 .xml"), KeyQuery),
    responses((status = 200, description = "[request]"), (status = 400, description = "[{code, description}]"), (status = 403), (status = 404)))]
pub async fn get_request(
    State(s): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<KeyQuery>,
) -> Response {
    let Some((number, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "use .json or .xml");
    };
    let p = match reader(&s, f, q.api_key.as_deref()).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if p.as_ref().is_some_and(|p| !p.can(Permission::CasesRead)) {
        return error(f, StatusCode::FORBIDDEN, "this key may not read requests");
    }
    let full = p.is_some();
    let scope = p.map_or(Scope::All, |p| p.scope);
    let c = match cases::by_number(&s.db, &scope, number).await {
        Ok(Some(c)) => c,
        Ok(None) => {
            return error(
                f,
                StatusCode::NOT_FOUND,
                "no request with this service_request_id",
            )
        }
        Err(e) => return internal(f, e),
    };
    let (cats, names) = match (
        cases::categories(&s.db).await,
        crate::service::cases::Names::load(&s, []).await,
    ) {
        (Ok(c), Ok(n)) => (c, n),
        (Err(e), _) => return internal(f, e),
        (_, Err(e)) => return internal(f, e.message),
    };
    let agency = names.department(&c.lead_department_id);
    respond(
        StatusCode::OK,
        f,
        "service_requests",
        "request",
        json!([request_json(&c, &cats, &agency, full)]),
    )
}

/// The request created for a token (requests are created at once, so the token is the request's id)
#[utoipa::path(get, path = "/open311/v2/tokens/{file}", tag = "cases",
    params(("file" = String, Path, description = "token 加 .json 或 .xml"), KeyQuery),
    responses((status = 200, description = "[{service_request_id, token}]"), (status = 400, description = "[{code, description}]"), (status = 403), (status = 404)))]
pub async fn get_token(
    State(s): State<AppState>,
    ApiPath(file): ApiPath<String>,
    ApiQuery(q): ApiQuery<KeyQuery>,
) -> Response {
    let Some((token, f)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "use .json or .xml");
    };
    // The token is the request's id, known only to whoever filed it.
    let scope = match reader(&s, f, q.api_key.as_deref()).await {
        Ok(p) => p.map_or(Scope::All, |p| p.scope),
        Err(r) => return r,
    };
    match cases::get(&s.db, &scope, token).await {
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
