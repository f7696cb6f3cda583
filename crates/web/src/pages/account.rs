//! Sign-in, sign-out, 我的账号 (the account and its own contact
//! telephone), password change and personal API tokens.

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kechuang_domain::ErrorCode;
use kechuang_store::{accounts, entities::api_token};
use serde::Deserialize;

use super::actions::FlashQuery;
use super::{fmt_time, render, render_status, PageCtx, PageResult};
use crate::auth::{cookie_value, safe_next, session_cookie, Caller, PageUser, SESSION_COOKIE};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageCtx,
    username: String,
    error: Option<String>,
    next: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// zh or en: the sign-in page's language (else the browser's).
    lang: Option<String>,
}

/// The sign-in page's language: the one asked for, else the browser's.
fn login_lang(asked: Option<&str>, h: &axum::http::HeaderMap) -> Lang {
    Lang::of(
        asked.unwrap_or(""),
        h.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    )
}

fn login_ctx(state: &AppState, lang: Lang) -> PageCtx {
    PageCtx::anonymous(state, lang.pick("登录", "Sign in")).lang(lang)
}

pub async fn login_form(
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
    h: axum::http::HeaderMap,
    caller: axum::Extension<Caller>,
) -> Response {
    let next = safe_next(q.next.as_deref().unwrap_or("/")).to_string();
    if caller.0 .0.is_some() {
        return Redirect::to(&next).into_response();
    }
    render(&LoginPage {
        page: login_ctx(&state, login_lang(q.lang.as_deref(), &h)),
        username: String::new(),
        error: None,
        next,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    /// The language the page was shown in.
    #[serde(default)]
    lang: String,
}

pub async fn login(
    State(state): State<AppState>,
    ci: ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let ip = crate::auth::client_ip(ci.0.ip(), forwarded, &state.trusted_proxies).to_string();
    let username = f.username.trim().to_string();
    let next = safe_next(&f.next).to_string();
    let lang = Lang::parse(&f.lang).unwrap_or_default();
    let fail = |status: StatusCode, msg: &str| {
        render_status(
            status,
            &LoginPage {
                page: login_ctx(&state, lang),
                username: username.clone(),
                error: Some(msg.into()),
                next: next.clone(),
            },
        )
    };
    if username.is_empty() || f.password.is_empty() {
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.pick(
                "请输入用户名和密码",
                "Please enter your user name and password",
            ),
        );
    }
    let failures = match accounts::failures(&state.db, &username, &ip).await {
        Ok(f) => f,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let minutes = accounts::FAILURE_WINDOW_MINUTES;
    if failures.locked() {
        return fail(
            StatusCode::TOO_MANY_REQUESTS,
            &match lang {
                Lang::Zh => format!("登录失败次数过多，请{minutes}分钟后再试"),
                Lang::En => {
                    format!("Too many failed attempts; please try again in {minutes} minutes")
                }
            },
        );
    }
    let user = match accounts::authenticate(&state.db, &username, &f.password).await {
        Ok(u) => u,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let _ = accounts::note_attempt(&state.db, &username, &ip, user.is_some()).await;
    let Some(user) = user else {
        // Warn before the lockout: the last two attempts say how many are left.
        let left = failures.left().saturating_sub(1);
        let msg = match (lang, left) {
            (Lang::Zh, 0) => format!(
                "用户名或密码不正确；该账号已被暂时锁定（最长{minutes}分钟），请稍后再试，或请管理员重置密码"
            ),
            (Lang::Zh, 1 | 2) => format!(
                "用户名或密码不正确；再输错{left}次，该账号将被暂时锁定（最长{minutes}分钟）"
            ),
            (Lang::En, 0) => format!(
                "The user name or password is not correct; this account is locked for up to {minutes} minutes; try again later or ask an administrator to reset the password"
            ),
            (Lang::En, 1 | 2) => format!(
                "The user name or password is not correct; {left} more wrong attempt(s) lock this account for up to {minutes} minutes"
            ),
            _ => lang
                .pick(
                    "用户名或密码不正确",
                    "The user name or password is not correct",
                )
                .to_string(),
        };
        return fail(StatusCode::UNAUTHORIZED, &msg);
    };
    match accounts::create_session(&state.db, &user.id).await {
        Ok((token, _)) => (
            StatusCode::SEE_OTHER,
            [
                (
                    header::SET_COOKIE,
                    session_cookie(&token, state.secure_cookies),
                ),
                (header::LOCATION, next),
            ],
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

pub async fn logout(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        let _ = accounts::end_session(&state.db, &token).await;
    }
    (
        StatusCode::SEE_OTHER,
        [
            (header::SET_COOKIE, session_cookie("", state.secure_cookies)),
            (header::LOCATION, "/login".to_string()),
        ],
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "account/profile.html")]
struct ProfilePage {
    page: PageCtx,
    /// (label, value) rows of what only an administrator changes.
    facts: Vec<(&'static str, String)>,
    phone: String,
    error: String,
}

/// 我的账号: who the account is, and its contact telephone form.
async fn profile_page(
    state: &AppState,
    p: &kechuang_store::Principal,
    status: StatusCode,
    typed: Option<(String, String)>,
    flash: Option<&str>,
) -> PageResult {
    let u = accounts::get_user(&state.db, &p.user_id).await?;
    let name_of = |table: &'static str, id: Option<String>| async move {
        let Some(id) = id else {
            return Ok::<_, ApiError>(String::new());
        };
        let names = kechuang_store::names::of(&state.db, table, vec![id.clone()]).await?;
        Ok(names.get(&id).cloned().unwrap_or_default())
    };
    let mut facts = vec![
        ("用户名", u.username.clone()),
        ("姓名", u.display_name.clone()),
        ("角色", p.role.label_zh().to_string()),
    ];
    let department = name_of("departments", u.department_id.clone()).await?;
    if !department.is_empty() {
        facts.push(("所属部门", department));
    }
    let org = name_of("orgs", u.org_id.clone()).await?;
    if !org.is_empty() {
        facts.push(("所属单位", org));
    }
    let (phone, error) = typed.unwrap_or((u.phone, String::new()));
    let page =
        PageCtx::new(state, p, "我的账号", "/account", &[("我的账号", "")]).flash_code(flash);
    Ok(render_status(
        status,
        &ProfilePage {
            page,
            facts,
            phone,
            error,
        },
    ))
}

pub async fn profile(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<FlashQuery>,
) -> PageResult {
    profile_page(&state, &p, StatusCode::OK, None, q.flash.as_deref()).await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    phone: String,
}

pub async fn save_profile(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<ProfileForm>,
) -> PageResult {
    match crate::service::users::set_own_phone(&state, &p, &f.phone).await {
        Ok(_) => Ok(Redirect::to("/account?flash=saved").into_response()),
        Err(e) => match e.details["fields"]["phone"].as_str() {
            Some(message) => {
                let (status, typed) = (e.status, Some((f.phone, message.to_string())));
                profile_page(&state, &p, status, typed, None).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    page: PageCtx,
    errors: Vec<(String, String)>,
}

impl PasswordPage {
    fn fields(&self) -> [(&'static str, &'static str, &'static str, &'static str); 3] {
        [
            ("current", "当前密码", "current-password", ""),
            (
                "new",
                "新密码",
                "new-password",
                "至少8位，且同时包含字母和数字。修改后其他设备上的登录将失效。",
            ),
            ("confirm", "确认新密码", "new-password", ""),
        ]
    }
    fn err(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }
}

pub async fn password_form(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<FlashQuery>,
) -> Response {
    let page = PageCtx::new(
        &state,
        &p,
        "修改密码",
        "/account/password",
        &[("修改密码", "")],
    )
    .flash_code(q.flash.as_deref());
    render(&PasswordPage {
        page,
        errors: vec![],
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<PasswordForm>,
) -> Response {
    let mut errors = vec![];
    if f.new != f.confirm {
        errors.push(("confirm".to_string(), "两次输入的新密码不一致".to_string()));
    } else if let Err(e) =
        accounts::change_password(&state.db, &p.user_id, &f.current, &f.new).await
    {
        let field = match &e {
            kechuang_store::StoreError::Rule {
                code: ErrorCode::WrongPassword,
                ..
            } => "current",
            _ => "new",
        };
        errors.push((field.to_string(), e.to_string()));
    }
    if errors.is_empty() {
        // The change ended every session; start a fresh one for this browser.
        return match accounts::create_session(&state.db, &p.user_id).await {
            Ok((token, _)) => (
                StatusCode::SEE_OTHER,
                [
                    (
                        header::SET_COOKIE,
                        session_cookie(&token, state.secure_cookies),
                    ),
                    (
                        header::LOCATION,
                        "/account/password?flash=password_changed".to_string(),
                    ),
                ],
            )
                .into_response(),
            Err(e) => ApiError::from(e).into_response(),
        };
    }
    let page = PageCtx::new(
        &state,
        &p,
        "修改密码",
        "/account/password",
        &[("修改密码", "")],
    );
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &PasswordPage { page, errors },
    )
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

impl From<api_token::Model> for TokenRow {
    fn from(t: api_token::Model) -> Self {
        TokenRow {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created: fmt_time(t.created_at),
            last_used: t
                .last_used_at
                .map(fmt_time)
                .unwrap_or_else(|| "从未使用".into()),
            revoked: t.revoked_at.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct TokensPage {
    page: PageCtx,
    tokens: Vec<TokenRow>,
    new_secret: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    p: &kechuang_store::Principal,
    new_secret: Option<String>,
    flash: Option<&str>,
) -> PageResult {
    let ts = accounts::list_tokens(&state.db, &p.user_id).await?;
    let mut page = PageCtx::new(state, p, "API 令牌", "/account/tokens", &[("API 令牌", "")]);
    if let Some(f) = flash {
        page = page.flash("success", f);
    }
    Ok(render(&TokensPage {
        page,
        tokens: ts.into_iter().map(TokenRow::from).collect(),
        new_secret,
    }))
}

pub async fn tokens(State(state): State<AppState>, PageUser(p): PageUser) -> PageResult {
    tokens_page(&state, &p, None, None).await
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    Form(f): Form<NewTokenForm>,
) -> PageResult {
    let name = if f.name.trim().is_empty() {
        "未命名令牌".to_string()
    } else {
        f.name.trim().to_string()
    };
    let (secret, _) = accounts::create_token(&state.db, &p.user_id, &name).await?;
    tokens_page(&state, &p, Some(secret), Some("令牌已创建，请立即复制保存")).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    PageUser(p): PageUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> PageResult {
    accounts::revoke_token(&state.db, &p.user_id, &id).await?;
    tokens_page(&state, &p, None, Some("令牌已吊销")).await
}

/// The account pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/account", get(profile).post(save_profile))
        .route(
            "/account/password",
            get(password_form).post(change_password),
        )
        .route("/account/tokens", get(tokens).post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}
