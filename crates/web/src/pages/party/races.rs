//! Vanguard teams, races and their leaderboards, commendations.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use kechuang_domain::auth::Permission;
use kechuang_domain::party::DimensionSource;
use kechuang_store::entities::{honor, race, team};
use kechuang_store::party::network;
use kechuang_store::party::races::{self, Leaderboard};
use kechuang_store::Principal;

use crate::auth::{require, PageUser};
use crate::error::{ApiError, ApiResult};
use crate::excel::ImportProblem;
use crate::forms::party::races::{dimension_lines, RaceDraft, DEFAULT_DIMENSIONS};
use crate::pages::actions::{
    answer, done, draft, field, import_answer, FlashQuery, FormState, ImportPanel,
};
use crate::pages::{department_choices, fmt_date, render, PageCtx, PageResult};
use crate::service::party::races as service;
use crate::service::party::team_sheets as sheets;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/party/races", get(index))
        .route("/party/races/act/{action}", post(index_act))
        .route("/party/races/{id}", get(board))
        .route("/party/races/{id}/act/{action}", post(board_act))
        .route("/party/teams/export.xlsx", get(export_teams))
        .route("/party/teams/import", post(import_teams))
        .route("/party/teams/{id}", get(team_page))
        .route("/party/teams/{id}/act/{action}", post(team_act))
}

#[derive(Template)]
#[template(path = "party/races.html")]
struct IndexPage {
    page: PageCtx,
    teams: Vec<(team::Model, usize)>,
    races: Vec<race::Model>,
    honors: Vec<honor::Model>,
    departments: Vec<(String, String)>,
    /// The dimension table's rows as shown: posted back, else the
    /// committee's usual four and blank rows to add more.
    dimension_rows: Vec<(String, String, String)>,
    sources: Vec<(&'static str, &'static str)>,
    can_write: bool,
    today: String,
    fs: FormState,
    imp: ImportPanel,
}

/// The teams ledger's import panel.
const TEAM_IMPORT: (&str, &str, &str, &str) = (
    "import-teams",
    "/party/teams/import",
    "/api/v1/party/teams/import/template",
    "所在部门按名称或编码；队员按党员姓名，以“、”分隔，重名写成“姓名（所在党组织）”（导出即如此）。",
);

/// Rows in the race form's dimension table.
const DIMENSION_ROWS: usize = 6;

/// The dimension table's rows (`dim_name_N`, `dim_weight_N`, `dim_source_N`) by a field reader.
fn table_rows(value: impl Fn(&str) -> String) -> Vec<(String, String, String)> {
    (0..DIMENSION_ROWS)
        .map(|k| {
            let f = |part: &str| value(&format!("dim_{part}_{k}"));
            (f("name"), f("weight"), f("source"))
        })
        .collect()
}

impl IndexPage {
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
}

pub async fn index(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(index_page(&st, &p, FormState::default(), f.flash.as_deref()).await?)
}

async fn index_page(
    st: &AppState,
    p: &Principal,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    index_page_with(st, p, fs, vec![], flash).await
}

/// The page, with the import panel showing a refused import's bad cells.
async fn index_page_with(
    st: &AppState,
    p: &Principal,
    fs: FormState,
    problems: Vec<ImportProblem>,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let imp = ImportPanel::new(TEAM_IMPORT, &fs, problems);
    let teams = service::team_views(st, p)
        .await?
        .into_iter()
        .map(|t| {
            let n = t.member_ids.len();
            (t.team, n)
        })
        .collect();
    Ok(render(&IndexPage {
        page: PageCtx::new(
            st,
            p,
            "先锋队与赛马比拼",
            "/party/races",
            &[("党建引领", ""), ("先锋队与赛马比拼", "")],
        )
        .flash_code(flash),
        teams,
        races: races::races(&st.db).await?,
        honors: races::honors(&st.db).await?,
        departments: department_choices(st).await?,
        dimension_rows: if fs.is("race") {
            table_rows(|name| fs.val("race", name, ""))
        } else {
            let mut rows = dimension_lines(DEFAULT_DIMENSIONS);
            rows.resize(DIMENSION_ROWS, Default::default());
            rows
        },
        sources: DimensionSource::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        can_write: p.can(Permission::PartyWrite),
        today: crate::forms::transfer::today_text(),
        fs,
        imp,
    }))
}

