//! Connecting, migrating (under a cross-replica lock) and backing up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex as StdMutex, OnceLock};
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, ExecResult, QueryResult, Statement, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::migration::Migrator;

pub type Db = DatabaseConnection;

/// A transaction that will write. It is a [`ConnectionTrait`], so it is
/// passed as `&tx` wherever a connection is taken; end it with
/// [`WriteTx::commit`] (dropping it rolls back).
///
/// On SQLite every writer of a database file in this process first queues on
/// one async lock, held until the transaction ends: SQLite admits one writer
/// at a time anyway, and its own busy handler makes the others sleep and
/// poll (1, 2, 5, 10 … ms), which under concurrent intake costs far more
/// than the writes. Queued here, the next writer starts the moment the
/// previous one commits.
pub struct WriteTx {
    tx: DatabaseTransaction,
    db_key: String,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await?;
        bump_generation(&self.db_key);
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.tx.rollback().await
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTx {
    fn get_database_backend(&self) -> DatabaseBackend {
        self.tx.get_database_backend()
    }
    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.tx.execute(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.tx.execute_unprepared(sql).await
    }
    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.tx.query_one(stmt).await
    }
    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.tx.query_all(stmt).await
    }
}

/// Which database a pool opens (the file for SQLite, host, port and
/// database otherwise): the key of per-database caches in this process.
pub fn identity(db: &Db) -> String {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let o = db.get_sqlite_connection_pool().connect_options();
            format!("sqlite:{}", o.get_filename().display())
        }
        DatabaseBackend::Postgres => {
            let o = db.get_postgres_connection_pool().connect_options();
            let (h, p, d) = (o.get_host(), o.get_port(), o.get_database());
            format!("postgres:{h}:{p}/{}", d.unwrap_or_default())
        }
        DatabaseBackend::MySql => {
            let o = db.get_mysql_connection_pool().connect_options();
            let (h, p, d) = (o.get_host(), o.get_port(), o.get_database());
            format!("mysql:{h}:{p}/{}", d.unwrap_or_default())
        }
    }
}

fn generations() -> &'static StdMutex<HashMap<String, u64>> {
    static GENERATIONS: OnceLock<StdMutex<HashMap<String, u64>>> = OnceLock::new();
    GENERATIONS.get_or_init(Default::default)
}

fn bump_generation(db_key: &str) {
    let mut g = generations().lock().unwrap_or_else(|e| e.into_inner());
    *g.entry(db_key.to_string()).or_default() += 1;
}

/// How many write transactions this process has committed to a database:
/// a value that changes whenever the data may have (for caches of figures).
pub fn write_generation(db: &Db) -> u64 {
    let g = generations().lock().unwrap_or_else(|e| e.into_inner());
    g.get(&identity(db)).copied().unwrap_or(0)
}

/// The writers' queue of an SQLite database file (one per file, so tests
/// with databases of their own do not wait for each other).
fn sqlite_turns(db: &Db) -> Arc<Mutex<()>> {
    static TURNS: OnceLock<StdMutex<HashMap<String, Arc<Mutex<()>>>>> = OnceLock::new();
    let file = identity(db);
    let mut turns = TURNS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    turns.entry(file).or_default().clone()
}

/// Begin a transaction that will write. SQLite starts transactions as
/// readers and refuses ("database is locked") a reader that later tries to
/// write after another writer committed; so on SQLite the writer waits for
/// its turn (see [`WriteTx`]) and its first statement takes the write lock
/// (a no-op UPDATE), which only waits on writes made outside a `WriteTx`.
/// Other backends lock rows as they go.
pub async fn begin_write(db: &Db) -> Result<WriteTx, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(WriteTx {
            tx: db.begin().await?,
            db_key: identity(db),
            _turn: None,
        });
    }
    let turn = sqlite_turns(db).lock_owned().await;
    let tx = db.begin().await?;
    tx.execute(Statement::from_string(
        DatabaseBackend::Sqlite,
        "UPDATE case_seqs SET last = last WHERE 1 = 0",
    ))
    .await?;
    Ok(WriteTx {
        tx,
        db_key: identity(db),
        _turn: Some(turn),
    })
}

