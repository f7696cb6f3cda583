//! Who is calling: session cookie or bearer token, resolved once per request
//! by [`resolve`]; CSRF protection for cookie-authenticated writes; the
//! extractors handlers use ([`ApiUser`], [`PageUser`]) and permission checks.

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use kechuang_domain::auth::Permission;
use kechuang_domain::ErrorCode;
use kechuang_store::{accounts, Principal};

use crate::error::{ApiError, ApiResult};
use crate::AppState;

pub const SESSION_COOKIE: &str = "kc_session";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The caller, if signed in; put in request extensions by [`resolve`].
#[derive(Clone, Debug, Default)]
pub struct Caller(pub Option<Principal>);

pub fn cookie_value(parts_headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    parts_headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The client's address: the connection's, unless it comes from a trusted
/// reverse proxy; then the nearest address in `X-Forwarded-For` that is not
/// itself a trusted proxy (each proxy appends the address it was called
/// from, so entries left of it could be written by anyone). The sign-in
/// lockout counts failures per this address.
pub fn client_ip(
    peer: std::net::IpAddr,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.unwrap_or_default().rsplit(',') {
        match hop.trim().parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return ip,
            Err(_) => break,
        }
    }
    client
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Middleware: resolve the caller, and enforce CSRF on cookie-authenticated
/// writes (token in the `X-CSRF-Token` header, the `csrf_token` query
/// parameter, or the `csrf_token` field of a urlencoded form).
pub async fn resolve(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    let caller = if let Some(token) = bearer(headers) {
        match accounts::token_user(&state.db, &token).await {
            Ok(Some(u)) => accounts::principal(&state.db, u, false, String::new()).await,
            Ok(None) => {
                return ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    ErrorCode::InvalidToken,
                    "API 令牌无效或已被吊销，请重新创建令牌",
                )
                .into_response()
            }
            Err(e) => Err(e),
        }
    } else if let Some(token) = cookie_value(headers, SESSION_COOKIE) {
        match accounts::session_user(&state.db, &token).await {
            Ok(Some((s, u))) => accounts::principal(&state.db, u, true, s.csrf).await,
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        }
    } else {
        Ok(None)
    };
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let mut req = req;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A page form posted from another site (the sign-in form included, which
    // has no session to carry a CSRF token yet) is refused by its Origin.
    if unsafe_method
        && !crate::error::is_machine_path(req.uri().path())
        && !same_origin(req.headers())
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::CsrfFailed,
            "请求来自其他网站，已拒绝；请在本平台的页面上操作",
        )
        .into_response();
    }
    if let Some(p) = caller.as_ref().filter(|p| p.via_session && unsafe_method) {
        let (ok, rebuilt) = csrf_ok(req, &p.csrf).await;
        req = rebuilt;
        if !ok {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::CsrfFailed,
                "页面已过期或请求来源不可信，请刷新页面后重试",
            )
            .into_response();
        }
    }
    req.extensions_mut().insert(Caller(caller));
    next.run(req).await
}

/// Whether a browser's `Origin` (when it sends one) names this host: the
/// `Host` the request came with, or the `X-Forwarded-Host` a reverse proxy
/// that rewrites `Host` passes on.
fn same_origin(headers: &axum::http::HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(origin_host) = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest.trim_end_matches('/'))
    else {
        return false;
    };
    [header::HOST.as_str(), "x-forwarded-host"]
        .into_iter()
        .filter_map(|h| headers.get(h).and_then(|v| v.to_str().ok()))
        .flat_map(|v| v.split(','))
        .any(|h| h.trim().eq_ignore_ascii_case(origin_host))
}

async fn csrf_ok(req: Request, expected: &str) -> (bool, Request) {
    let matches = |v: &str| !expected.is_empty() && constant_eq(v.as_bytes(), expected.as_bytes());
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return (matches(v), req);
    }
    if let Some(q) = req.uri().query() {
        if let Some((_, v)) = serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .unwrap_or_default()
            .into_iter()
            .find(|(k, _)| k == CSRF_FIELD)
        {
            return (matches(&v), req);
        }
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return (false, req);
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, 2 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => return (false, Request::from_parts(parts, Body::empty())),
    };
    let ok = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .unwrap_or_default()
        .into_iter()
        .any(|(k, v)| k == CSRF_FIELD && matches(&v));
    (ok, Request::from_parts(parts, Body::from(bytes)))
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn caller_of(parts: &Parts) -> Option<Principal> {
    parts.extensions.get::<Caller>().and_then(|c| c.0.clone())
}

/// A signed-in caller of the JSON API (401 otherwise).
pub struct ApiUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        caller_of(parts)
            .map(ApiUser)
            .ok_or_else(ApiError::unauthorized)
    }
}

/// A signed-in caller of a web page (redirect to the sign-in page otherwise).
pub struct PageUser(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        caller_of(parts).map(PageUser).ok_or_else(|| {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = format!("/login?next={}", urlencode(next));
            if parts.headers.contains_key("hx-request") {
                // htmx follows this header with a full-page navigation.
                ([("hx-redirect", target)], StatusCode::UNAUTHORIZED).into_response()
            } else {
                Redirect::to(&target).into_response()
            }
        })
    }
}

/// Permission check shared by pages and API.
pub fn require(p: &Principal, perm: Permission) -> ApiResult<()> {
    if p.can(perm) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

/// `Set-Cookie` value for the session cookie (empty token clears it).
pub fn session_cookie(token: &str, secure: bool) -> String {
    let max_age = if token.is_empty() {
        0
    } else {
        accounts::SESSION_HOURS * 3600
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Only same-site relative paths are followed after sign-in.
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::{client_ip, same_origin};

    #[test]
    fn the_client_is_named_by_trusted_proxies_only() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxies = [ip("10.0.0.2"), ip("10.0.0.3")];
        // Straight from a client: its own address, whatever it claims.
        assert_eq!(
            client_ip(ip("203.0.113.7"), Some("1.2.3.4"), &proxies),
            ip("203.0.113.7")
        );
        // Through the proxy: the address the proxy was called from.
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("198.51.100.9"), &proxies),
            ip("198.51.100.9")
        );
        // A client's forged entry on the left is passed over; two proxies in a row.
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                Some("1.2.3.4, 198.51.100.9, 10.0.0.3"),
                &proxies
            ),
            ip("198.51.100.9")
        );
        // Nothing readable: the proxy itself (failures counted together).
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("junk"), &proxies),
            ip("10.0.0.2")
        );
        assert_eq!(client_ip(ip("10.0.0.2"), None, &proxies), ip("10.0.0.2"));
        // No proxies configured: the connection, as before.
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("198.51.100.9"), &[]),
            ip("10.0.0.2")
        );
    }
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_form_from_this_site_passes_and_from_another_does_not() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "null")
        ])));
        // Behind a proxy that rewrites Host and passes the public one on.
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "kc.example.gov.cn"),
            ("origin", "https://kc.example.gov.cn")
        ])));
    }
}
