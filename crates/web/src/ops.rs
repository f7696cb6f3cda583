//! Operations: /healthz, /readyz, /metrics (Prometheus text), request
//! metrics and security headers.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Request counters and latency histograms by method, route and status.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut map = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let s = map
            .entry((method.into(), route.into(), status))
            .or_default();
        s.count += 1;
        s.sum += seconds;
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                s.buckets[i] += 1;
            }
        }
    }

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        let map = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        out.push_str("# HELP kechuang_http_requests_total HTTP requests served.\n# TYPE kechuang_http_requests_total counter\n");
        for ((m, r, st), s) in map.iter() {
            let _ = writeln!(
                out,
                "kechuang_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{st}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP kechuang_http_request_duration_seconds Request latency.\n# TYPE kechuang_http_request_duration_seconds histogram\n");
        for ((m, r, st), s) in map.iter() {
            let labels = format!("method=\"{m}\",route=\"{r}\",status=\"{st}\"");
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "kechuang_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                    s.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "kechuang_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "kechuang_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "kechuang_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

/// Middleware: record every request under its route template (not its raw
/// path, so ids don't explode the series).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let res = next.run(req).await;
    state.metrics.observe(
        &method,
        &route,
        res.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    res
}

/// Middleware: security headers on every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(h, "content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(
        h,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    res
}

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers and every migration is applied.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if !kechuang_store::db::ping(&state.db).await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response();
    }
    match kechuang_store::db::migrations_current(&state.db).await {
        Ok(true) => "ready".into_response(),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending").into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("migration check failed: {e}"),
        )
            .into_response(),
    }
}

/// Who may read /metrics: with a token set, whoever sends it as a bearer
/// token; without one, callers on this machine only.
pub fn metrics_allowed(
    token: Option<&str>,
    peer: std::net::IpAddr,
    authorization: Option<&str>,
) -> Result<(), StatusCode> {
    match token {
        Some(t) => {
            let sent = authorization
                .and_then(|a| a.strip_prefix("Bearer "))
                .map(str::trim);
            let same = sent.is_some_and(|s| {
                s.len() == t.len()
                    && s.bytes()
                        .zip(t.bytes())
                        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                        == 0
            });
            if same {
                Ok(())
            } else {
                Err(StatusCode::UNAUTHORIZED)
            }
        }
        None if peer.is_loopback() => Ok(()),
        None => Err(StatusCode::FORBIDDEN),
    }
}

pub async fn metrics(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Err(status) = metrics_allowed(state.metrics_token.as_deref(), peer.ip(), authorization) {
        return (
            status,
            "metrics: send the configured token (Authorization: Bearer …), or ask from this machine\n",
        )
            .into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::metrics_allowed;
    use axum::http::StatusCode;

    #[test]
    fn metrics_are_local_unless_a_token_is_set() {
        let here = "127.0.0.1".parse().unwrap();
        let there = "10.1.2.3".parse().unwrap();
        assert_eq!(metrics_allowed(None, here, None), Ok(()));
        assert_eq!(
            metrics_allowed(None, there, None),
            Err(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            metrics_allowed(Some("s3cret"), there, Some("Bearer s3cret")),
            Ok(())
        );
        assert_eq!(
            metrics_allowed(Some("s3cret"), here, None),
            Err(StatusCode::UNAUTHORIZED)
        );
        assert_eq!(
            metrics_allowed(Some("s3cret"), there, Some("Bearer s3cre")),
            Err(StatusCode::UNAUTHORIZED)
        );
    }
}
