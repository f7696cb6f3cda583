//! Leads (撮合线索): a broker turns a match into a lead, moves it through
//! 初步接洽 → 需求确认 → 方案洽谈 → 签约 (or 关闭 with a reason), keeps its
//! next step and due date; reviewers supervise overdue ones; signing makes
//! the cooperation project (合作项目) and links the technology contract.
//! Also the cooperation projects and the figures (by stage, per broker).

use chrono::NaiveDate;
use kechuang_domain::auth::Permission;
use kechuang_domain::matching::LeadStage;
use kechuang_domain::ErrorCode;
use kechuang_store::entities::{cooperation_project, match_lead};
use kechuang_store::matching::leads::{self, LeadFilter, LeadRow};
use kechuang_store::matching::projects::{self, ProjectFilter, ProjectRow};
use kechuang_store::matching::{figures, Actor, Period};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::extract::{non_empty, opt_bool};
use crate::forms::matching::{LeadDraft, NextStepDraft, SignDraft, StageDraft, SuperviseDraft};
use crate::AppState;

/// A lead with its need and offer as the reader may see them.
#[derive(Serialize, ToSchema, Clone)]
pub struct LeadView {
    #[serde(flatten)]
    pub lead: match_lead::Model,
    pub stage_label: String,
    pub need_title: String,
    pub need_org_name: String,
    pub offer_title: String,
    pub holder_name: String,
    /// 下一步已超期
    pub overdue: bool,
}

pub fn lead_view(r: LeadRow) -> LeadView {
    LeadView {
        stage_label: LeadStage::parse(&r.lead.stage)
            .map(|s| s.label_zh().to_string())
            .unwrap_or_default(),
        need_title: r.need_title,
        need_org_name: r.need_org_name,
        offer_title: r.offer_title,
        holder_name: r.holder_name,
        overdue: r.overdue,
        lead: r.lead,
    }
}

/// Filters of the lead list.
#[derive(Debug, Default, Deserialize, IntoParams, Clone)]
#[into_params(parameter_in = Query)]
pub struct LeadListQuery {
    /// 阶段代码（contact/confirmed/negotiating/signed/closed）
    pub stage: Option<String>,
    /// true：进行中的；false：已签约或关闭的
    pub open: Option<String>,
    /// true：下一步已超期的
    pub overdue: Option<String>,
    /// true：只看本人负责的
    pub mine: Option<String>,
    pub need_id: Option<String>,
    pub offer_id: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl LeadListQuery {
    fn filter(&self, p: &Principal) -> ApiResult<LeadFilter> {
        let stage = match non_empty(&self.stage) {
            None => None,
            Some(s) => Some(LeadStage::parse(&s).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidQuery,
                    "阶段只能是 contact、confirmed、negotiating、signed 或 closed",
                )
            })?),
        };
        Ok(LeadFilter {
            broker_user_id: opt_bool("mine", &self.mine)?
                .filter(|m| *m)
                .map(|_| p.user_id.clone()),
            stage,
            open: opt_bool("open", &self.open)?,
            need_id: non_empty(&self.need_id),
            offer_id: non_empty(&self.offer_id),
            overdue_on: opt_bool("overdue", &self.overdue)?
                .filter(|o| *o)
                .map(|_| kechuang_store::clock::today()),
            supervised: None,
        })
    }
}

pub async fn list_leads(
    s: &AppState,
    p: &Principal,
    q: &LeadListQuery,
) -> ApiResult<Page<LeadView>> {
    require(p, Permission::MatchingRead)?;
    let page = leads::list(
        &s.db,
        &Actor::of(p),
        &q.filter(p)?,
        PageReq::new(q.page, q.per_page)?,
    )
    .await?;
    Ok(page.map(lead_view))
}

pub async fn lead(s: &AppState, p: &Principal, id: &str) -> ApiResult<LeadView> {
    require(p, Permission::MatchingRead)?;
    Ok(lead_view(leads::detail(&s.db, &Actor::of(p), id).await?))
}

pub async fn create_lead(s: &AppState, p: &Principal, d: &LeadDraft) -> ApiResult<LeadView> {
    require(p, Permission::MatchingBroker)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    let l = leads::create(&s.db, &Actor::of(p), input).await?;
    lead(s, p, &l.id).await
}