/// Refresh SQLite's table statistics (`ANALYZE`; about 1.5 s at a million
/// cases), by which it chooses indexes: without them it guesses, and a
/// search's few cases can lose to an index on their status. PostgreSQL and
/// MariaDB keep their own. Run by the jobs loop at start-up and daily.
/// True when it ran (SQLite).
pub async fn analyze(db: &Db) -> Result<bool, DbErr> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(false);
    }
    db.execute_unprepared("ANALYZE").await?;
    Ok(true)
}

/// Hide the password of a database URL for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// How SQLite makes a commit durable, chosen in the database address with
/// `?synchronous=normal` (the default) or `?synchronous=full`. With the
/// write-ahead log, NORMAL loses nothing when the process crashes but may
/// lose the last commits when the machine loses power; FULL waits for the
/// disk on every commit, so each acknowledged write survives a power cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    Normal,
    Full,
}

/// The durability a SQLite address asks for, and the address without that
/// parameter (which the driver does not know).
pub fn sqlite_durability(url: &str) -> Result<(String, Durability), String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), Durability::Normal));
    };
    let mut chosen = Durability::Normal;
    let mut kept = vec![];
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("synchronous", v)) => {
                chosen = match v.to_ascii_lowercase().as_str() {
                    "normal" => Durability::Normal,
                    "full" => Durability::Full,
                    _ => {
                        return Err(format!(
                            "数据库地址中的 synchronous={v} 无效：请写 synchronous=normal（默认，断电可能丢失最后几次提交）或 synchronous=full（每次提交都落盘）"
                        ))
                    }
                }
            }
            _ if pair.is_empty() => {}
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, chosen))
}

/// Open a connection pool. Fails fast (a few seconds) with a readable
/// message when the server is unreachable. For SQLite the file and its
/// folder are created, WAL mode, the durability chosen in the address
/// ([`Durability`]) and a busy timeout are set.
pub async fn connect(url: &str) -> Result<Db, String> {
    let (mut url, durability) = if url.starts_with("sqlite://") {
        sqlite_durability(url)?
    } else {
        (url.to_string(), Durability::Normal)
    };
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or_default();
        if file != ":memory:" && !file.is_empty() {
            if let Some(dir) = std::path::Path::new(file).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| format!("无法创建数据库目录 {}：{e}", dir.display()))?;
                }
            }
        }
        if !url.contains("mode=") {
            url.push_str(if url.contains('?') {
                "&mode=rwc"
            } else {
                "?mode=rwc"
            });
        }
    } else if !(url.starts_with("postgres://")
        || url.starts_with("postgresql://")
        || url.starts_with("mysql://"))
    {
        return Err(format!(
            "不支持的数据库地址 {}：请使用 sqlite://、postgres:// 或 mysql:// 开头的地址",
            redact_url(&url)
        ));
    }
    if let Some(addr) = server_address(&url) {
        // A quick TCP probe, so a server that is down is reported at once.
        let probe = tokio::time::timeout(
            Duration::from_secs(3),
            tokio::net::TcpStream::connect(addr.clone()),
        );
        match probe.await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                return Err(format!(
                    "无法连接数据库 {}（{addr}：{e}）。请检查数据库服务是否已启动、地址和端口是否正确。",
                    redact_url(&url)
                ))
            }
            Err(_) => {
                return Err(format!(
                    "无法连接数据库 {}（{addr} 无响应）。请检查数据库服务是否已启动、网络是否可达。",
                    redact_url(&url)
                ))
            }
        }
    }
    let mut opt = ConnectOptions::new(url.clone());
    opt.connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        .max_connections(if url.starts_with("sqlite") { 8 } else { 20 })
        // A file cannot drop its connection: no round trip to test it on
        // every checkout (a server connection is still tested).
        .test_before_acquire(!url.starts_with("sqlite"))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| {
            use sea_orm::sqlx::sqlite::SqliteSynchronous;
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(match durability {
                    Durability::Normal => SqliteSynchronous::Normal,
                    Durability::Full => SqliteSynchronous::Full,
                })
                .busy_timeout(Duration::from_secs(10))
        });
    let connecting = Database::connect(opt);
    match tokio::time::timeout(Duration::from_secs(8), connecting).await {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(e)) => Err(format!(
            "无法连接数据库 {}：{e}。请检查数据库服务是否已启动、地址和账号是否正确。",
            redact_url(&url)
        )),
        Err(_) => Err(format!(
            "无法连接数据库 {}：连接超时，请检查数据库服务是否已启动、网络是否可达。",
            redact_url(&url)
        )),
    }
}

