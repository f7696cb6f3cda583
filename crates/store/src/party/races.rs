//! Vanguard teams (先锋队), horse races (赛马比拼) and commendations (表彰).
//! A race has a period and weighted dimensions; each dimension is either a
//! figure computed from the records (the team department's cases, the team
//! members' commitments) or a score entered with evidence. The leaderboard
//! is computed on every read, with the change of rank since the previous race.

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use chrono::NaiveDate;
use kechuang_domain::party::{
    dimension_scores, ranks, share_permille, weighted_total, DimensionSource,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;

use crate::cases::{self, CaseFilter, GroupBy};
use crate::entities::{honor, race, race_dimension, race_score, team, team_member};
use crate::{record, Db, Scope, StoreError, StoreResult};

// ---- teams ----

#[derive(Clone, Debug, PartialEq)]
pub struct TeamInput {
    pub name: String,
    pub slogan: String,
    pub department_id: Option<String>,
    pub leader: String,
}

pub async fn teams<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<team::Model>> {
    Ok(team::Entity::find()
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?)
}

pub async fn team<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<team::Model> {
    team::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

fn apply_team(am: &mut team::ActiveModel, i: TeamInput) {
    am.name = Set(i.name.trim().into());
    am.slogan = Set(i.slogan);
    am.department_id = Set(i.department_id);
    am.leader = Set(i.leader);
}

/// A team's department, when it names one, must exist.
async fn check_department<C: ConnectionTrait>(db: &C, id: &Option<String>) -> StoreResult<()> {
    if let Some(d) = id {
        crate::entities::department::Entity::find_by_id(d.clone())
            .one(db)
            .await?
            .ok_or_else(|| StoreError::rule(ErrorCode::UnknownDepartment, "所在部门不存在"))?;
    }
    Ok(())
}

pub async fn create_team(db: &Db, actor: &str, i: TeamInput) -> StoreResult<team::Model> {
    if i.name.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::NameRequired,
            "请填写先锋队名称",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    check_department(&tx, &i.department_id).await?;
    let mut am = team::ActiveModel::default();
    apply_team(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update_team(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: TeamInput,
) -> StoreResult<team::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_department(&tx, &i.department_id).await?;
    let before = team(&tx, id).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_team(am, i)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn team_member_ids<C: ConnectionTrait>(
    db: &C,
    team_id: &str,
) -> StoreResult<Vec<String>> {
    Ok(team_member::Entity::find()
        .filter(team_member::Column::TeamId.eq(team_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.member_id)
        .collect())
}

pub async fn add_team_member(
    db: &Db,
    actor: &str,
    team_id: &str,
    member_id: &str,
) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    team(&tx, team_id).await?;
    super::network::member(&tx, member_id).await?;
    record::insert(
        &tx,
        actor,
        team_member::ActiveModel {
            team_id: Set(team_id.into()),
            member_id: Set(member_id.into()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateMember,
            message: "该党员已在先锋队中".into(),
        },
        other => other,
    })?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_team_member(
    db: &Db,
    actor: &str,
    team_id: &str,
    member_id: &str,
) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let m = team_member::Entity::find()
        .filter(team_member::Column::TeamId.eq(team_id))
        .filter(team_member::Column::MemberId.eq(member_id))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let v = m.version;
    record::delete(&tx, actor, m, v).await?;
    tx.commit().await?;
    Ok(())
}

/// A ledger's team with its members.
#[derive(Clone, Debug)]
pub struct TeamImport {
    pub team: TeamInput,
    pub member_ids: Vec<String>,
}

/// Register a ledger's teams with their members, all or nothing; each
/// department and member must exist (checked here, in the transaction).
/// Err carries the index of the team.
pub async fn import_teams(
    db: &Db,
    actor: &str,
    rows: Vec<TeamImport>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "teams").await?;
    let n = rows.len();
    for (k, r) in rows.into_iter().enumerate() {
        let at = |e: StoreError| (k, e);
        check_department(&tx, &r.team.department_id)
            .await
            .map_err(at)?;
        let mut am = team::ActiveModel::default();
        apply_team(&mut am, r.team);
        let t = record::insert(&tx, actor, am).await.map_err(at)?;
        let same = team::Entity::find()
            .filter(team::Column::Name.eq(t.name.clone()))
            .count(&tx)
            .await
            .map_err(|e| at(e.into()))?;
        crate::imports::only_one(same, || format!("先锋队“{}”", t.name)).map_err(at)?;
        for m in r.member_ids {
            super::network::member(&tx, &m).await.map_err(|e| {
                at(match e {
                    StoreError::NotFound => {
                        StoreError::rule(ErrorCode::UnknownMember, "党员不存在")
                    }
                    e => e,
                })
            })?;
            record::insert(
                &tx,
                actor,
                team_member::ActiveModel {
                    team_id: Set(t.id.clone()),
                    member_id: Set(m),
                    ..Default::default()
                },
            )
            .await
            .map_err(at)?;
        }
    }
    tx.commit().await.map_err(|e| (0, StoreError::from(e)))?;
    Ok(n)
}

/// The members of every team, by team id.
pub async fn members_by_team<C: ConnectionTrait>(
    db: &C,
) -> StoreResult<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for m in team_member::Entity::find().all(db).await? {
        out.entry(m.team_id).or_default().push(m.member_id);
    }
    Ok(out)
}

// ---- races ----

#[derive(Clone, Debug, PartialEq)]
pub struct DimensionInput {
    pub name: String,
    pub weight: u32,
    pub source: DimensionSource,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RaceInput {
    pub name: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub previous_race_id: Option<String>,
    pub dimensions: Vec<DimensionInput>,
}

pub async fn races<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<race::Model>> {
    Ok(race::Entity::find()
        .order_by_desc(race::Column::PeriodFrom)
        .all(db)
        .await?)
}

pub async fn race<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<race::Model> {
    race::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn dimensions<C: ConnectionTrait>(
    db: &C,
    race_id: &str,
) -> StoreResult<Vec<race_dimension::Model>> {
    Ok(race_dimension::Entity::find()
        .filter(race_dimension::Column::RaceId.eq(race_id))
        .order_by_asc(race_dimension::Column::SortOrder)
        .all(db)
        .await?)
}

/// Define a race with its dimensions (比服务 / 比效能 / 比作风 / 做示范 …).
pub async fn create_race(db: &Db, actor: &str, i: RaceInput) -> StoreResult<race::Model> {
    if i.name.trim().is_empty() || i.period_to < i.period_from {
        return Err(StoreError::rule(
            ErrorCode::InvalidRace,
            "请填写赛马名称，且周期结束不早于开始",
        ));
    }
    if i.dimensions.is_empty()
        || i.dimensions
            .iter()
            .any(|d| d.weight == 0 || d.name.trim().is_empty())
    {
        return Err(StoreError::rule(
            ErrorCode::InvalidDimensions,
            "请至少设置一个维度，每个维度须有名称和大于 0 的权重",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    if let Some(p) = &i.previous_race_id {
        race(&tx, p)
            .await
            .map_err(|_| StoreError::rule(ErrorCode::UnknownRace, "上一期赛马不存在"))?;
    }
    let r = record::insert(
        &tx,
        actor,
        race::ActiveModel {
            name: Set(i.name.trim().into()),
            period_from: Set(i.period_from),
            period_to: Set(i.period_to),
            previous_race_id: Set(i.previous_race_id),
            status: Set("open".into()),
            ..Default::default()
        },
    )
    .await?;
    for (k, d) in i.dimensions.into_iter().enumerate() {
        record::insert(
            &tx,
            actor,
            race_dimension::ActiveModel {
                race_id: Set(r.id.clone()),
                name: Set(d.name.trim().into()),
                weight: Set(d.weight as i32),
                source: Set(d.source.as_str().into()),
                sort_order: Set(k as i32),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(r)
}

/// Enter (or replace) a team's score with its evidence on a manual dimension.
pub async fn score(
    db: &Db,
    actor: &str,
    dimension_id: &str,
    team_id: &str,
    score_tenths: u32,
    evidence: String,
) -> StoreResult<race_score::Model> {
    if score_tenths > 1000 {
        return Err(StoreError::rule(
            ErrorCode::ScoreOutOfRange,
            "得分须在 0～100 之间",
        ));
    }
    if evidence.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::EvidenceRequired,
            "请附评分依据（佐证材料说明）",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let d = race_dimension::Entity::find_by_id(dimension_id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    if d.source != DimensionSource::Manual.as_str() {
        return Err(StoreError::rule(
            ErrorCode::ComputedDimension,
            "该维度由系统按记录计算，不能手工评分",
        ));
    }
    let r = race(&tx, &d.race_id).await?;
    if r.status != "open" {
        return Err(StoreError::rule(
            ErrorCode::RaceClosed,
            "赛马已结束，不能再评分",
        ));
    }
    team(&tx, team_id).await?;
    let existing = race_score::Entity::find()
        .filter(race_score::Column::DimensionId.eq(dimension_id))
        .filter(race_score::Column::TeamId.eq(team_id))
        .one(&tx)
        .await?;
    let m = match existing {
        Some(s) => {
            let v = s.version;
            record::update(&tx, actor, "rescore", s, v, |am| {
                am.score_tenths = Set(score_tenths as i32);
                am.evidence = Set(evidence.trim().into());
            })
            .await?
        }
        None => {
            record::insert(
                &tx,
                actor,
                race_score::ActiveModel {
                    race_id: Set(d.race_id.clone()),
                    dimension_id: Set(dimension_id.into()),
                    team_id: Set(team_id.into()),
                    score_tenths: Set(score_tenths as i32),
                    evidence: Set(evidence.trim().into()),
                    ..Default::default()
                },
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(m)
}

/// Close a race: its leaderboard stays computable, scores can no longer change.
pub async fn close_race(db: &Db, actor: &str, id: &str, version: i32) -> StoreResult<race::Model> {
    let tx = crate::db::begin_write(db).await?;
    let r = race(&tx, id).await?;
    let m = record::update(&tx, actor, "close", r, version, |am| {
        am.status = Set("closed".into())
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// One team's line on the leaderboard.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub team_id: String,
    pub team_name: String,
    pub rank: u32,
    /// Weighted total in tenths (0–1000).
    pub total_tenths: u64,
    /// Per dimension, in race order: score in tenths (0–1000); null where
    /// the team has no data (不计分: its weight goes to the other dimensions).
    pub scores: Vec<Option<u64>>,
    /// Per dimension: the figure behind the score ("95.5%", "38 件", "评分").
    pub figures: Vec<String>,
    /// Rank in the previous race minus rank now (positive = moved up); None without one.
    pub change: Option<i64>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Leaderboard {
    pub race: race::Model,
    pub dimensions: Vec<race_dimension::Model>,
    pub standings: Vec<Standing>,
}

fn rate_text(p: Option<u64>) -> String {
    kechuang_domain::party::permille_text(p)
}

/// Standings of every team, best first.
pub async fn leaderboard(db: &Db, race_id: &str) -> StoreResult<Leaderboard> {
    let r = race(db, race_id).await?;
    let dims = dimensions(db, race_id).await?;
    let teams = teams(db).await?;
    let scores = race_score::Entity::find()
        .filter(race_score::Column::RaceId.eq(race_id))
        .all(db)
        .await?;
    // The departments' case figures in the period, once.
    let case_filter = CaseFilter {
        received_from: Some(r.period_from),
        received_to: Some(r.period_to),
        ..Default::default()
    };
    let needs_cases = dims.iter().any(|d| {
        matches!(
            DimensionSource::parse(&d.source),
            Some(
                DimensionSource::OnTimeRate
                    | DimensionSource::SatisfactionRate
                    | DimensionSource::CasesSolved
            )
        )
    });
    let by_dept: HashMap<String, cases::Figures> = if needs_cases {
        cases::statistics(db, &Scope::All, &case_filter, GroupBy::Department)
            .await?
            .0
            .into_iter()
            .map(|f| (f.key.clone(), f))
            .collect()
    } else {
        HashMap::new()
    };
    let members = members_by_team(db).await?;
    let mut columns: Vec<(Vec<Option<u64>>, Vec<String>)> = vec![];
    for d in &dims {
        let source = DimensionSource::parse(&d.source).unwrap_or(DimensionSource::Manual);
        let mut raw = vec![];
        let mut shown = vec![];
        for t in &teams {
            let dept = t.department_id.as_ref().and_then(|id| by_dept.get(id));
            let (value, text) = match source {
                DimensionSource::Manual => {
                    let s = scores
                        .iter()
                        .find(|s| s.dimension_id == d.id && s.team_id == t.id)
                        .map(|s| s.score_tenths.max(0) as u64);
                    (
                        s,
                        s.map(|v| format!("{}.{} 分", v / 10, v % 10))
                            .unwrap_or_else(|| "未评分".into()),
                    )
                }
                DimensionSource::OnTimeRate => {
                    let v = dept
                        .and_then(|f| f.on_time_permille)
                        .map(|v| v.max(0) as u64);
                    (v, rate_text(v))
                }
                DimensionSource::SatisfactionRate => {
                    let v = dept
                        .and_then(|f| f.satisfaction_permille)
                        .map(|v| v.max(0) as u64);
                    (v, rate_text(v))
                }
                DimensionSource::CasesSolved => {
                    let v = dept.map(|f| f.solved.max(0) as u64);
                    (
                        v,
                        v.map(|v| format!("{v} 件"))
                            .unwrap_or_else(|| "无诉求".into()),
                    )
                }
                DimensionSource::CommitmentsFulfilled => {
                    let ids = members.get(&t.id).cloned().unwrap_or_default();
                    let (done, due) =
                        super::commitments::fulfilled_between(db, &ids, r.period_from, r.period_to)
                            .await?;
                    let v = share_permille(done, due);
                    (v, format!("{} ({done}/{due})", rate_text(v)))
                }
            };
            raw.push(value);
            shown.push(text);
        }
        columns.push((dimension_scores(source, &raw), shown));
    }
    let weights: Vec<u32> = dims.iter().map(|d| d.weight.max(0) as u32).collect();
    let totals: Vec<u64> = (0..teams.len())
        .map(|k| {
            let s: Vec<Option<u64>> = columns.iter().map(|c| c.0[k]).collect();
            weighted_total(&s, &weights)
        })
        .collect();
    let rank = ranks(&totals);
    let previous: HashMap<String, u32> = match &r.previous_race_id {
        Some(p) if p != race_id => Box::pin(leaderboard(db, p))
            .await?
            .standings
            .into_iter()
            .map(|s| (s.team_id, s.rank))
            .collect(),
        _ => HashMap::new(),
    };
    let mut standings: Vec<Standing> = teams
        .iter()
        .enumerate()
        .map(|(k, t)| Standing {
            team_id: t.id.clone(),
            team_name: t.name.clone(),
            rank: rank[k],
            total_tenths: totals[k],
            scores: columns.iter().map(|c| c.0[k]).collect(),
            figures: columns.iter().map(|c| c.1[k].clone()).collect(),
            change: previous
                .get(&t.id)
                .map(|p| i64::from(*p) - i64::from(rank[k])),
        })
        .collect();
    standings.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.team_name.cmp(&b.team_name)));
    Ok(Leaderboard {
        race: r,
        dimensions: dims,
        standings,
    })
}

// ---- commendations ----

#[derive(Clone, Debug, PartialEq)]
pub struct HonorInput {
    /// `person` or `team`.
    pub recipient_kind: String,
    pub recipient_name: String,
    pub team_id: Option<String>,
    pub member_id: Option<String>,
    pub title: String,
    pub level: String,
    pub awarded_on: NaiveDate,
}

pub async fn honors<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<honor::Model>> {
    Ok(honor::Entity::find()
        .order_by_desc(honor::Column::AwardedOn)
        .all(db)
        .await?)
}

pub async fn add_honor(db: &Db, actor: &str, i: HonorInput) -> StoreResult<honor::Model> {
    if i.title.trim().is_empty() || i.recipient_name.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::InvalidHonor,
            "请填写表彰名称和受表彰对象",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let m = record::insert(
        &tx,
        actor,
        honor::ActiveModel {
            recipient_kind: Set(i.recipient_kind),
            recipient_name: Set(i.recipient_name.trim().into()),
            team_id: Set(i.team_id),
            member_id: Set(i.member_id),
            title: Set(i.title.trim().into()),
            level: Set(i.level),
            awarded_on: Set(i.awarded_on),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}
