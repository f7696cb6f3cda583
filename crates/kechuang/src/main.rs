//! `kechuang`: the one binary of the Kechuang platform.

use std::io::{IsTerminal, Read};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use kechuang::config::FileConfig;
use kechuang::{demo, server};
use kechuang_domain::auth::Role;
use kechuang_store::{accounts, audit};

#[derive(Parser)]
#[command(
    name = "kechuang",
    version,
    about = "科创服务平台 Kechuang — 党建引领科创服务平台 / service platform for science cities and high-tech zones"
)]
struct Cli {
    /// 数据库地址 / database URL: sqlite://…, postgres://…, mysql://…
    #[arg(long = "database", global = true, env = "KECHUANG_DATABASE_URL")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动服务 / start the web server
    Serve {
        /// 监听地址 / listen address [default: 127.0.0.1:8080]
        #[arg(long, env = "KECHUANG_BIND")]
        bind: Option<String>,
        /// 空库时载入演示数据 / load the demo dataset into an empty database
        #[arg(long)]
        demo: bool,
    },
    /// 执行数据库迁移 / apply database migrations
    Migrate,
    /// 账号管理 / accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// API 令牌 / API tokens
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// 备份数据库（服务运行时也可执行）/ consistent copy of the database while serving
    Backup {
        /// 备份文件 / target file
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// 重建诉求检索索引，并让各实例重建撮合匹配索引 / rebuild the case search index, and have every replica rebuild its matching index
    Reindex,
    /// 审计日志 / audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// 创建账号（终端中提示输入密码，否则从标准输入读取）/ create an account (password prompted on a terminal, read from stdin otherwise)
    Create {
        #[arg(long)]
        username: String,
        /// 角色 / role: admin, leader, department, task_force, party_worker, instructor, service_officer, broker, enterprise, talent
        #[arg(long)]
        role: String,
        /// 显示名 / display name
        #[arg(long)]
        display_name: Option<String>,
        /// 所属部门编码 / department code
        #[arg(long)]
        department: Option<String>,
        /// 所属单位的统一社会信用代码 / organisation's credit code (enterprise accounts)
        #[arg(long)]
        org_uscc: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// 创建 API 令牌，只在标准输出打印令牌 / create an API token; prints only the token
    Create {
        #[arg(long)]
        username: String,
        /// 令牌用途 / what the token is for
        #[arg(long, default_value = "命令行创建")]
        name: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 校验审计哈希链，报告第一处断链 / verify the hash chains, report the first broken link
    Verify,
}

fn init_logs() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("KECHUANG_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("KECHUANG_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("密码 / password: ")?;
        let again = rpassword::prompt_password("再次输入 / again: ")?;
        if p != again {
            bail!("两次输入的密码不一致");
        }
        Ok(p)
    } else {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Ok(s.lines().next().unwrap_or_default().to_string())
    }
}

#[tokio::main]
async fn main() {
    init_logs();
    if let Err(e) = run().await {
        eprintln!("错误 / error: {e:#}");
        std::process::exit(1);
    }
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let file = FileConfig::load()?;
    let url = file.database_url(cli.database);
    match cli.command {
        Command::Serve { bind, demo } => {
            let started = std::time::Instant::now();
            let db = server::open(&url).await?;
            if demo && demo::load(&db).await? {
                tracing::info!("已载入演示数据");
            }
            let public_url = std::env::var("KECHUANG_PUBLIC_URL")
                .ok()
                .or(file.public_url.clone());
            let metrics_token = std::env::var("KECHUANG_METRICS_TOKEN")
                .ok()
                .or(file.metrics_token.clone())
                .filter(|t| !t.trim().is_empty());
            let trusted_proxies =
                file.trusted_proxies(std::env::var("KECHUANG_TRUSTED_PROXIES").ok())?;
            let running = server::start_with(
                db,
                &file.bind(bind),
                file.secure_cookies.unwrap_or(false),
                public_url,
                metrics_token,
                trusted_proxies,
            )
            .await?;
            println!(
                "科创服务平台已启动：http://{}  （用时 {} ms，数据库 {}）",
                running.addr,
                started.elapsed().as_millis(),
                kechuang_store::db::redact_url(&url)
            );
            if demo {
                println!("演示账号（密码均为 {}）：", demo::DEMO_PASSWORD);
                for (u, name, role) in demo::ACCOUNTS {
                    println!("  {:<12} {:<8} {}", u, role.label_zh(), name);
                }
            }
            running.handle.await.context("服务异常退出")??;
        }
        Command::Migrate => {
            kechuang_store::db::migrate(&url)
                .await
                .map_err(anyhow::Error::msg)?;
            println!("数据库迁移完成");
        }
        Command::User {
            command:
                UserCommand::Create {
                    username,
                    role,
                    display_name,
                    department,
                    org_uscc,
                },
        } => {
            let Some(role) = Role::parse(&role) else {
                bail!(
                    "未知角色 {role}；可选：{}",
                    Role::ALL
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            let db = server::open(&url).await?;
            let department_id = match department {
                Some(code) => Some(
                    kechuang_store::departments::list(&db, &kechuang_store::Scope::All)
                        .await?
                        .into_iter()
                        .find(|d| d.code == code)
                        .with_context(|| format!("找不到编码为 {code} 的部门"))?
                        .id,
                ),
                None => None,
            };
            let org_id = match org_uscc {
                Some(code) => {
                    let filter = kechuang_store::orgs::OrgFilter {
                        q: Some(code.clone()),
                        ..Default::default()
                    };
                    let found = kechuang_store::orgs::list_all(
                        &db,
                        &kechuang_store::Scope::All,
                        &filter,
                        2,
                    )
                    .await?;
                    Some(
                        found
                            .into_iter()
                            .find(|o| o.uscc.as_deref() == Some(code.as_str()))
                            .with_context(|| format!("找不到信用代码为 {code} 的单位"))?
                            .id,
                    )
                }
                None => None,
            };
            let password = read_password()?;
            let u = accounts::create_user(
                &db,
                "cli",
                accounts::NewUser {
                    display_name: display_name.unwrap_or_else(|| username.clone()),
                    username,
                    password,
                    role,
                    department_id,
                    org_id,
                    phone: String::new(),
                },
            )
            .await?;
            println!("已创建账号 {}（{}）", u.username, role.label_zh());
        }
        Command::Token {
            command: TokenCommand::Create { username, name },
        } => {
            let db = server::open(&url).await?;
            let u = accounts::find_user(&db, &username)
                .await?
                .with_context(|| format!("账号 {username} 不存在"))?;
            let (secret, _) = accounts::create_token(&db, &u.id, &name).await?;
            println!("{secret}");
        }
        Command::Backup { to } => {
            let db = kechuang_store::connect(&url)
                .await
                .map_err(anyhow::Error::msg)?;
            kechuang_store::db::backup(&db, &to)
                .await
                .map_err(anyhow::Error::msg)?;
            println!("已备份到 {}", to.display());
        }
        Command::Reindex => {
            let db = kechuang_store::connect(&url)
                .await
                .map_err(anyhow::Error::msg)?;
            let n = kechuang_store::search::backfill(&db).await?;
            println!("已为 {n} 件诉求重建检索索引");
            kechuang_store::matching::changes::request_rebuild(&db).await?;
            println!("已通知各实例重建撮合匹配索引（下一次匹配查询时完成）");
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let db = kechuang_store::connect(&url)
                .await
                .map_err(anyhow::Error::msg)?;
            let report = audit::verify(&db).await?;
            if report.problems.is_empty() {
                println!(
                    "审计链完整：{} 个记录，{} 条审计记录",
                    report.records, report.entries
                );
            } else {
                println!(
                    "审计链已损坏，共 {} 处问题。第一处断链：{}",
                    report.problems.len(),
                    report.problems[0]
                );
                for p in report.problems.iter().skip(1).take(20) {
                    println!("  {p}");
                }
                std::process::exit(2);
            }
        }
    }
    Ok(())
}
