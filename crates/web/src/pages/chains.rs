//! Industrial chain pages: list with create, detail with nodes, members,
//! yearly output and growth, and the forms that maintain them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use kechuang_domain::auth::Permission;
use kechuang_domain::money::Money;
use kechuang_domain::org::{format_growth, ChainPosition};
use kechuang_domain::ErrorCode;
use kechuang_store::chains::ChainDetail;
use kechuang_store::{orgs, Principal, Scope};
use serde::Deserialize;

use super::actions::FlashQuery;
use super::{render, render_status, PageCtx, PageResult};
use crate::auth::{require, PageUser};
use crate::charts::{yi_yuan, Chart, Kind, TreeNode};
use crate::error::ApiError;
use crate::excel;
use crate::forms::{field_error, ChainDraft, FieldErrors};
use crate::service::chains as service;
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub struct ChainRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub nodes: u64,
    pub orgs: u64,
    pub latest: String,
    pub growth: String,
}

#[derive(Template)]
#[template(path = "chains/list.html")]
struct ListPage {
    page: PageCtx,
    rows: Vec<ChainRow>,
    draft: ChainDraft,
    errors: FieldErrors,
    can_write: bool,
}

impl ListPage {
    fn err(&self, f: &str) -> String {
        field_error(&self.errors, f)
    }
}

fn yi(fen: i64) -> String {
    Money::from_fen(fen).to_yi_yuan_string()
}

async fn list_page(
    st: &AppState,
    p: &Principal,
    status: StatusCode,
    draft: ChainDraft,
    errors: FieldErrors,
    flash: Option<&str>,
) -> PageResult {
    let list = service::list(st, p).await?;
    let rows = list
        .into_iter()
        .map(|c| ChainRow {
            latest: c
                .latest
                .as_ref()
                .map(|l| format!("{}年 {} 亿元", l.year, yi(l.output_fen)))
                .unwrap_or_else(|| "—".into()),
            growth: format_growth(c.latest.and_then(|l| l.growth_permille)),
            id: c.chain.id,
            name: c.chain.name,
            description: c.chain.description,
            nodes: c.nodes,
            orgs: c.orgs,
        })
        .collect();
    let page = PageCtx::new(st, p, "产业链", "/chains", &[("产业链", "")]).flash_code(flash);
    Ok(render_status(
        status,
        &ListPage {
            page,
            rows,
            draft,
            errors,
            can_write: p.can(Permission::ChainsWrite),
        },
    ))
}

pub async fn list(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    list_page(
        &st,
        &p,
        StatusCode::OK,
        ChainDraft::default(),
        vec![],
        f.flash.as_deref(),
    )
    .await
}

