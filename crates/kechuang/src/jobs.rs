//! Timed work, run by every replica: at start-up and daily, SQLite's table
//! statistics and the standard case statistics (ahead of their first
//! reader) and the matchmaking sweep (needs past their deadline close);
//! every ten minutes the case sweep (automatic supervision,
//! due-soon warnings, closing unrated replies); and robot-webhook delivery
//! from the outbox. Each is safe to run concurrently on several replicas:
//! case changes are versioned updates, outbox rows are claimed with leases.

use std::time::Duration;

use kechuang_store::{accounts, cases, outbox, stats_cache, Db};
use serde_json::{json, Value};

/// The message body each robot expects (WeCom, DingTalk: markdown; Feishu: text).
pub fn payload(kind: &str, title: &str, body: &str, link: &str) -> Value {
    match kind {
        "wecom" => {
            json!({ "msgtype": "markdown", "markdown": { "content": format!("**{title}**\n{body}\n[查看详情]({link})") } })
        }
        "dingtalk" => {
            json!({ "msgtype": "markdown", "markdown": { "title": title, "text": format!("#### {title}\n{body}\n\n[查看详情]({link})") } })
        }
        _ => {
            json!({ "msg_type": "text", "content": { "text": format!("{title}\n{body}\n{link}") } })
        }
    }
}

/// Whether a robot accepted the message: HTTP 2xx and, when the body says,
/// `errcode == 0` (WeCom, DingTalk) or `code == 0` (Feishu).
fn accepted(status: reqwest::StatusCode, body: &str) -> Result<(), String> {
    if !status.is_success() {
        return Err(format!(
            "HTTP {status}: {}",
            body.chars().take(200).collect::<String>()
        ));
    }
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    match v
        .get("errcode")
        .or_else(|| v.get("code"))
        .and_then(Value::as_i64)
    {
        Some(0) | None => Ok(()),
        Some(code) => Err(format!(
            "robot refused ({code}): {}",
            v.get("errmsg")
                .or_else(|| v.get("msg"))
                .and_then(Value::as_str)
                .unwrap_or("")
        )),
    }
}

/// One delivery round: claim due messages, post them, record the outcome.
/// Returns (sent, failed attempts).
pub async fn deliver_once(
    db: &Db,
    client: &reqwest::Client,
    replica: &str,
    base_url: &str,
) -> kechuang_store::StoreResult<(usize, usize)> {
    let mut sent = 0;
    let mut failed = 0;
    for (m, hook) in outbox::claim(db, replica, 20).await? {
        let link = format!("{}{}", base_url.trim_end_matches('/'), m.link);
        let result = client
            .post(&hook.url)
            .json(&payload(&hook.kind, &m.title, &m.body, &link))
            .send()
            .await;
        let outcome = match result {
            Ok(res) => {
                let status = res.status();
                let body = res.text().await.unwrap_or_default();
                accepted(status, &body)
            }
            Err(e) => Err(e.to_string()),
        };
        match outcome {
            Ok(()) => {
                outbox::mark_sent(db, &m.id).await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(webhook = %hook.name, error = %e, "webhook delivery failed; will retry");
                outbox::mark_failed(db, &m, &e).await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// Start the background loops of this replica.
pub fn spawn(state: kechuang_web::AppState, base_url: String) {
    let db = state.db.clone();
    let sweep_db = db.clone();
    tokio::spawn(async move {
        let mut daily_done = None;
        loop {
            let today = cases::today();
            if daily_done != Some(today) {
                if let Err(e) = kechuang_store::db::analyze(&sweep_db).await {
                    tracing::warn!(error = %e, "refreshing table statistics failed");
                }
                match kechuang_store::matching::sweep::close_expired_needs(&sweep_db, today).await {
                    Ok(closed) if !closed.is_empty() => {
                        tracing::info!(closed = closed.len(), "expired needs closed")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "closing expired needs failed"),
                }
                match stats_cache::warm_standard(&sweep_db).await {
                    Ok(_) => daily_done = Some(today),
                    Err(e) => {
                        tracing::warn!(error = %e, "computing the standard statistics failed")
                    }
                }
                if let Err(e) = kechuang_web::service::cockpit::warm(&state).await {
                    tracing::warn!(error = %e.message, "computing the cockpit ahead failed");
                }
            }
            match cases::sweep(&sweep_db, today).await {
                Ok(s) if s.supervised + s.warned + s.closed_no_answer > 0 => {
                    tracing::info!(
                        supervised = s.supervised,
                        warned = s.warned,
                        closed_no_answer = s.closed_no_answer,
                        "case sweep"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "case sweep failed"),
            }
            let _ = accounts::purge_expired(&sweep_db).await;
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
    });
    tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        let replica = format!("{}-{}", std::process::id(), kechuang_store::new_id());
        loop {
            if let Err(e) = deliver_once(&db, &client, &replica, &base_url).await {
                tracing::warn!(error = %e, "webhook delivery round failed");
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_get_their_own_message_shapes() {
        assert_eq!(payload("wecom", "t", "b", "l")["msgtype"], "markdown");
        assert_eq!(payload("dingtalk", "t", "b", "l")["markdown"]["title"], "t");
        assert_eq!(
            payload("feishu", "t", "b", "l")["content"]["text"],
            "t\nb\nl"
        );
    }

    #[test]
    fn robot_error_codes_are_failures() {
        assert!(accepted(reqwest::StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(accepted(
            reqwest::StatusCode::OK,
            r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#
        )
        .is_err());
        assert!(accepted(
            reqwest::StatusCode::OK,
            r#"{"code":19001,"msg":"param invalid"}"#
        )
        .is_err());
        assert!(accepted(reqwest::StatusCode::INTERNAL_SERVER_ERROR, "").is_err());
        assert!(accepted(reqwest::StatusCode::OK, "ok").is_ok());
    }
}