/// `host:port` of a PostgreSQL or MySQL URL (None for SQLite or sockets).
fn server_address(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let default_port = match scheme {
        "postgres" | "postgresql" => 5432,
        "mysql" => 3306,
        _ => return None,
    };
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let host_port = rest.split(['/', '?']).next()?;
    if host_port.is_empty() {
        return None;
    }
    Some(if host_port.contains(':') && !host_port.ends_with(']') {
        host_port.to_string()
    } else {
        format!("{host_port}:{default_port}")
    })
}

const LOCK_KEY: i64 = 0x6b65_6368_7561_6e67; // "kechuang"

/// Apply pending migrations. On PostgreSQL and MySQL an advisory lock keeps
/// two replicas from migrating at once; SQLite serialises by itself.
pub async fn migrate(url: &str) -> Result<(), String> {
    // One connection, so the session-level lock and the migration share it.
    let db = connect_single(url).await?;
    let backend = db.get_database_backend();
    let lock = |sql: String| Statement::from_string(backend, sql);
    match backend {
        DatabaseBackend::Postgres => {
            db.execute(lock(format!("SELECT pg_advisory_lock({LOCK_KEY})")))
                .await
                .map_err(|e| e.to_string())?;
        }
        DatabaseBackend::MySql => {
            db.execute(lock("SELECT GET_LOCK('kechuang_migrate', 120)".into()))
                .await
                .map_err(|e| e.to_string())?;
        }
        DatabaseBackend::Sqlite => {}
    }
    let result = Migrator::up(&db, None)
        .await
        .map_err(|e| format!("数据库迁移失败：{e}"));
    match backend {
        DatabaseBackend::Postgres => {
            let _ = db
                .execute(lock(format!("SELECT pg_advisory_unlock({LOCK_KEY})")))
                .await;
        }
        DatabaseBackend::MySql => {
            let _ = db
                .execute(lock("SELECT RELEASE_LOCK('kechuang_migrate')".into()))
                .await;
        }
        DatabaseBackend::Sqlite => {}
    }
    let _ = db.close().await;
    result
}

async fn connect_single(url: &str) -> Result<Db, String> {
    // Reuse the checks and messages of `connect`, then narrow to one connection.
    let probe = connect(url).await?;
    let _ = probe.close().await;
    let mut opt = ConnectOptions::new(with_sqlite_mode(url));
    opt.max_connections(1)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(130))
        .sqlx_logging(false);
    Database::connect(opt).await.map_err(|e| e.to_string())
}

fn with_sqlite_mode(url: &str) -> String {
    let url = match sqlite_durability(url) {
        Ok((plain, _)) if url.starts_with("sqlite://") => plain,
        _ => url.to_string(),
    };
    if url.starts_with("sqlite://") && !url.contains("mode=") {
        format!("{url}{}mode=rwc", if url.contains('?') { "&" } else { "?" })
    } else {
        url
    }
}

/// Whether every known migration has been applied (for /readyz).
pub async fn migrations_current(db: &Db) -> Result<bool, String> {
    let pending = Migrator::get_pending_migrations(db)
        .await
        .map_err(|e| e.to_string())?;
    Ok(pending.is_empty())
}

/// A cheap round trip to the database (for /readyz).
pub async fn ping(db: &Db) -> bool {
    db.ping().await.is_ok()
}