pub async fn create(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Form(d): Form<ChainDraft>,
) -> PageResult {
    match service::create(&st, &p, &d).await {
        Ok(c) => Ok(Redirect::to(&format!("/chains/{}?flash=created", c.id)).into_response()),
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT =>
        {
            let errors = match e
                .details
                .get("fields")
                .and_then(|f| f.get("name"))
                .and_then(|v| v.as_str())
            {
                Some(m) => vec![("name", m.to_string())],
                None => vec![("name", e.message)],
            };
            list_page(&st, &p, StatusCode::UNPROCESSABLE_ENTITY, d, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct NodeRow {
    pub id: String,
    pub name: String,
    pub indent: String,
}

pub struct MemberRow {
    pub org_id: String,
    pub org_name: String,
    pub position: String,
    pub node: String,
    pub outputs: Vec<String>,
    /// 落户日期 (2026年3月1日), empty when none.
    pub settled_on: String,
}

#[derive(Template)]
#[template(path = "chains/detail.html")]
struct DetailPage {
    page: PageCtx,
    d: ChainDetail,
    nodes: Vec<NodeRow>,
    years: Vec<i32>,
    members: Vec<MemberRow>,
    totals: Vec<(i32, String, String)>,
    orgs: Vec<(String, String)>,
    positions: Vec<(String, String)>,
    can_write: bool,
    this_year: i32,
    /// Firms settled onto the chain this year (1 January to today) and all time.
    settled_year: u64,
    settled_all: u64,
    year_from: String,
    today: String,
    /// The chain's party committees with their linked party organisations (when the caller may see them).
    committees: Vec<kechuang_store::party::network::PartyOrgSummary>,
    /// The chain map and the output by year.
    map: Chart,
    output: Chart,
    /// The chain committees' programmes of joint actions (party readers only).
    programmes: Option<crate::service::party::programmes::ChainProgrammesView>,
}

/// The chain map as a tree chart (the members' table holds the same firms).
pub(crate) fn map_chart(m: &service::ChainMap, id: &str, table: &str) -> Chart {
    fn node(n: &service::MapNode) -> TreeNode {
        TreeNode {
            name: n.name.clone(),
            kind: n.kind.clone(),
            href: n.href.clone(),
            marked: n.linked,
            children: n.children.iter().map(node).collect(),
        }
    }
    let title = if m.committees.is_empty() {
        format!("{}图谱（{}家企业）", m.name, m.firms)
    } else {
        format!(
            "{}图谱：{}家企业，{}家建有党组织，{}家与链上党委联结（红色）",
            m.name, m.firms, m.firms_with_party, m.firms_linked
        )
    };
    Chart::new(id, &title, Kind::Tree, "", table).tree(node(&m.root))
}

fn node_rows(d: &ChainDetail) -> Vec<NodeRow> {
    fn visit(parent: Option<&str>, depth: usize, d: &ChainDetail, out: &mut Vec<NodeRow>) {
        for n in d.nodes.iter().filter(|n| n.parent_id.as_deref() == parent) {
            out.push(NodeRow {
                id: n.id.clone(),
                name: n.name.clone(),
                indent: "　　".repeat(depth),
            });
            visit(Some(&n.id), depth + 1, d, out);
        }
    }
    let mut out = vec![];
    visit(None, 0, d, &mut out);
    out
}

pub async fn detail(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(f): Query<FlashQuery>,
) -> PageResult {
    let r: Result<DetailPage, ApiError> = async {
        let d = service::detail(&st, &p, &id).await?;
        let years = service::output_years(&d);
        let members = d
            .members
            .iter()
            .map(|m| MemberRow {
                org_id: m.link.org_id.clone(),
                org_name: m.org_name.clone(),
                position: ChainPosition::parse(&m.link.position)
                    .map(|x| x.label_zh().to_string())
                    .unwrap_or_default(),
                node: m.node_name.clone().unwrap_or_default(),
                outputs: years
                    .iter()
                    .map(|y| m.outputs.get(y).map(|&f| yi(f)).unwrap_or_default())
                    .collect(),
                settled_on: m
                    .link
                    .settled_on
                    .map(crate::format::fmt_date)
                    .unwrap_or_default(),
            })
            .collect();
        let totals = d
            .totals
            .iter()
            .map(|t| (t.year, yi(t.output_fen), format_growth(t.growth_permille)))
            .collect();
        let map = map_chart(
            &service::map_of(&st, &p, &d).await?,
            "chain-map",
            "chain-members",
        );
        let output = Chart::new(
            "chain-output",
            "全链年度产值（亿元）",
            Kind::Bar,
            "亿元",
            "chain-totals",
        )
        .categories(d.totals.iter().map(|t| format!("{}年", t.year)))
        .series("产值", d.totals.iter().map(|t| yi_yuan(Some(t.output_fen))));
        let committees = if p.can(Permission::PartyRead) {
            kechuang_store::party::network::on_chain(&st.db, &id).await?
        } else {
            vec![]
        };
        let year = service::SettledQuery::this_year();
        let count = |v: Vec<service::ChainSettledCount>| {
            v.into_iter()
                .find(|c| c.chain_id == id)
                .map_or(0, |c| c.settled)
        };
        let settled_year = count(service::settled_counts(&st, &p, &year).await?);
        let settled_all = count(service::settled_counts(&st, &p, &Default::default()).await?);
        let can_write = p.can(Permission::ChainsWrite);
        let orgs = if can_write {
            orgs::list_all(&st.db, &Scope::All, &Default::default(), 5000)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect()
        } else {
            vec![]
        };
        let page = PageCtx::new(
            &st,
            &p,
            &d.chain.name,
            "/chains",
            &[("产业链", "/chains"), (&d.chain.name, "")],
        )
        .flash_code(f.flash.as_deref());
        let programmes = crate::service::party::programmes::of_chain(&st, &p, &id).await?;
        Ok(DetailPage {
            page,
            programmes,
            committees,
            map,
            output,
            nodes: node_rows(&d),
            years,
            members,
            totals,
            orgs,
            positions: ChainPosition::ALL
                .iter()
                .map(|x| (x.as_str().to_string(), x.label_zh().to_string()))
                .collect(),
            can_write,
            this_year: chrono::Datelike::year(&chrono::Utc::now()),
            settled_year,
            settled_all,
            year_from: year.from.clone().unwrap_or_default(),
            today: year.to.clone().unwrap_or_default(),
            d,
        })
    }
    .await;
    let d = r?;
    Ok(render(&d))
}

fn back(id: &str, r: Result<(), ApiError>) -> PageResult {
    r?;
    Ok(Redirect::to(&format!("/chains/{id}?flash=saved")).into_response())
}

#[derive(Deserialize)]
pub struct NodeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_id: String,
}

pub async fn add_node(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<NodeForm>,
) -> PageResult {
    let parent = Some(f.parent_id.trim().to_string()).filter(|s| !s.is_empty());
    let r = service::add_node(&st, &p, &id, parent, &f.name, 0)
        .await
        .map(|_| ());
    back(&id, r)
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    node_id: String,
    #[serde(default)]
    position: String,
}

pub async fn set_member(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> PageResult {
    let node = Some(f.node_id.trim().to_string()).filter(|s| !s.is_empty());
    let r = service::set_member(&st, &p, &id, f.org_id.trim(), node, &f.position).await;
    back(&id, r)
}

#[derive(Deserialize)]
pub struct OutputForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    year: String,
    /// 万元
    #[serde(default)]
    output_wan: String,
}

pub async fn set_output(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<OutputForm>,
) -> PageResult {
    let r = async {
        require(&p, Permission::ChainsWrite)?;
        let year: i32 = f.year.trim().parse().map_err(|_| {
            ApiError::invalid(
                ErrorCode::InvalidInput,
                &[("year", "年份应为四位数字".into())],
            )
        })?;
        let yuan = Money::parse_yuan(f.output_wan.trim()).map_err(|e| {
            ApiError::invalid(
                ErrorCode::InvalidInput,
                &[("output_wan", format!("产值（万元）格式不正确：{e}"))],
            )
        })?;
        let fen = yuan.fen().checked_mul(10_000).ok_or_else(|| {
            ApiError::invalid(
                ErrorCode::InvalidInput,
                &[("output_wan", "产值过大".into())],
            )
        })?;
        service::set_output(&st, &p, &id, f.org_id.trim(), year, fen).await
    }
    .await;
    back(&id, r)
}

pub async fn export(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
) -> PageResult {
    let (name, b) = service::export_bytes(&st, &p, &id).await?;
    Ok(excel::xlsx_response(&format!("{name}.xlsx"), b))
}

#[derive(Template)]
#[template(path = "chains/settled.html")]
struct SettledPage {
    page: PageCtx,
    chain_id: String,
    chain_name: String,
    from: String,
    to: String,
    firms: Vec<service::ChainSettledFirm>,
}

/// GET /chains/{id}/settled?from&to: the firms behind a settled count.
pub async fn settled(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Query(q): Query<service::SettledQuery>,
) -> PageResult {
    let firms = service::settled_firms(&st, &p, &id, &q).await?;
    let c = kechuang_store::chains::get(&st.db, &id).await?;
    let page = PageCtx::new(
        &st,
        &p,
        &format!("{}·落户企业", c.name),
        "/chains",
        &[
            ("产业链", "/chains"),
            (&c.name, &format!("/chains/{id}")),
            ("落户企业", ""),
        ],
    );
    Ok(render(&SettledPage {
        page,
        chain_id: c.id,
        chain_name: c.name,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        firms,
    }))
}

/// POST /chains/{id}/settled: a member firm's settling day (empty clears it).
pub async fn set_settled(
    State(st): State<AppState>,
    PageUser(p): PageUser,
    Path(id): Path<String>,
    Form(f): Form<SettledForm>,
) -> PageResult {
    let d = crate::forms::alliances::ChainSettledDraft {
        settled_on: f.settled_on,
    };
    let r = service::set_settled(&st, &p, &id, f.org_id.trim(), &d).await;
    back(&id, r)
}

#[derive(Deserialize)]
pub struct SettledForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    settled_on: String,
}

/// The chains pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/chains", get(list).post(create))
        .route("/chains/{id}", get(detail))
        .route("/chains/{id}/nodes", post(add_node))
        .route("/chains/{id}/members", post(set_member))
        .route("/chains/{id}/outputs", post(set_output))
        .route("/chains/{id}/export.xlsx", get(export))
        .route("/chains/{id}/settled", get(settled).post(set_settled))
}
