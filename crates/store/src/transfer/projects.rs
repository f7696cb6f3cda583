//! Transfer projects (成果转化项目) and their stage gates: a project moves
//! 项目筛选 → 概念验证 → 成果转化 → 企业孵化 only by a gate decision taken
//! after an expert review; conflicted experts are excluded from the score;
//! moving back or skipping needs a recorded reason. The stage history gives
//! the time spent per stage; a project in incubation can found a firm.

use kechuang_domain::ErrorCode;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use kechuang_domain::transfer::{
    gate_outcome, review_result, ExpertScore, GateDecision, ProjectState, Stage,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;

use super::rule;
use crate::clock::today;
use crate::entities::{gate_review, org, project_stage, review_score, transfer_project};
use crate::orgs::require_org;
use crate::orgs::OrgInput;
use crate::{new_id, record, Db, Page, PageReq, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq)]
pub struct ProjectInput {
    pub title: String,
    pub field: String,
    pub chain_id: Option<String>,
    pub chain_node_id: Option<String>,
    pub holder_org_id: Option<String>,
    /// "姓名:占比%;…", validated by the caller.
    pub inventors: String,
    /// Patent numbers, comma separated.
    pub patents: String,
    pub trl: i32,
    pub manager: String,
    pub summary: String,
}

#[derive(Clone, Debug, Default)]
pub struct ProjectFilter {
    pub q: Option<String>,
    pub stage: Option<Stage>,
    pub state: Option<ProjectState>,
    pub field: Option<String>,
    pub chain_id: Option<String>,
}

fn filtered(f: &ProjectFilter) -> Select<transfer_project::Entity> {
    use transfer_project::Column as C;
    let mut q = transfer_project::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Title, t))
                .add(crate::like::contains(C::Inventors, t))
                .add(crate::like::contains(C::Patents, t))
                .add(crate::like::contains(C::Manager, t)),
        );
    }
    if let Some(s) = f.stage {
        q = q.filter(C::Stage.eq(s.as_str()));
    }
    if let Some(s) = f.state {
        q = q.filter(C::State.eq(s.as_str()));
    }
    if let Some(x) = f.field.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(C::Field.eq(x));
    }
    if let Some(c) = &f.chain_id {
        q = q.filter(C::ChainId.eq(c.clone()));
    }
    q.order_by_desc(C::UpdatedAt).order_by_asc(C::Id)
}

pub async fn list(
    db: &Db,
    f: &ProjectFilter,
    p: PageReq,
) -> StoreResult<Page<transfer_project::Model>> {
    let q = filtered(f);
    crate::page::fetch(db, q, p).await
}

pub async fn list_all(
    db: &Db,
    f: &ProjectFilter,
    cap: u64,
) -> StoreResult<Vec<transfer_project::Model>> {
    Ok(filtered(f).limit(cap).all(db).await?)
}

