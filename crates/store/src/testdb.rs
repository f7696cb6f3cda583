//! A fresh, migrated database for the store's own tests, through the
//! crate's `connect` and `migrate`. `KECHUANG_TEST_DATABASE_URL` picks the
//! backend as in `testkit`: unset, a new SQLite file in a temporary folder
//! (a file rather than `:memory:`, since the pool's connections and the
//! migration's own connection must see one database); a `postgres://…` or
//! `mysql://…` server URL, a new `kc_store_*` database on it.

use kechuang_domain::auth::Role;
use kechuang_domain::org::OrgKind;
use kechuang_domain::uscc::{self, Uscc};
use sea_orm::{ConnectionTrait, Database, Statement};

use crate::departments::{self, DepartmentInput};
use crate::orgs::{self, OrgInput};
use crate::{Db, Scope};

/// The database and the folder of an SQLite file (removed on drop).
pub struct TestDb {
    pub db: Db,
    dir: Option<std::path::PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// A fresh database with every migration applied.
pub async fn fresh() -> TestDb {
    let server = std::env::var("KECHUANG_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty());
    let (url, dir) = match server {
        None => {
            let dir = std::env::temp_dir().join(format!("kechuang-store-test-{}", unique()));
            (format!("sqlite://{}/kechuang.db", dir.display()), Some(dir))
        }
        Some(server) => {
            let name = format!("kc_store_{}", &unique()[20..]);
            let admin = Database::connect(&server)
                .await
                .expect("connect to the test server");
            let backend = admin.get_database_backend();
            let sql = match backend {
                sea_orm::DatabaseBackend::MySql => format!(
                    "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
                ),
                _ => format!("CREATE DATABASE {name}"),
            };
            admin
                .execute(Statement::from_string(backend, sql))
                .await
                .expect("create test database");
            let _ = admin.close().await;
            let (base, query) = match server.split_once('?') {
                Some((b, q)) => (b.to_string(), format!("?{q}")),
                None => (server.clone(), String::new()),
            };
            let prefix = &base[..base.rfind('/').expect("URL has a database path")];
            (format!("{prefix}/{name}{query}"), None)
        }
    };
    crate::db::migrate(&url).await.expect("migrate");
    let db = crate::connect(&url).await.expect("connect");
    TestDb { db, dir }
}

/// A valid credit code numbered `n`.
pub fn code(n: u32) -> Uscc {
    uscc::complete(&format!("91500100{n:09}")).expect("17 characters")
}

/// A department of the register.
pub async fn department(db: &Db, name: &str) -> String {
    departments::create(
        db,
        "test",
        DepartmentInput {
            name: name.into(),
            code: name.into(),
            parent_id: None,
            sort_order: 0,
            phone: String::new(),
            funding: false,
        },
    )
    .await
    .expect("department")
    .id
}

/// An organisation of the register with credit code `code(n)` (or none).
pub async fn org(db: &Db, name: &str, kind: OrgKind, n: Option<u32>) -> String {
    orgs::create(
        db,
        "test",
        OrgInput {
            name: name.into(),
            kind,
            uscc: n.map(code),
            legal_person: String::new(),
            contact_name: String::new(),
            contact_phone: String::new(),
            contact_email: String::new(),
            address: String::new(),
            tags: vec![],
            is_high_tech: false,
            is_tech_sme: false,
            is_specialized: false,
            department_id: None,
            founded_on: None,
            description: String::new(),
        },
    )
    .await
    .expect("org")
    .id
}

/// The scope a role gets, for tests that do not need the department tree.
pub fn scope_of(role: Role, department: Option<&str>, org: Option<&str>, user: &str) -> Scope {
    use kechuang_domain::auth::ScopeKind;
    match role.scope() {
        ScopeKind::All => Scope::All,
        ScopeKind::Department | ScopeKind::DepartmentTree => {
            Scope::Departments(department.iter().map(|d| d.to_string()).collect())
        }
        ScopeKind::OwnOrg => Scope::Org(org.map(str::to_string)),
        ScopeKind::SelfOnly => Scope::User(user.into()),
        ScopeKind::Served => Scope::Served(user.into()),
    }
}
