//! Vanguard teams, horse races with their leaderboards, commendations.

use kechuang_domain::auth::Permission;
use kechuang_store::entities::{honor, race, race_score, team};
use kechuang_store::party::races::{self, Leaderboard};
use kechuang_store::Principal;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::forms::party::races::{HonorDraft, RaceDraft, ScoreEntryDraft, TeamDraft};
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct TeamView {
    #[serde(flatten)]
    pub team: team::Model,
    /// 队员（党员 id）
    pub member_ids: Vec<String>,
}

pub async fn team_views(s: &AppState, p: &Principal) -> ApiResult<Vec<TeamView>> {
    require(p, Permission::PartyRead)?;
    let mut members = races::members_by_team(&s.db).await?;
    Ok(races::teams(&s.db)
        .await?
        .into_iter()
        .map(|t| TeamView {
            member_ids: members.remove(&t.id).unwrap_or_default(),
            team: t,
        })
        .collect())
}

pub async fn create_team(s: &AppState, p: &Principal, d: &TeamDraft) -> ApiResult<team::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(races::create_team(&s.db, &p.username, input).await?)
}

pub async fn create_race(s: &AppState, p: &Principal, d: &RaceDraft) -> ApiResult<race::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(races::create_race(&s.db, &p.username, input).await?)
}

pub async fn board(s: &AppState, p: &Principal, id: &str) -> ApiResult<Leaderboard> {
    require(p, Permission::PartyRead)?;
    Ok(races::leaderboard(&s.db, id).await?)
}

pub async fn score(
    s: &AppState,
    p: &Principal,
    d: &ScoreEntryDraft,
) -> ApiResult<race_score::Model> {
    require(p, Permission::PartyWrite)?;
    let (dimension, team, score, evidence) = d.validate().map_err(ApiError::from_fields)?;
    Ok(races::score(&s.db, &p.username, &dimension, &team, score, evidence).await?)
}

pub async fn honor_action(s: &AppState, p: &Principal, d: &HonorDraft) -> ApiResult<honor::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(races::add_honor(&s.db, &p.username, input).await?)
}

/// Changes a vanguard team.
pub async fn update_team(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &TeamDraft,
) -> ApiResult<team::Model> {
    require(p, Permission::PartyWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(races::update_team(&s.db, &p.username, id, version, input).await?)
}

/// Adds a member to a team.
pub async fn add_team_member(s: &AppState, p: &Principal, id: &str, member: &str) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    races::add_team_member(&s.db, &p.username, id, member).await?;
    Ok(())
}

/// Takes a member off a team.
pub async fn remove_team_member(
    s: &AppState,
    p: &Principal,
    id: &str,
    member: &str,
) -> ApiResult<()> {
    require(p, Permission::PartyWrite)?;
    races::remove_team_member(&s.db, &p.username, id, member).await?;
    Ok(())
}

/// Every race.
pub async fn list_races(s: &AppState, p: &Principal) -> ApiResult<Vec<race::Model>> {
    require(p, Permission::PartyRead)?;
    Ok(races::races(&s.db).await?)
}

/// Closes a race.
pub async fn close_race(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
) -> ApiResult<race::Model> {
    require(p, Permission::PartyWrite)?;
    Ok(races::close_race(&s.db, &p.username, id, version).await?)
}

/// Every commendation.
pub async fn list_honors(s: &AppState, p: &Principal) -> ApiResult<Vec<honor::Model>> {
    require(p, Permission::PartyRead)?;
    Ok(races::honors(&s.db).await?)
}
