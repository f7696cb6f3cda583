//! Accounts, password hashes (argon2id), server-side sessions, API tokens
//! and login throttling. Sessions and attempts live in the database so
//! every replica shares them.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::Duration;
use kechuang_domain::auth::Role;
use kechuang_domain::ErrorCode;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::entities::{api_token, login_attempt, session, user};
use crate::record;
use crate::scope::{self, Principal};
use crate::{new_id, now, Db, StoreError, StoreResult};

/// How long a browser session lives without being renewed.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed per account (and per address) in the window.
pub const MAX_FAILURES: u64 = 5;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random secret as 64 hex characters.
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// What is needed to create an account.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub department_id: Option<String>,
    pub org_id: Option<String>,
    /// The account's own contact telephone, checked by the caller (may be empty).
    pub phone: String,
}

pub async fn create_user(db: &Db, actor: &str, u: NewUser) -> StoreResult<user::Model> {
    let am = new_user_row(u)?;
    let tx = crate::db::begin_write(db).await?;
    let m = insert_user(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// Accounts (and whether each is active) from a checked import, in one transaction (passwords hashed
/// before the write begins). On the first refusal nothing is kept and the
/// refused row's index comes back.
pub async fn import_users(
    db: &Db,
    actor: &str,
    rows: Vec<(NewUser, bool)>,
) -> Result<usize, (usize, StoreError)> {
    let n = rows.len();
    let mut ams = Vec::with_capacity(n);
    for (k, (u, active)) in rows.into_iter().enumerate() {
        let mut am = new_user_row(u).map_err(|e| (k, e))?;
        am.active = Set(active);
        ams.push(am);
    }
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, StoreError::from(e)))?;
    for (k, am) in ams.into_iter().enumerate() {
        insert_user(&tx, actor, am).await.map_err(|e| (k, e))?;
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

async fn insert_user<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    am: user::ActiveModel,
) -> StoreResult<user::Model> {
    record::insert(tx, actor, am).await.map_err(|e| match e {
        StoreError::Conflict { .. } => StoreError::Conflict {
            code: ErrorCode::DuplicateUsername,
            message: "用户名已存在".into(),
        },
        other => other,
    })
}

/// A new account's row: the username and password checked, the password hashed.
fn new_user_row(u: NewUser) -> StoreResult<user::ActiveModel> {
    let username = u.username.trim().to_string();
    if username.is_empty() || username.chars().count() > 64 {
        return Err(StoreError::rule(
            ErrorCode::InvalidUsername,
            "用户名不能为空，且不超过64个字符",
        ));
    }
    if let Err(msg) = kechuang_domain::password::check_strength(&u.password) {
        return Err(StoreError::rule(ErrorCode::WeakPassword, msg));
    }
    let am = user::ActiveModel {
        username: Set(username.clone()),
        display_name: Set(if u.display_name.trim().is_empty() {
            username
        } else {
            u.display_name.trim().into()
        }),
        password_hash: Set(hash_password(&u.password)),
        role: Set(u.role.as_str().into()),
        department_id: Set(u.department_id),
        org_id: Set(u.org_id),
        phone: Set(u.phone.trim().into()),
        active: Set(true),
        ..Default::default()
    };
    Ok(am)
}

pub async fn find_user(db: &Db, username: &str) -> StoreResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?)
}

pub async fn list_users(db: &Db) -> StoreResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?)
}

/// Change a password after checking the current one.
pub async fn change_password(db: &Db, user_id: &str, current: &str, new: &str) -> StoreResult<()> {
    let u = get_user(db, user_id).await?;
    if !verify_password(&u.password_hash, current) {
        return Err(StoreError::rule(ErrorCode::WrongPassword, "当前密码不正确"));
    }
    let actor = u.username.clone();
    set_password(db, &actor, u, new, "change_password").await
}