/// GET /party/teams/export.xlsx: the teams ledger.
pub async fn export_teams(State(st): State<AppState>, PageUser(p): PageUser) -> PageResult {
    let b = sheets::export_bytes(&st, &p).await?;
    Ok(crate::excel::xlsx_response("先锋队.xlsx", b))
}

/// POST /party/teams/import (multipart; the CSRF token rides in the query).
pub async fn import_teams(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    mp: axum::extract::Multipart,
) -> PageResult {
    let r = async {
        let bytes = crate::excel::upload(mp).await?;
        sheets::import_bytes(&st, &p, &bytes).await
    }
    .await;
    import_answer(r, "/party/races", |fs, problems| {
        index_page_with(&st, &p, fs, problems, None)
    })
    .await
}

/// POST /party/races/act/{action}: team, race, honor.
pub async fn index_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(action): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r: ApiResult<String> = async {
        match action.as_str() {
            "team" => service::create_team(&st, &p, &draft(&pairs)?)
                .await
                .map(|m| format!("/party/teams/{}", m.id)),
            "race" => {
                let d = RaceDraft {
                    rows: table_rows(|name| field(&pairs, name).to_string()),
                    ..draft(&pairs)?
                };
                let m = service::create_race(&st, &p, &d).await?;
                Ok(format!("/party/races/{}", m.id))
            }
            "honor" => service::honor_action(&st, &p, &draft(&pairs)?)
                .await
                .map(|_| "/party/races".to_string()),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(r.map(|to| done(&to, "created")), &action, pairs, |fs| {
        index_page(&st, &p, fs, None)
    })
    .await
}

#[derive(Template)]
#[template(path = "party/race.html")]
struct BoardPage {
    page: PageCtx,
    b: Leaderboard,
    teams: Vec<team::Model>,
    can_write: bool,
    fs: FormState,
    chart: crate::charts::Chart,
}

impl BoardPage {
    fn tenths(&self, v: impl std::borrow::Borrow<u64>) -> String {
        let v = *v.borrow();
        format!("{}.{}", v / 10, v % 10)
    }
    fn score_at(&self, s: &kechuang_store::party::races::Standing, k: &usize) -> String {
        match s.scores.get(*k).copied().flatten() {
            Some(v) => self.tenths(v),
            None => "不计分".into(),
        }
    }
    fn source_label(&self, code: &str) -> String {
        DimensionSource::parse(code)
            .map(|s| s.label_zh().to_string())
            .unwrap_or_default()
    }
    fn change(&self, c: &Option<i64>) -> String {
        match c {
            Some(c) if *c > 0 => format!("↑{c}"),
            Some(c) if *c < 0 => format!("↓{}", -c),
            Some(_) => "—".into(),
            None => "新".into(),
        }
    }
    fn manual_dimensions(&self) -> Vec<(String, String)> {
        self.b
            .dimensions
            .iter()
            .filter(|d| d.source == DimensionSource::Manual.as_str())
            .map(|d| (d.id.clone(), d.name.clone()))
            .collect()
    }
    fn date(&self, d: impl std::borrow::Borrow<chrono::NaiveDate>) -> String {
        fmt_date(*d.borrow())
    }
}

pub async fn board(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(board_page(&st, &p, &id, FormState::default(), f.flash.as_deref()).await?)
}

async fn board_page(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    let b = service::board(st, p, id).await?;
    let title = b.race.name.clone();
    let chart = crate::charts::Chart::new(
        "race-chart",
        "总分排名",
        crate::charts::Kind::Hbar,
        "分",
        "leaderboard",
    )
    .categories(b.standings.iter().map(|s| s.team_name.clone()))
    .series(
        "总分",
        b.standings
            .iter()
            .map(|s| Some(s.total_tenths as f64 / 10.0)),
    )
    .height((b.standings.len() as u32 * 28).clamp(200, 900));
    Ok(render(&BoardPage {
        chart,
        page: PageCtx::new(
            st,
            p,
            &title,
            "/party/races",
            &[
                ("党建引领", ""),
                ("先锋队与赛马比拼", "/party/races"),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        b,
        teams: races::teams(&st.db).await?,
        can_write: p.can(Permission::PartyWrite),
        fs,
    }))
}

/// POST /party/races/{id}/act/{action}: score, close.
pub async fn board_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r: ApiResult<&str> = async {
        match action.as_str() {
            "score" => service::score(&st, &p, &draft(&pairs)?)
                .await
                .map(|_| "saved"),
            "close" => {
                require(&p, Permission::PartyWrite)?;
                let v = field(&pairs, "version").parse().unwrap_or(0);
                races::close_race(&st.db, &p.username, &id, v)
                    .await
                    .map(|_| "saved")
                    .map_err(Into::into)
            }
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        r.map(|flash| done(&format!("/party/races/{id}"), flash)),
        &action,
        pairs,
        |fs| board_page(&st, &p, &id, fs, None),
    )
    .await
}

#[derive(Template)]
#[template(path = "party/team.html")]
struct TeamPage {
    page: PageCtx,
    team: team::Model,
    members: Vec<(String, String, String)>,
    candidates: Vec<(String, String)>,
    can_write: bool,
    fs: FormState,
}

pub async fn team_page(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    Ok(team_render(&st, &p, &id, FormState::default(), f.flash.as_deref()).await?)
}

async fn team_render(
    st: &AppState,
    p: &Principal,
    id: &str,
    fs: FormState,
    flash: Option<&str>,
) -> ApiResult<Response> {
    require(p, Permission::PartyRead)?;
    let team = races::team(&st.db, id).await?;
    let ids = races::team_member_ids(&st.db, id).await?;
    let orgs: std::collections::HashMap<String, String> = network::all(&st.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let all = network::members_all(&st.db, &Default::default(), 5_000).await?;
    let members = all
        .iter()
        .filter(|m| ids.contains(&m.id))
        .map(|m| {
            (
                m.id.clone(),
                m.name.clone(),
                orgs.get(&m.party_org_id).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let candidates = all
        .iter()
        .filter(|m| {
            !ids.contains(&m.id)
                && kechuang_domain::party::MemberStage::parse(&m.stage)
                    .is_some_and(|s| s.is_member())
        })
        .map(|m| {
            (
                m.id.clone(),
                format!(
                    "{}（{}）",
                    m.name,
                    orgs.get(&m.party_org_id).cloned().unwrap_or_default()
                ),
            )
        })
        .collect();
    let title = team.name.clone();
    Ok(render(&TeamPage {
        page: PageCtx::new(
            st,
            p,
            &title,
            "/party/races",
            &[
                ("党建引领", ""),
                ("先锋队与赛马比拼", "/party/races"),
                (&title, ""),
            ],
        )
        .flash_code(flash),
        team,
        members,
        candidates,
        can_write: p.can(Permission::PartyWrite),
        fs,
    }))
}

/// POST /party/teams/{id}/act/{action}: add, remove.
pub async fn team_act(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path((id, action)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let r: ApiResult<&str> = async {
        require(&p, Permission::PartyWrite)?;
        let member = field(&pairs, "member_id");
        match action.as_str() {
            "add" => races::add_team_member(&st.db, &p.username, &id, member)
                .await
                .map(|_| "saved")
                .map_err(Into::into),
            "remove" => races::remove_team_member(&st.db, &p.username, &id, member)
                .await
                .map(|_| "deleted")
                .map_err(Into::into),
            _ => Err(ApiError::not_found()),
        }
    }
    .await;
    answer(
        r.map(|flash| done(&format!("/party/teams/{id}"), flash)),
        &action,
        pairs,
        |fs| team_render(&st, &p, &id, fs, None),
    )
    .await
}