pub async fn advance(s: &AppState, p: &Principal, id: &str, d: &StageDraft) -> ApiResult<LeadView> {
    require(p, Permission::MatchingBroker)?;
    let (to, reason) = d.validate().map_err(ApiError::from_fields)?;
    if to == LeadStage::Signed {
        return Err(ApiError::invalid(
            ErrorCode::InvalidInput,
            &[(
                "stage",
                "签约请填写签约信息（签约日期、金额或关联技术合同）".to_string(),
            )],
        ));
    }
    leads::advance(&s.db, &Actor::of(p), id, d.version, to, &reason).await?;
    lead(s, p, id).await
}

pub async fn next_step(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &NextStepDraft,
) -> ApiResult<LeadView> {
    require(p, Permission::MatchingBroker)?;
    let (step, due) = d.validate().map_err(ApiError::from_fields)?;
    leads::set_next_step(&s.db, &Actor::of(p), id, d.version, &step, due).await?;
    lead(s, p, id).await
}

pub async fn supervise(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &SuperviseDraft,
) -> ApiResult<LeadView> {
    require(p, Permission::MatchingReview)?;
    let note = d.validate().map_err(ApiError::from_fields)?;
    let l = leads::supervise(&s.db, &Actor::of(p), id, d.version, &note).await?;
    if !l.broker_user_id.is_empty() {
        kechuang_store::cases::notify(
            &s.db,
            None,
            Some(l.broker_user_id.clone()),
            "撮合线索被督办".into(),
            format!("督办意见：{note}"),
            format!("/matching/leads/{id}"),
        )
        .await?;
    }
    lead(s, p, id).await
}

/// What signing made.
#[derive(Serialize, ToSchema)]
pub struct SignedView {
    pub lead: LeadView,
    pub project: cooperation_project::Model,
    /// 关联的技术合同 id
    pub contract_id: Option<String>,
}

pub async fn sign(s: &AppState, p: &Principal, id: &str, d: &SignDraft) -> ApiResult<SignedView> {
    require(p, Permission::MatchingBroker)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    let sg = leads::sign(&s.db, &Actor::of(p), id, d.version, input).await?;
    Ok(SignedView {
        lead: lead(s, p, id).await?,
        contract_id: sg.contract.map(|c| c.id),
        project: sg.project,
    })
}

/// A cooperation project with its names.
#[derive(Serialize, ToSchema, Clone)]
pub struct CooperationProjectView {
    #[serde(flatten)]
    pub project: cooperation_project::Model,
    pub enterprise_name: String,
    pub partner_name: Option<String>,
    pub chain_name: Option<String>,
}

fn project_view(r: ProjectRow) -> CooperationProjectView {
    CooperationProjectView {
        project: r.project,
        enterprise_name: r.enterprise_name,
        partner_name: r.partner_name,
        chain_name: r.chain_name,
    }
}

fn period(from: &Option<String>, to: &Option<String>) -> ApiResult<Period> {
    let d = |v: &Option<String>, what: &str| -> ApiResult<Option<NaiveDate>> {
        match non_empty(v) {
            None => Ok(None),
            Some(s) => crate::forms::parse_date(&s).map(Some).ok_or_else(|| {
                ApiError::bad_request(ErrorCode::InvalidQuery, format!("{what}请写成 2026-03-01"))
            }),
        }
    };
    Ok(Period {
        from: d(from, "起始日期")?,
        to: d(to, "截止日期")?,
    })
}