/// The account's own contact telephone (checked by the caller), changed by
/// the account itself on 我的账号.
pub async fn set_phone(db: &Db, user_id: &str, phone: &str) -> StoreResult<user::Model> {
    let u = get_user(db, user_id).await?;
    let (actor, v) = (u.username.clone(), u.version);
    let phone = phone.trim().to_string();
    if u.phone == phone {
        return Ok(u); // nothing to change, nothing to audit
    }
    let tx = crate::db::begin_write(db).await?;
    let m = record::update(
        &tx,
        &actor,
        "set_phone",
        u,
        v,
        |am: &mut user::ActiveModel| am.phone = Set(phone),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// An administrator sets a new password.
pub async fn reset_password(db: &Db, actor: &str, id: &str, new: &str) -> StoreResult<()> {
    let u = get_user(db, id).await?;
    set_password(db, actor, u, new, "reset_password").await
}

/// Store a new password hash; every session of the account ends with the old password.
async fn set_password(
    db: &Db,
    actor: &str,
    u: user::Model,
    new: &str,
    action: &str,
) -> StoreResult<()> {
    if let Err(msg) = kechuang_domain::password::check_strength(new) {
        return Err(StoreError::rule(ErrorCode::WeakPassword, msg));
    }
    let hash = hash_password(new);
    let tx = crate::db::begin_write(db).await?;
    let id = u.id.clone();
    let v = u.version;
    record::update(&tx, actor, action, u, v, |am: &mut user::ActiveModel| {
        am.password_hash = Set(hash)
    })
    .await?;
    end_sessions(&tx, &id).await?;
    tx.commit().await?;
    Ok(())
}

async fn end_sessions<C: ConnectionTrait>(tx: &C, user_id: &str) -> StoreResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(tx)
        .await?;
    Ok(())
}

/// Build the principal for an active user.
pub async fn principal(
    db: &Db,
    u: user::Model,
    via_session: bool,
    csrf: String,
) -> StoreResult<Option<Principal>> {
    if !u.active {
        return Ok(None);
    }
    let Some(role) = Role::parse(&u.role) else {
        return Ok(None);
    };
    let (scope, department) = scope::resolve(db, &u, role).await?;
    let funding = role == Role::Admin || department.is_some_and(|d| d.funding);
    Ok(Some(Principal {
        user_id: u.id,
        username: u.username,
        display_name: u.display_name,
        role,
        department_id: u.department_id,
        org_id: u.org_id,
        scope,
        via_session,
        csrf,
        funding,
    }))
}

/// Failed sign-ins within the window: for this account and from this address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub by_user: u64,
    pub by_ip: u64,
}

impl Failures {
    /// Sign-in is refused (429) while either count is at its bound.
    pub fn locked(self) -> bool {
        self.by_user >= MAX_FAILURES || self.by_ip >= MAX_FAILURES * 4
    }
    /// Attempts the account has left before it is locked.
    pub fn left(self) -> u64 {
        MAX_FAILURES.saturating_sub(self.by_user)
    }
}

pub async fn failures(db: &Db, username: &str, ip: &str) -> StoreResult<Failures> {
    let since = now() - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let by_user = login_attempt::Entity::find()
        .filter(login_attempt::Column::Username.eq(username))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gt(since))
        .count(db)
        .await?;
    let by_ip = login_attempt::Entity::find()
        .filter(login_attempt::Column::Ip.eq(ip))
        .filter(login_attempt::Column::Success.eq(false))
        .filter(login_attempt::Column::At.gt(since))
        .count(db)
        .await?;
    Ok(Failures { by_user, by_ip })
}