/// The distinct fields (领域) in use, for filters.
pub async fn fields(db: &Db) -> StoreResult<Vec<String>> {
    let mut v: Vec<String> = transfer_project::Entity::find()
        .select_only()
        .column(transfer_project::Column::Field)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    v.retain(|s| !s.is_empty());
    v.sort();
    Ok(v)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<transfer_project::Model> {
    transfer_project::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn apply(am: &mut transfer_project::ActiveModel, i: ProjectInput) {
    am.title = Set(i.title);
    am.field = Set(i.field);
    am.chain_id = Set(i.chain_id);
    am.chain_node_id = Set(i.chain_node_id);
    am.holder_org_id = Set(i.holder_org_id);
    am.inventors = Set(i.inventors);
    am.patents = Set(i.patents);
    am.trl = Set(i.trl);
    am.manager = Set(i.manager);
    am.summary = Set(i.summary);
}

async fn check_refs<C: ConnectionTrait>(db: &C, i: &ProjectInput) -> StoreResult<()> {
    if let Some(h) = &i.holder_org_id {
        require_org(db, h, "成果持有单位").await?;
    }
    if let Some(c) = &i.chain_id {
        crate::chains::get(db, c).await.map_err(|_| {
            StoreError::rule(ErrorCode::UnknownChain, "所属产业链不存在，请重新选择")
        })?;
    }
    if let Some(n) = &i.chain_node_id {
        let node = crate::entities::chain_node::Entity::find_by_id(n.clone())
            .one(db)
            .await?;
        if node.is_none_or(|node| Some(&node.chain_id) != i.chain_id.as_ref()) {
            return Err(StoreError::rule(
                ErrorCode::UnknownChain,
                "产业链环节不存在或不属于所选产业链，请重新选择",
            ));
        }
    }
    Ok(())
}

/// A new project enters screening (项目筛选) today.
pub async fn create(db: &Db, actor: &str, i: ProjectInput) -> StoreResult<transfer_project::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_refs(&tx, &i).await?;
    let on = today();
    let mut am = transfer_project::ActiveModel {
        stage: Set(Stage::Screening.as_str().into()),
        state: Set(ProjectState::Active.as_str().into()),
        stage_entered_on: Set(on),
        incubator_org_id: Set(None),
        firm_org_id: Set(None),
        incubated_on: Set(None),
        graduated_on: Set(None),
        ..Default::default()
    };
    apply(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    enter_stage(&tx, &m.id, Stage::Screening, on).await?;
    tx.commit().await?;
    Ok(m)
}

/// A ledger's project where it stands: its stage since a day, its state,
/// and, in incubation, the firm (already in the register), its incubator
/// and the days it entered and left. It enters the register at that stage
/// (one stay in the stage history, from that day; no gate review).
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectRecord {
    pub project: ProjectInput,
    pub stage: Stage,
    pub state: ProjectState,
    pub stage_entered_on: NaiveDate,
    pub firm_org_id: Option<String>,
    pub incubator_org_id: Option<String>,
    pub incubated_on: Option<NaiveDate>,
    pub graduated_on: Option<NaiveDate>,
}

impl ProjectRecord {
    /// Whether the record could have come about through the pages (the
    /// stage entered by `today`; a firm only in incubation, with its incubator and entry
    /// day; graduation after entry). Err: (field, why), the field one of
    /// stage_entered_on, firm_org_id, incubator_org_id, incubated_on, graduated_on.
    pub fn fits(&self, today: NaiveDate) -> Result<(), (&'static str, String)> {
        if self.stage_entered_on > today {
            return Err(("stage_entered_on", "日期不能晚于今天".into()));
        }
        let incubating = self.firm_org_id.is_some()
            || self.incubator_org_id.is_some()
            || self.incubated_on.is_some()
            || self.graduated_on.is_some();
        if incubating && self.stage != Stage::Incubation {
            return Err((
                "firm_org_id",
                "只有处于“企业孵化”阶段的项目才有孵化企业、孵化器和入孵、毕业日期".into(),
            ));
        }
        if incubating {
            if self.firm_org_id.is_none() {
                return Err(("firm_org_id", "请填写孵化企业（须已在单位名录中）".into()));
            }
            if self.incubator_org_id.is_none() {
                return Err(("incubator_org_id", "请填写孵化器".into()));
            }
            let Some(since) = self.incubated_on else {
                return Err(("incubated_on", "请填写入孵日期".into()));
            };
            if self.graduated_on.is_some_and(|g| g < since) {
                return Err(("graduated_on", "毕业日期不能早于入孵日期".into()));
            }
        }
        Ok(())
    }
}

/// Register a ledger's projects where each stands, all or nothing; each
/// checked as `create` checks it and by [`ProjectRecord::fits`]. Err
/// carries the index of the project.
pub async fn import(
    db: &Db,
    actor: &str,
    rows: Vec<ProjectRecord>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "transfer_projects").await?;
    let n = rows.len();
    for (k, r) in rows.into_iter().enumerate() {
        let at = |e: StoreError| (k, e);
        r.fits(today())
            .map_err(|(f, why)| at(StoreError::field(ErrorCode::ImportInvalid, f, why)))?;
        check_refs(&tx, &r.project).await.map_err(at)?;
        for (id, what) in [
            (&r.firm_org_id, "孵化企业"),
            (&r.incubator_org_id, "孵化器"),
        ] {
            if let Some(id) = id {
                require_org(&tx, id, what).await.map_err(at)?;
            }
        }
        let mut am = transfer_project::ActiveModel {
            stage: Set(r.stage.as_str().into()),
            state: Set(r.state.as_str().into()),
            stage_entered_on: Set(r.stage_entered_on),
            incubator_org_id: Set(r.incubator_org_id),
            firm_org_id: Set(r.firm_org_id),
            incubated_on: Set(r.incubated_on),
            graduated_on: Set(r.graduated_on),
            ..Default::default()
        };
        apply(&mut am, r.project);
        let m = record::insert(&tx, actor, am).await.map_err(at)?;
        let holder = match &m.holder_org_id {
            Some(h) => transfer_project::Column::HolderOrgId.eq(h.clone()),
            None => transfer_project::Column::HolderOrgId.is_null(),
        };
        let same = transfer_project::Entity::find()
            .filter(transfer_project::Column::Title.eq(m.title.clone()))
            .filter(holder)
            .count(&tx)
            .await
            .map_err(|e| at(e.into()))?;
        crate::imports::only_one(same, || format!("项目“{}”", m.title)).map_err(at)?;
        enter_stage(&tx, &m.id, r.stage, r.stage_entered_on)
            .await
            .map_err(at)?;
    }
    tx.commit().await.map_err(|e| (0, StoreError::from(e)))?;
    Ok(n)
}

pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ProjectInput,
) -> StoreResult<transfer_project::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_refs(&tx, &i).await?;
    let before = get(&tx, id).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| apply(am, i)).await?;
    tx.commit().await?;
    Ok(m)
}

