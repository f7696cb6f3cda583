//! Starting the platform: connect (fail fast), migrate under a lock, seed the
//! work calendar, optionally load the demo dataset, then serve until SIGTERM.

use std::net::SocketAddr;

use anyhow::Context;
use kechuang_store::{calendar, Db};
use kechuang_web::AppState;
use tokio::net::TcpListener;

/// Open the database and bring its schema up to date.
pub async fn open(url: &str) -> anyhow::Result<Db> {
    kechuang_store::db::migrate(url)
        .await
        .map_err(anyhow::Error::msg)?;
    let db = kechuang_store::connect(url)
        .await
        .map_err(anyhow::Error::msg)?;
    calendar::seed_official(&db, "system")
        .await
        .context("写入法定节假日安排失败")?;
    kechuang_store::cases::seed_categories(&db, "system")
        .await
        .context("写入诉求分类失败")?;
    Ok(db)
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub db: Db,
    pub handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Bind and serve in the background, **without** the timed jobs: tests
/// (port 0) and benchmarks run a job by hand when they mean to
/// ([`crate::jobs`], `cases::sweep`), so none races what they seed.
pub async fn start(db: Db, bind: &str, secure_cookies: bool) -> anyhow::Result<Running> {
    serve(AppState::new(db, secure_cookies), bind).await
}

/// The platform as it runs: served as [`start`] does, with this replica's
/// timed jobs ([`crate::jobs::spawn`]). `public_url` is the address people
/// open (links in robot messages), by default the bound address;
/// `metrics_token` opens /metrics to other hosts (otherwise it answers
/// loopback callers only); `trusted_proxies` are the reverse proxies whose
/// `X-Forwarded-For` names the client.
pub async fn start_with(
    db: Db,
    bind: &str,
    secure_cookies: bool,
    public_url: Option<String>,
    metrics_token: Option<String>,
    trusted_proxies: Vec<std::net::IpAddr>,
) -> anyhow::Result<Running> {
    let mut state = AppState::new(db, secure_cookies);
    state.metrics_token = metrics_token.map(Into::into);
    state.trusted_proxies = trusted_proxies.into();
    let running = serve(state.clone(), bind).await?;
    crate::jobs::spawn(
        state,
        public_url.unwrap_or_else(|| format!("http://{}", running.addr)),
    );
    Ok(running)
}

async fn serve(state: AppState, bind: &str) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("无法监听 {bind}（端口被占用或地址无效）"))?;
    let addr = listener.local_addr()?;
    let db = state.db.clone();
    let app = kechuang_web::app(state);
    let shutdown = shutdown_signal();
    let handle = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    });
    Ok(Running { addr, db, handle })
}

/// Resolves on SIGTERM or Ctrl-C. The handlers are installed when this is
/// called, before the server says it has started: a signal sent right after
/// must not meet the default action, which ends the process at once.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (term, int) = signals;
            tokio::select! {
                _ = received(term) => {},
                _ = received(int) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("收到停止信号，正在完成进行中的请求后退出");
    }
}

/// The next delivery of a signal (never, when its handler could not be
/// installed).
#[cfg(unix)]
async fn received(signal: Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(mut s) => {
            s.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
