//! The command line as an operator uses it: the real binary, a temporary SQLite database.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Dir(std::path::PathBuf);
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A folder of its own for each test: the tests run at once, and two that
/// shared one would share its database.
fn tempdir() -> Dir {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("kechuang-cli-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    Dir(d)
}

fn kechuang(dir: &Dir, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kechuang"));
    cmd.current_dir(&dir.0)
        .args(args)
        .env(
            "KECHUANG_DATABASE_URL",
            format!("sqlite://{}/kc.db", dir.0.display()),
        )
        .env_remove("KECHUANG_BIND")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[test]
fn user_token_reindex_audit_and_backup_commands() {
    let dir = tempdir();
    let out = kechuang(&dir, &["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // The password comes from standard input when it is not a terminal.
    let out = kechuang(
        &dir,
        &["user", "create", "--username", "ops", "--role", "admin"],
        Some("Str0ngPassw0rd\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = kechuang(
        &dir,
        &["user", "create", "--username", "weak", "--role", "admin"],
        Some("short\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("密码至少8位"));
    let out = kechuang(
        &dir,
        &["user", "create", "--username", "x", "--role", "boss"],
        Some("Str0ngPassw0rd\n"),
    );
    assert!(text(&out.stderr).contains("未知角色"));

    // `token create` prints the token and nothing else.
    let out = kechuang(&dir, &["token", "create", "--username", "ops"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let token = stdout.trim();
    assert_eq!(stdout.lines().count(), 1);
    assert!(token.starts_with("kc_") && token.len() == 67, "{stdout}");

    let out = kechuang(&dir, &["reindex"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已为 0 件诉求重建检索索引"));

    let out = kechuang(&dir, &["audit", "verify"], None);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("审计链完整"));

    let out = kechuang(&dir, &["backup", "--to", "copy.db"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.0.join("copy.db").metadata().unwrap().len() > 0);
    // Refuses to overwrite an existing file.
    let out = kechuang(&dir, &["backup", "--to", "copy.db"], None);
    assert!(!out.status.success());
}

#[test]
fn unreachable_database_fails_fast_with_a_clear_message() {
    let dir = tempdir();
    let started = Instant::now();
    let out = kechuang(
        &dir,
        &[
            "--database",
            "postgres://postgres@127.0.0.1:9/kechuang",
            "migrate",
        ],
        None,
    );
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("无法连接数据库") && !err.contains("panicked"),
        "{err}"
    );
    let out = kechuang(&dir, &["--database", "oracle://x", "migrate"], None);
    assert!(text(&out.stderr).contains("不支持的数据库地址"));
}

#[test]
fn help_is_bilingual() {
    let dir = tempdir();
    let out = kechuang(&dir, &["--help"], None);
    let help = text(&out.stdout);
    assert!(
        help.contains("启动服务") && help.contains("start the web server"),
        "{help}"
    );
}

#[test]
fn serve_starts_and_stops_on_sigterm() {
    let dir = tempdir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kechuang"))
        .current_dir(&dir.0)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env(
            "KECHUANG_DATABASE_URL",
            format!("sqlite://{}/kc.db", dir.0.display()),
        )
        .stdout(Stdio::piped())
        // Kept in a file, so a start that fails says why.
        .stderr(std::fs::File::create(dir.0.join("stderr.log")).unwrap())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    assert!(
        line.contains("科创服务平台已启动：http://127.0.0.1:"),
        "first line {line:?}, exit {:?}, stderr:\n{}",
        child.try_wait(),
        std::fs::read_to_string(dir.0.join("stderr.log")).unwrap_or_default()
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            assert!(s.success(), "graceful shutdown exits 0, got {s:?}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}