pub async fn note_attempt(db: &Db, username: &str, ip: &str, success: bool) -> StoreResult<()> {
    if success {
        // A good sign-in clears the account's failure count.
        login_attempt::Entity::delete_many()
            .filter(login_attempt::Column::Username.eq(username))
            .exec(db)
            .await?;
        return Ok(());
    }
    login_attempt::Entity::insert(login_attempt::ActiveModel {
        id: Set(new_id()),
        username: Set(username.chars().take(64).collect()),
        ip: Set(ip.chars().take(64).collect()),
        success: Set(false),
        at: Set(now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Check a username and password. `None` for any mismatch (no hint which).
pub async fn authenticate(
    db: &Db,
    username: &str,
    password: &str,
) -> StoreResult<Option<user::Model>> {
    let u = find_user(db, username).await?;
    match u {
        Some(u) if u.active && verify_password(&u.password_hash, password) => Ok(Some(u)),
        Some(_) => Ok(None),
        None => {
            // Spend the same time as a real check, so timing does not reveal accounts.
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let _ = verify_password(
                DUMMY.get_or_init(|| hash_password("kechuang-dummy-1")),
                password,
            );
            Ok(None)
        }
    }
}

/// Start a session: returns (cookie token, csrf token). Only the token's
/// hash is stored.
pub async fn create_session(db: &Db, user_id: &str) -> StoreResult<(String, String)> {
    let token = random_secret();
    let csrf = random_secret();
    let t = now();
    session::Entity::insert(session::ActiveModel {
        id: Set(sha256_hex(&token)),
        user_id: Set(user_id.into()),
        csrf: Set(csrf.clone()),
        created_at: Set(t),
        expires_at: Set(t + Duration::hours(SESSION_HOURS)),
    })
    .exec_without_returning(db)
    .await?;
    Ok((token, csrf))
}

/// The live session for a cookie token, with its user.
pub async fn session_user(
    db: &Db,
    token: &str,
) -> StoreResult<Option<(session::Model, user::Model)>> {
    let Some(s) = session::Entity::find_by_id(sha256_hex(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if s.expires_at <= now() {
        session::Entity::delete_by_id(s.id).exec(db).await?;
        return Ok(None);
    }
    let u = user::Entity::find_by_id(s.user_id.clone()).one(db).await?;
    Ok(u.map(|u| (s, u)))
}

pub async fn end_session(db: &Db, token: &str) -> StoreResult<()> {
    session::Entity::delete_by_id(sha256_hex(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Remove expired sessions and old failed attempts (housekeeping).
pub async fn purge_expired<C: ConnectionTrait>(db: &C) -> StoreResult<u64> {
    let t = now();
    let s = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(t))
        .exec(db)
        .await?;
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::At.lte(t - Duration::days(1)))
        .exec(db)
        .await?;
    Ok(s.rows_affected)
}

/// Create an API token for a user; returns the secret (shown once) and its row.
pub async fn create_token(
    db: &Db,
    user_id: &str,
    name: &str,
) -> StoreResult<(String, api_token::Model)> {
    let secret = format!("kc_{}", random_secret());
    let m = api_token::ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id.into()),
        name: Set(name.chars().take(100).collect()),
        token_hash: Set(sha256_hex(&secret)),
        prefix: Set(secret.chars().take(10).collect()),
        created_at: Set(now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((secret, m))
}

/// The user behind a bearer token, if the token is live.
pub async fn token_user(db: &Db, secret: &str) -> StoreResult<Option<user::Model>> {
    let Some((t, u)) = api_token::Entity::find()
        .find_also_related(user::Entity)
        .filter(api_token::Column::TokenHash.eq(sha256_hex(secret)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if t.revoked_at.is_some() {
        return Ok(None);
    }
    // "Last used" to the minute: a busy integration does not turn every
    // request into a write.
    if t.last_used_at
        .is_none_or(|at| now() - at > Duration::minutes(1))
    {
        let mut am = t.into_active_model();
        am.last_used_at = Set(Some(now()));
        am.update(db).await?;
    }
    Ok(u)
}

pub async fn list_tokens(db: &Db, user_id: &str) -> StoreResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(db)
        .await?)
}

pub async fn revoke_token(db: &Db, user_id: &str, token_id: &str) -> StoreResult<()> {
    let t = api_token::Entity::find_by_id(token_id.to_string())
        .filter(api_token::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut am = t.into_active_model();
    am.revoked_at = Set(Some(now()));
    am.update(db).await?;
    Ok(())
}

/// What an administrator may change on an account.
#[derive(Clone, Debug)]
pub struct UserChanges {
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<String>,
    pub org_id: Option<String>,
    pub active: bool,
    /// `None` keeps the account's contact telephone.
    pub phone: Option<String>,
}

pub async fn get_user(db: &Db, id: &str) -> StoreResult<user::Model> {
    user::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Change an account (optimistic concurrency on `version`). Disabling an
/// account ends its sessions at once.
pub async fn update_user(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    c: UserChanges,
) -> StoreResult<user::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = user::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut user::ActiveModel| {
            am.display_name = Set(c.display_name);
            am.role = Set(c.role.as_str().into());
            am.department_id = Set(c.department_id);
            am.org_id = Set(c.org_id);
            am.active = Set(c.active);
            if let Some(phone) = c.phone {
                am.phone = Set(phone);
            }
        },
    )
    .await?;
    if !m.active {
        end_sessions(&tx, id).await?;
    }
    tx.commit().await?;
    Ok(m)
}
