use std::sync::Arc;

use kechuang_store::Db;

use crate::ops::Metrics;

/// Shared by every handler. The app keeps no other state: sessions, jobs and
/// data live in the database, so any number of replicas can serve.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Case intake with group commit (see `cases::IntakeQueue`).
    pub intake: kechuang_store::cases::IntakeQueue,
    /// Cache-busting value for static asset URLs (hash of the embedded files).
    pub asset_v: Arc<str>,
    pub metrics: Arc<Metrics>,
    /// Mark cookies `Secure` (when served over HTTPS behind a proxy).
    pub secure_cookies: bool,
    /// Bearer token for /metrics from other hosts; `None`: loopback only.
    pub metrics_token: Option<Arc<str>>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (see
    /// [`crate::auth::client_ip`]); empty: the connection's address is the client.
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
    /// This replica's matching index (技术撮合), fresh from the change feed.
    pub matching: crate::service::matching::index::MatchIndex,
}

impl AppState {
    pub fn new(db: Db, secure_cookies: bool) -> Self {
        AppState {
            intake: kechuang_store::cases::IntakeQueue::new(db.clone()),
            db,
            asset_v: crate::assets::version().into(),
            metrics: Arc::new(Metrics::default()),
            secure_cookies,
            metrics_token: None,
            trusted_proxies: Arc::new([]),
            matching: Default::default(),
        }
    }
}