async fn enter_stage<C: ConnectionTrait>(
    tx: &C,
    project_id: &str,
    stage: Stage,
    on: NaiveDate,
) -> StoreResult<()> {
    use project_stage::Column as C;
    project_stage::Entity::update_many()
        .col_expr(C::LeftOn, sea_orm::sea_query::Expr::value(on))
        .filter(C::ProjectId.eq(project_id))
        .filter(C::LeftOn.is_null())
        .exec(tx)
        .await?;
    project_stage::Entity::insert(project_stage::ActiveModel {
        id: Set(new_id()),
        project_id: Set(project_id.into()),
        stage: Set(stage.as_str().into()),
        entered_on: Set(on),
        left_on: Set(None),
    })
    .exec(tx)
    .await?;
    Ok(())
}

/// A criterion of a gate review and its weight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Criterion {
    pub name: String,
    pub weight: u32,
}

/// Parse "名称:权重;…" as stored.
pub fn parse_criteria(s: &str) -> Vec<Criterion> {
    s.split(';')
        .filter_map(|part| {
            let (name, w) = part.rsplit_once(':')?;
            Some(Criterion {
                name: name.trim().to_string(),
                weight: w.trim().parse().ok()?,
            })
        })
        .collect()
}

pub fn format_criteria(c: &[Criterion]) -> String {
    c.iter()
        .map(|c| format!("{}:{}", c.name, c.weight))
        .collect::<Vec<_>>()
        .join(";")
}

/// The criteria a new gate review gets unless the caller names others.
pub fn default_criteria() -> Vec<Criterion> {
    [
        ("技术先进性", 30),
        ("市场前景", 30),
        ("团队能力", 20),
        ("知识产权", 20),
    ]
    .into_iter()
    .map(|(n, w)| Criterion {
        name: n.into(),
        weight: w,
    })
    .collect()
}

fn not_stopped(p: &transfer_project::Model) -> StoreResult<()> {
    if p.state == ProjectState::Stopped.as_str() {
        return Err(StoreError::rule(
            ErrorCode::ProjectStopped,
            "项目已终止，不能再发起评审或决策",
        ));
    }
    Ok(())
}