/// Filters of the cooperation projects and of the figures.
#[derive(Debug, Default, Deserialize, IntoParams, Clone)]
#[into_params(parameter_in = Query)]
pub struct ProjectListQuery {
    pub q: Option<String>,
    /// 签约日期自 YYYY-MM-DD
    pub from: Option<String>,
    /// 签约日期至 YYYY-MM-DD
    pub to: Option<String>,
    pub chain_id: Option<String>,
    /// 单位 id（需求方或供给方）
    pub org_id: Option<String>,
    /// true：只看由撮合线索签约的
    pub from_lead: Option<String>,
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

pub async fn list_projects(
    s: &AppState,
    p: &Principal,
    q: &ProjectListQuery,
) -> ApiResult<Page<CooperationProjectView>> {
    require(p, Permission::MatchingRead)?;
    let f = ProjectFilter {
        q: non_empty(&q.q),
        period: period(&q.from, &q.to)?,
        chain_id: non_empty(&q.chain_id),
        org_id: non_empty(&q.org_id),
        from_lead: opt_bool("from_lead", &q.from_lead)?,
    };
    let page = projects::list(&s.db, &Actor::of(p), &f, PageReq::new(q.page, q.per_page)?).await?;
    Ok(page.map(project_view))
}

/// A stage and its number of leads.
#[derive(Serialize, ToSchema)]
pub struct StageCount {
    pub stage: String,
    pub label: String,
    pub leads: u64,
}

/// A broker's figures in the period (a computed dimension for the races).
#[derive(Serialize, ToSchema)]
pub struct BrokerFiguresView {
    pub user_id: String,
    pub display_name: String,
    pub open: u64,
    pub overdue: u64,
    pub signed: u64,
    pub closed: u64,
    /// 签约金额（分）
    pub turnover_fen: i64,
}

/// Matchmaking in figures, each from the records.
#[derive(Serialize, ToSchema)]
pub struct MatchingFiguresView {
    pub by_stage: Vec<StageCount>,
    pub overdue: u64,
    pub signed: u64,
    pub turnover_fen: i64,
    /// 合作项目数（含直接登记的）
    pub projects: u64,
    pub projects_amount_fen: i64,
    pub offers_published: u64,
    pub needs_published: u64,
    pub brokers: Vec<BrokerFiguresView>,
}

pub async fn figures(
    s: &AppState,
    p: &Principal,
    from: &Option<String>,
    to: &Option<String>,
) -> ApiResult<MatchingFiguresView> {
    require(p, Permission::MatchingRead)?;
    let per = period(from, to)?;
    let today = kechuang_store::clock::today();
    let o = figures::overview(&s.db, per, today).await?;
    let b = if p.can(Permission::MatchingReview) || p.can(Permission::MatchingBroker) {
        figures::brokers(&s.db, per, today).await?
    } else {
        vec![]
    };
    Ok(MatchingFiguresView {
        by_stage: o
            .by_stage
            .into_iter()
            .map(|(st, n)| StageCount {
                stage: st.as_str().into(),
                label: st.label_zh().into(),
                leads: n,
            })
            .collect(),
        overdue: o.overdue,
        signed: o.signed,
        turnover_fen: o.turnover_fen,
        projects: o.projects,
        projects_amount_fen: o.projects_amount_fen,
        offers_published: o.offers_published,
        needs_published: o.needs_published,
        brokers: b
            .into_iter()
            .map(|x| BrokerFiguresView {
                user_id: x.user_id,
                display_name: x.display_name,
                open: x.open,
                overdue: x.overdue,
                signed: x.signed,
                closed: x.closed,
                turnover_fen: x.turnover_fen,
            })
            .collect(),
    })
}

/// The registered technology contracts a lead may be signed with: those of
/// the need's organisation or the offer's holder not linked to a lead yet,
/// newest first, as (id, "合同编号 · 名称 · 金额 · 签订日期").
pub async fn contract_choices(
    s: &AppState,
    p: &Principal,
    l: &match_lead::Model,
) -> ApiResult<Vec<(String, String)>> {
    require(p, Permission::MatchingBroker)?;
    let actor = Actor::of(p);
    let need = kechuang_store::matching::needs::get(&s.db, &actor, &l.need_id).await?;
    let offer = kechuang_store::matching::offers::get(&s.db, &actor, &l.offer_id).await?;
    let rows = kechuang_store::transfer::contracts::unlinked_of(
        &s.db,
        &[need.org_id, offer.holder_org_id],
        200,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let label = format!(
                "{} · {} · {} 元 · {}",
                c.contract_no,
                c.title,
                kechuang_domain::money::Money::from_fen(c.amount_fen),
                crate::format::fmt_date(c.signed_on)
            );
            (c.id, label)
        })
        .collect())
}
