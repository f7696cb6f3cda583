//! Timed work. SQLite's table statistics are refreshed at each start-up.
//! Work on the database is done once per period by whichever replica claims
//! it (`kechuang_store::jobs`): each Beijing day, the table statistics again
//! and the matchmaking sweep (needs past their deadline close); every ten-minute slot, the case sweep
//! (automatic supervision, due-soon warnings, closing unrated replies).
//! Every replica warms its own caches daily (the standard case statistics
//! and the cockpit, ahead of their first reader), and delivers robot
//! webhooks from the outbox, whose rows are claimed with leases so each
//! message is sent once.

use std::time::Duration;

use kechuang_store::{accounts, cases, jobs, outbox, stats_cache, Db};
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

/// Run `work` if this replica claims `job` for `period` (another replica
/// may have), and record its outcome. False when the claim could not be
/// made (the database did not answer): try again later.
async fn once<F, Fut>(db: &Db, job: &str, period: &str, replica: &str, work: F) -> bool
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    match jobs::claim(db, job, period, replica).await {
        Ok(true) => {
            let outcome = work().await;
            if let Err(e) = jobs::finish(db, job, period, &outcome).await {
                tracing::warn!(error = %e, job, "recording a job's outcome failed");
            }
            true
        }
        Ok(false) => {
            tracing::debug!(job, period, "claimed by another replica");
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, job, "claiming a job failed");
            false
        }
    }
}

/// The daily database work: SQLite's table statistics and closing the
/// needs past their deadline. What it did, in words. A part that fails is
/// said so here and done again the next day (nothing in it is urgent).
/// `fresh`: the statistics were refreshed at start-up a moment ago.
async fn daily(db: &Db, today: chrono::NaiveDate, fresh: bool) -> String {
    let mut done = Vec::new();
    let analyzed = if fresh {
        Ok(true)
    } else {
        kechuang_store::db::analyze(db).await
    };
    match analyzed {
        Ok(true) => done.push("统计信息已更新".to_string()),
        Ok(false) => {}
        Err(e) => {
            tracing::warn!(error = %e, "refreshing table statistics failed");
            done.push(format!("统计信息更新失败：{e}"));
        }
    }
    match kechuang_store::matching::sweep::close_expired_needs(db, today).await {
        Ok(closed) => done.push(format!("关闭过期需求 {} 项", closed.len())),
        Err(e) => {
            tracing::warn!(error = %e, "closing expired needs failed");
            done.push(format!("关闭过期需求失败：{e}"));
        }
    }
    done.join("；")
}

/// One ten-minute case sweep, expired sessions and old job rows removed.
async fn sweep(db: &Db, today: chrono::NaiveDate) -> String {
    let _ = accounts::purge_expired(db).await;
    let _ = jobs::purge_old(db).await;
    match cases::sweep(db, today).await {
        Ok(s) => {
            if s.supervised + s.warned + s.closed_no_answer > 0 {
                tracing::info!(
                    supervised = s.supervised,
                    warned = s.warned,
                    closed_no_answer = s.closed_no_answer,
                    "case sweep"
                );
            }
            format!(
                "督办 {}，临期提醒 {}，未评价关闭 {}",
                s.supervised, s.warned, s.closed_no_answer
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "case sweep failed");
            format!("失败：{e}")
        }
    }
}

/// Start the background loops of this replica.
pub fn spawn(state: kechuang_web::AppState, base_url: String) {
    let db = state.db.clone();
    let sweep_db = db.clone();
    let replica = format!("{}-{}", std::process::id(), kechuang_store::new_id());
    let sweeper = replica.clone();
    tokio::spawn(async move {
        // Fresh table statistics at start-up too (an import or an upgrade
        // may have come before), whoever does today's daily work.
        let mut fresh = match kechuang_store::db::analyze(&sweep_db).await {
            Ok(ran) => ran,
            Err(e) => {
                tracing::warn!(error = %e, "refreshing table statistics failed");
                false
            }
        };
        let (mut claimed, mut warmed) = (None, None);
        loop {
            let today = cases::today();
            // Work on the database: once a day, by whichever replica claims it.
            if claimed != Some(today)
                && once(&sweep_db, jobs::DAILY, &today.to_string(), &sweeper, || {
                    daily(&sweep_db, today, fresh)
                })
                .await
            {
                claimed = Some(today);
            }
            // This process's caches: every replica warms its own.
            if warmed != Some(today) {
                match stats_cache::warm_standard(&sweep_db).await {
                    Ok(_) => warmed = Some(today),
                    Err(e) => {
                        tracing::warn!(error = %e, "computing the standard statistics failed")
                    }
                }
                if let Err(e) = kechuang_web::service::cockpit::warm(&state).await {
                    tracing::warn!(error = %e.message, "computing the cockpit ahead failed");
                }
            }
            let now = kechuang_store::now();
            once(
                &sweep_db,
                jobs::CASE_SWEEP,
                &jobs::slot_period(now),
                &sweeper,
                || sweep(&sweep_db, today),
            )
            .await;
            fresh = false;
            // Every replica wakes at the next slot; one of them sweeps it.
            let next = jobs::slot_start(now) + jobs::SWEEP_EVERY;
            let wait = (next - kechuang_store::now()).to_std().unwrap_or_default();
            tokio::time::sleep(wait + Duration::from_millis(50)).await;
        }
    });
    tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
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