/// Open the gate review of the project's current stage. One open review per project.
pub async fn open_review(
    db: &Db,
    actor: &str,
    project_id: &str,
    criteria: Vec<Criterion>,
) -> StoreResult<gate_review::Model> {
    if criteria.is_empty() || criteria.iter().any(|c| c.weight == 0 || c.name.is_empty()) {
        return Err(StoreError::rule(
            ErrorCode::NoCriteria,
            "请至少填写一项评审指标，每项指标须有名称和大于 0 的权重",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let p = get(&tx, project_id).await?;
    not_stopped(&p)?;
    let open = gate_review::Entity::find()
        .filter(gate_review::Column::ProjectId.eq(project_id))
        .filter(gate_review::Column::Status.eq("open"))
        .count(&tx)
        .await?;
    if open > 0 {
        return Err(StoreError::rule(
            ErrorCode::ReviewOpen,
            "该项目已有进行中的评审，请先完成决策",
        ));
    }
    let m = record::insert(
        &tx,
        actor,
        gate_review::ActiveModel {
            project_id: Set(project_id.into()),
            stage: Set(p.stage.clone()),
            criteria: Set(format_criteria(&criteria)),
            status: Set("open".into()),
            score_tenths: Set(None),
            decision: Set(String::new()),
            target_stage: Set(String::new()),
            reasons: Set(String::new()),
            override_reason: Set(String::new()),
            decided_by: Set(String::new()),
            decided_on: Set(None),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn get_review<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<gate_review::Model> {
    gate_review::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScoreInput {
    pub expert_name: String,
    pub expert_org: String,
    pub conflict: bool,
    pub conflict_note: String,
    pub scores: Vec<u32>,
    pub comment: String,
}

fn expert_scores(rows: &[review_score::Model]) -> Vec<ExpertScore> {
    rows.iter()
        .map(|s| ExpertScore {
            scores: s
                .scores
                .split(',')
                .filter_map(|x| x.trim().parse().ok())
                .collect(),
            conflict: s.conflict,
        })
        .collect()
}

/// Record one expert's scores on an open review and recompute its score.
/// A declared conflict of interest keeps the expert's scores out of it.
pub async fn add_score(
    db: &Db,
    actor: &str,
    review_id: &str,
    i: ScoreInput,
) -> StoreResult<review_score::Model> {
    let tx = crate::db::begin_write(db).await?;
    let review = get_review(&tx, review_id).await?;
    if review.status != "open" {
        return Err(StoreError::rule(
            ErrorCode::ReviewClosed,
            "评审已决策，不能再打分",
        ));
    }
    let weights: Vec<u32> = parse_criteria(&review.criteria)
        .iter()
        .map(|c| c.weight)
        .collect();
    if i.conflict && i.conflict_note.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::ConflictNoteRequired,
            "声明利益冲突时请说明冲突情形",
        ));
    }
    let one = ExpertScore {
        scores: i.scores.clone(),
        conflict: false,
    };
    let own = review_result(&weights, std::slice::from_ref(&one))
        .map_err(|e| rule(e.code(), e))?
        .map(|r| r.score_tenths as i32)
        .unwrap_or(0);
    let dup = review_score::Entity::find()
        .filter(review_score::Column::ReviewId.eq(review_id))
        .filter(review_score::Column::ExpertName.eq(i.expert_name.clone()))
        .count(&tx)
        .await?;
    if dup > 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::DuplicateExpert,
            message: format!("专家“{}”已在本次评审中打分", i.expert_name),
        });
    }
    let m = record::insert(
        &tx,
        actor,
        review_score::ActiveModel {
            review_id: Set(review_id.into()),
            expert_name: Set(i.expert_name),
            expert_org: Set(i.expert_org),
            conflict: Set(i.conflict),
            conflict_note: Set(i.conflict_note),
            scores: Set(i
                .scores
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")),
            score_tenths: Set(own),
            comment: Set(i.comment),
            ..Default::default()
        },
    )
    .await?;
    let all = review_score::Entity::find()
        .filter(review_score::Column::ReviewId.eq(review_id))
        .all(&tx)
        .await?;
    let score = review_result(&weights, &expert_scores(&all))
        .map_err(|e| rule(e.code(), e))?
        .map(|r| r.score_tenths as i32);
    let version = review.version;
    record::update(&tx, actor, "score", review, version, |am| {
        am.score_tenths = Set(score)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

#[derive(Clone, Debug, PartialEq)]
pub struct DecisionInput {
    pub decision: GateDecision,
    pub target: Option<Stage>,
    pub reasons: String,
    pub override_reason: String,
}

/// Take the gate decision on an open review at `version`: advance (to the
/// next stage, or skip / move back with an override reason), hold or stop.
/// Advancing needs a score from at least one expert without a conflict.
pub async fn decide(
    db: &Db,
    actor: &str,
    review_id: &str,
    version: i32,
    i: DecisionInput,
) -> StoreResult<transfer_project::Model> {
    if i.reasons.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::ReasonsRequired,
            "请填写决策理由",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let review = get_review(&tx, review_id).await?;
    if review.status != "open" {
        return Err(StoreError::rule(ErrorCode::ReviewClosed, "该评审已决策"));
    }
    let p = get(&tx, &review.project_id).await?;
    let current = Stage::parse(&p.stage).unwrap_or(Stage::Screening);
    let state = ProjectState::parse(&p.state).unwrap_or(ProjectState::Active);
    let (stage, new_state) = gate_outcome(current, state, i.decision, i.target, &i.override_reason)
        .map_err(|e| rule(e.code(), e))?;
    if i.decision == GateDecision::Advance && review.score_tenths.is_none() {
        return Err(StoreError::rule(
            ErrorCode::GateUnscored,
            "尚无无利益冲突专家的评分，不能通过阶段评审",
        ));
    }
    let on = today();
    let target = if stage != current {
        stage.as_str().to_string()
    } else {
        String::new()
    };
    record::update(&tx, actor, "decide", review, version, |am| {
        am.status = Set("decided".into());
        am.decision = Set(i.decision.as_str().into());
        am.target_stage = Set(target);
        am.reasons = Set(i.reasons.trim().into());
        am.override_reason = Set(i.override_reason.trim().into());
        am.decided_by = Set(actor.into());
        am.decided_on = Set(Some(on));
    })
    .await?;
    let pv = p.version;
    let action = match i.decision {
        GateDecision::Advance => "gate_advance",
        GateDecision::Hold => "gate_hold",
        GateDecision::Stop => "gate_stop",
    };
    let m = record::update(&tx, actor, action, p, pv, |am| {
        am.stage = Set(stage.as_str().into());
        am.state = Set(new_state.as_str().into());
        if stage != current {
            am.stage_entered_on = Set(on);
        }
    })
    .await?;
    if stage != current {
        enter_stage(&tx, &m.id, stage, on).await?;
    }
    tx.commit().await?;
    Ok(m)
}

/// Found the firm of a project in incubation: a new enterprise in the
/// register, with its incubator and entry date.
pub async fn found_firm(
    db: &Db,
    actor: &str,
    project_id: &str,
    version: i32,
    firm: OrgInput,
    incubator_org_id: &str,
    on: NaiveDate,
) -> StoreResult<(transfer_project::Model, org::Model)> {
    let tx = crate::db::begin_write(db).await?;
    let p = get(&tx, project_id).await?;
    if p.stage != Stage::Incubation.as_str() || p.state == ProjectState::Stopped.as_str() {
        return Err(StoreError::rule(
            ErrorCode::NotInIncubation,
            "只有处于“企业孵化”阶段的项目才能注册孵化企业",
        ));
    }
    if p.firm_org_id.is_some() {
        return Err(StoreError::rule(
            ErrorCode::FirmExists,
            "该项目已注册孵化企业",
        ));
    }
    require_org(&tx, incubator_org_id, "孵化器").await?;
    let org = crate::orgs::insert(&tx, actor, firm).await?;
    let firm_id = org.id.clone();
    let incubator = incubator_org_id.to_string();
    let m = record::update(&tx, actor, "found_firm", p, version, |am| {
        am.firm_org_id = Set(Some(firm_id));
        am.incubator_org_id = Set(Some(incubator));
        am.incubated_on = Set(Some(on));
    })
    .await?;
    tx.commit().await?;
    Ok((m, org))
}

/// The incubated firm leaves its incubator (毕业).
pub async fn graduate(
    db: &Db,
    actor: &str,
    project_id: &str,
    version: i32,
    on: NaiveDate,
) -> StoreResult<transfer_project::Model> {
    let tx = crate::db::begin_write(db).await?;
    let p = get(&tx, project_id).await?;
    let Some(since) = p.incubated_on else {
        return Err(StoreError::rule(
            ErrorCode::NoFirm,
            "项目尚未注册孵化企业，不能办理毕业",
        ));
    };
    if p.graduated_on.is_some() {
        return Err(StoreError::rule(
            ErrorCode::AlreadyGraduated,
            "该企业已毕业",
        ));
    }
    if on < since {
        return Err(StoreError::rule(
            ErrorCode::GraduateBeforeEntry,
            "毕业日期不能早于入孵日期",
        ));
    }
    let m = record::update(&tx, actor, "graduate", p, version, |am| {
        am.graduated_on = Set(Some(on))
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewDetail {
    pub review: gate_review::Model,
    pub criteria: Vec<Criterion>,
    pub scores: Vec<review_score::Model>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectDetail {
    pub project: transfer_project::Model,
    pub stages: Vec<project_stage::Model>,
    pub reviews: Vec<ReviewDetail>,
}

pub async fn detail(db: &Db, id: &str) -> StoreResult<ProjectDetail> {
    let project = get(db, id).await?;
    let stages = project_stage::Entity::find()
        .filter(project_stage::Column::ProjectId.eq(id))
        .order_by_asc(project_stage::Column::EnteredOn)
        .order_by_asc(project_stage::Column::Id)
        .all(db)
        .await?;
    let reviews = gate_review::Entity::find()
        .filter(gate_review::Column::ProjectId.eq(id))
        .order_by_asc(gate_review::Column::CreatedAt)
        .order_by_asc(gate_review::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<String> = reviews.iter().map(|r| r.id.clone()).collect();
    let mut scores = review_score::Entity::find()
        .filter(review_score::Column::ReviewId.is_in(ids))
        .order_by_asc(review_score::Column::CreatedAt)
        .order_by_asc(review_score::Column::Id)
        .all(db)
        .await?;
    let reviews = reviews
        .into_iter()
        .map(|r| {
            let (mine, rest) = scores.drain(..).partition(|s| s.review_id == r.id);
            scores = rest;
            ReviewDetail {
                criteria: parse_criteria(&r.criteria),
                review: r,
                scores: mine,
            }
        })
        .collect();
    Ok(ProjectDetail {
        project,
        stages,
        reviews,
    })
}

/// One stage of the pipeline (funnel).
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FunnelRow {
    pub stage: String,
    pub active: u64,
    pub on_hold: u64,
    pub stopped: u64,
    /// Projects that have ever entered this stage.
    pub entered: u64,
    /// Average days spent in the stage (finished stays, and open ones up to today).
    pub avg_days: Option<i64>,
}

/// Projects by stage and state, how many ever reached each stage, and the
/// average time spent in it, for the filtered projects.
pub async fn funnel(
    db: &Db,
    field: Option<&str>,
    chain_id: Option<&str>,
) -> StoreResult<Vec<FunnelRow>> {
    let f = ProjectFilter {
        field: field.map(String::from),
        chain_id: chain_id.map(String::from),
        ..Default::default()
    };
    let projects = filtered(&f).all(db).await?;
    let ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
    let mut stays: Vec<project_stage::Model> = vec![];
    for chunk in ids.chunks(500) {
        stays.extend(
            project_stage::Entity::find()
                .filter(project_stage::Column::ProjectId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    let now = today();
    let mut rows: BTreeMap<usize, FunnelRow> = Stage::ALL
        .iter()
        .map(|s| {
            (
                s.index(),
                FunnelRow {
                    stage: s.as_str().into(),
                    ..Default::default()
                },
            )
        })
        .collect();
    for p in &projects {
        if let Some(r) = Stage::parse(&p.stage).and_then(|s| rows.get_mut(&s.index())) {
            match ProjectState::parse(&p.state) {
                Some(ProjectState::OnHold) => r.on_hold += 1,
                Some(ProjectState::Stopped) => r.stopped += 1,
                _ => r.active += 1,
            }
        }
    }
    for s in Stage::ALL {
        let mine: Vec<&project_stage::Model> =
            stays.iter().filter(|x| x.stage == s.as_str()).collect();
        let r = rows.get_mut(&s.index()).expect("every stage has a row");
        let mut entered: Vec<&str> = mine.iter().map(|x| x.project_id.as_str()).collect();
        entered.sort_unstable();
        entered.dedup();
        r.entered = entered.len() as u64;
        if !mine.is_empty() {
            let total: i64 = mine
                .iter()
                .map(|x| (x.left_on.unwrap_or(now) - x.entered_on).num_days())
                .sum();
            r.avg_days = Some(total / mine.len() as i64);
        }
    }
    Ok(rows.into_values().collect())
}

/// Titles of the given projects.
pub async fn titles(
    db: &Db,
    ids: Vec<String>,
) -> StoreResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = transfer_project::Entity::find()
        .select_only()
        .column(transfer_project::Column::Id)
        .column(transfer_project::Column::Title)
        .filter(transfer_project::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