/// Write a consistent copy of an SQLite database to `to` while it is in use
/// (`VACUUM INTO` reads one snapshot). Other backends have their own tools.
pub async fn backup(db: &Db, to: &std::path::Path) -> Result<(), String> {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            if to.exists() {
                return Err(format!("{} 已存在：请指定一个新文件", to.display()));
            }
            let path = to.to_string_lossy().replace('\'', "''");
            db.execute(Statement::from_string(
                DatabaseBackend::Sqlite,
                format!("VACUUM INTO '{path}'"),
            ))
            .await
            .map_err(|e| format!("备份失败：{e}"))?;
            Ok(())
        }
        DatabaseBackend::Postgres => Err(
            "PostgreSQL 请使用 pg_dump 备份（例如 pg_dump -Fc kechuang > kechuang.dump）".into(),
        ),
        DatabaseBackend::MySql => {
            Err("MySQL/MariaDB 请使用 mysqldump --single-transaction 备份".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_durability_is_read_from_the_address_and_left_out_of_it() {
        assert_eq!(
            sqlite_durability("sqlite://./d/k.db").unwrap(),
            ("sqlite://./d/k.db".to_string(), Durability::Normal)
        );
        assert_eq!(
            sqlite_durability("sqlite://./d/k.db?synchronous=FULL").unwrap(),
            ("sqlite://./d/k.db".to_string(), Durability::Full)
        );
        assert_eq!(
            sqlite_durability("sqlite://k.db?mode=rwc&synchronous=normal").unwrap(),
            ("sqlite://k.db?mode=rwc".to_string(), Durability::Normal)
        );
        let e = sqlite_durability("sqlite://k.db?synchronous=off").unwrap_err();
        assert!(e.contains("synchronous=full"), "{e}");
        assert_eq!(
            with_sqlite_mode("sqlite://k.db?synchronous=full"),
            "sqlite://k.db?mode=rwc"
        );
    }

    #[tokio::test]
    async fn a_full_durability_address_opens_with_every_commit_synced() {
        use sea_orm::{ConnectionTrait, Statement};
        let dir = std::env::temp_dir().join(format!("kc-sync-{}", crate::new_id()));
        let file = dir.join("k.db");
        for (param, level) in [("full", 2), ("normal", 1)] {
            let url = format!("sqlite://{}?synchronous={param}", file.display());
            let db = connect(&url).await.unwrap();
            let row = db
                .query_one(Statement::from_string(
                    db.get_database_backend(),
                    "PRAGMA synchronous",
                ))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.try_get_by_index::<i32>(0).unwrap(), level, "{param}");
            db.close().await.unwrap();
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    /// The bundled SQLite is built as `.cargo/config.toml` says: each
    /// connection with its own page cache, no global allocation counter
    /// (docs/BENCHMARKS.md, "Reads across cores"). A build outside this
    /// repository's cargo settings fails here.
    #[tokio::test]
    async fn sqlite_is_built_without_the_shared_page_cache() {
        use sea_orm::{ConnectionTrait, Statement};
        let dir = std::env::temp_dir().join(format!("kc-opts-{}", crate::new_id()));
        let db = connect(&format!("sqlite://{}", dir.join("k.db").display()))
            .await
            .unwrap();
        let used = |option: &str| {
            let sql = format!("SELECT sqlite_compileoption_used('{option}')");
            let db = &db;
            async move {
                db.query_one(Statement::from_string(DatabaseBackend::Sqlite, sql))
                    .await
                    .unwrap()
                    .unwrap()
                    .try_get_by_index::<i32>(0)
                    .unwrap()
            }
        };
        assert_eq!(used("ENABLE_MEMORY_MANAGEMENT").await, 0);
        assert_eq!(used("DEFAULT_MEMSTATUS=0").await, 1);
        assert_eq!(used("THREADSAFE=1").await, 1);
        db.close().await.unwrap();
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn server_address_and_redaction() {
        assert_eq!(
            server_address("postgres://u:p@db.local/k").as_deref(),
            Some("db.local:5432")
        );
        assert_eq!(
            server_address("mysql://root@127.0.0.1:3307/k?ssl-mode=disabled").as_deref(),
            Some("127.0.0.1:3307")
        );
        assert_eq!(server_address("sqlite://./data/k.db"), None);
        assert_eq!(
            redact_url("postgres://u:secret@h/k"),
            "postgres://u:***@h/k"
        );
        assert_eq!(redact_url("sqlite://./data/k.db"), "sqlite://./data/k.db");
    }
}
