//! Starting the platform: connect (fail fast), migrate under a lock, seed the
//! work calendar, optionally load the demo dataset, then serve until SIGTERM.

use std::net::SocketAddr;

use anyhow::Context;
use kechuang_store::{accounts, calendar, Db};
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

/// Bind and serve in the background (tests use port 0).
pub async fn start(db: Db, bind: &str, secure_cookies: bool) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("无法监听 {bind}（端口被占用或地址无效）"))?;
    let addr = listener.local_addr()?;
    let app = kechuang_web::app(AppState::new(db.clone(), secure_cookies));
    let handle = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    });
    // Timed work: automatic supervision of overdue cases, closing replies
    // nobody rated, expired sessions. Every step is a versioned update, so
    // replicas running the same sweep cannot apply a change twice.
    let housekeeping_db = db.clone();
    tokio::spawn(async move {
        loop {
            match kechuang_store::cases::sweep(&housekeeping_db, kechuang_store::cases::today())
                .await
            {
                Ok(s) if s.supervised + s.closed_no_answer > 0 => {
                    tracing::info!(
                        supervised = s.supervised,
                        closed_no_answer = s.closed_no_answer,
                        "case sweep"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "case sweep failed"),
            }
            let _ = accounts::purge_expired(&housekeeping_db).await;
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        }
    });
    Ok(Running { addr, db, handle })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("收到停止信号，正在完成进行中的请求后退出");
}
