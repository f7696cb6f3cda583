//! Service staff (服务队伍): party-building instructors, service agents
//! (红色代办员), talent specialists, innovation brokers, the four teams
//! (四支队伍: technology, investment, professional and incubator managers),
//! chief service officers (首席服务官) and their party-building assistants
//! (党建助手); their assignments to organisations over periods; their work
//! logs, where a problem found becomes a case with one click; and the chief
//! service officer's periodic report, with the assistant's logged work in
//! it. Every figure of the report is counted from these records and the
//! cases of the officer's enterprises.

use kechuang_domain::ErrorCode;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use kechuang_domain::cases::{CaseStatus, Channel};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;

use crate::cases::{self, Actor, CaseInput};
use crate::clock::today;
use crate::entities::{
    case, chain_org, department, org, party_org, service_staff, staff_assignment, user, work_log,
};
use crate::{now, record, Db, Page, PageReq, StoreError, StoreResult};

// ---------------------------------------------------------------- roles

/// What a member of the service staff does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StaffRole {
    Instructor,
    ServiceAgent,
    TalentSpecialist,
    Broker,
    TechManager,
    InvestmentManager,
    ProfessionalManager,
    IncubatorManager,
    ServiceOfficer,
    Assistant,
}

impl StaffRole {
    pub const ALL: [StaffRole; 10] = [
        StaffRole::Instructor,
        StaffRole::ServiceAgent,
        StaffRole::TalentSpecialist,
        StaffRole::Broker,
        StaffRole::TechManager,
        StaffRole::InvestmentManager,
        StaffRole::ProfessionalManager,
        StaffRole::IncubatorManager,
        StaffRole::ServiceOfficer,
        StaffRole::Assistant,
    ];

    /// The four teams (四支队伍).
    pub const FOUR_TEAMS: [StaffRole; 4] = [
        StaffRole::TechManager,
        StaffRole::InvestmentManager,
        StaffRole::ProfessionalManager,
        StaffRole::IncubatorManager,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Instructor => "instructor",
            StaffRole::ServiceAgent => "service_agent",
            StaffRole::TalentSpecialist => "talent_specialist",
            StaffRole::Broker => "broker",
            StaffRole::TechManager => "tech_manager",
            StaffRole::InvestmentManager => "investment_manager",
            StaffRole::ProfessionalManager => "professional_manager",
            StaffRole::IncubatorManager => "incubator_manager",
            StaffRole::ServiceOfficer => "service_officer",
            StaffRole::Assistant => "assistant",
        }
    }

    /// A code, or a Chinese label as typed in a sheet.
    pub fn parse(s: &str) -> Option<StaffRole> {
        let s = s.trim();
        StaffRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.label_zh() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            StaffRole::Instructor => "党建指导员",
            StaffRole::ServiceAgent => "红色代办员",
            StaffRole::TalentSpecialist => "人才服务专员",
            StaffRole::Broker => "科创经纪人",
            StaffRole::TechManager => "技术经理人",
            StaffRole::InvestmentManager => "投资经理人",
            StaffRole::ProfessionalManager => "职业经理人",
            StaffRole::IncubatorManager => "孵化器管理人",
            StaffRole::ServiceOfficer => "首席服务官",
            StaffRole::Assistant => "党建助手",
        }
    }

    pub fn is_four_teams(self) -> bool {
        StaffRole::FOUR_TEAMS.contains(&self)
    }
}

/// Label of a stored role code (the code itself when unknown).
pub fn role_label(code: &str) -> String {
    StaffRole::parse(code)
        .map(|r| r.label_zh().to_string())
        .unwrap_or_else(|| code.to_string())
}

/// What a work log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogKind {
    /// 走访
    Visit,
    /// 服务
    Service,
    /// 协助
    Assist,
}

impl LogKind {
    pub const ALL: [LogKind; 3] = [LogKind::Visit, LogKind::Service, LogKind::Assist];

    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Visit => "visit",
            LogKind::Service => "service",
            LogKind::Assist => "assist",
        }
    }

    pub fn parse(s: &str) -> Option<LogKind> {
        let s = s.trim();
        LogKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            LogKind::Visit => "走访",
            LogKind::Service => "服务",
            LogKind::Assist => "协助",
        }
    }
}

pub fn kind_label(code: &str) -> String {
    LogKind::parse(code)
        .map(|k| k.label_zh().to_string())
        .unwrap_or_else(|| code.to_string())
}

// ---------------------------------------------------------------- staff

#[derive(Clone, Debug, PartialEq)]
pub struct StaffInput {
    pub name: String,
    pub staff_role: StaffRole,
    pub user_id: Option<String>,
    pub phone: String,
    pub department_id: Option<String>,
    pub party_org_id: Option<String>,
    /// The chief service officer an assistant (党建助手) works for; only assistants have one.
    pub assistant_of: Option<String>,
}

/// Which staff to list. `four_teams` narrows to the four teams (四支队伍).
#[derive(Clone, Debug, Default)]
pub struct StaffFilter {
    pub q: Option<String>,
    pub role: Option<StaffRole>,
    pub four_teams: bool,
    pub department_id: Option<String>,
    pub assistant_of: Option<String>,
}

fn staff_filtered(f: &StaffFilter) -> Select<service_staff::Entity> {
    use service_staff::Column as C;
    let mut q = service_staff::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Name, t))
                .add(crate::like::contains(C::Phone, t)),
        );
    }
    if let Some(r) = f.role {
        q = q.filter(C::StaffRole.eq(r.as_str()));
    }
    if f.four_teams {
        q = q.filter(C::StaffRole.is_in(StaffRole::FOUR_TEAMS.map(|r| r.as_str())));
    }
    if let Some(d) = &f.department_id {
        q = q.filter(C::DepartmentId.eq(d.clone()));
    }
    if let Some(o) = &f.assistant_of {
        q = q.filter(C::AssistantOf.eq(o.clone()));
    }
    q.order_by(role_order(), sea_orm::Order::Asc)
        .order_by_asc(C::Name)
        .order_by_asc(C::Id)
}

/// Roles in display order (instructors first), as a sort key.
fn role_order() -> sea_orm::sea_query::SimpleExpr {
    let arms: String = StaffRole::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| format!(" WHEN '{}' THEN {i}", r.as_str()))
        .collect();
    sea_orm::sea_query::Expr::cust(format!("CASE staff_role{arms} ELSE 99 END"))
}

pub async fn list(db: &Db, f: &StaffFilter, p: PageReq) -> StoreResult<Page<service_staff::Model>> {
    let q = staff_filtered(f);
    crate::page::fetch(db, q, p).await
}

pub async fn list_all(
    db: &Db,
    f: &StaffFilter,
    cap: u64,
) -> StoreResult<Vec<service_staff::Model>> {
    Ok(staff_filtered(f).limit(cap).all(db).await?)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<service_staff::Model> {
    service_staff::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The staff record linked to a user account, if any.
pub async fn of_user<C: ConnectionTrait>(
    db: &C,
    user_id: &str,
) -> StoreResult<Option<service_staff::Model>> {
    Ok(service_staff::Entity::find()
        .filter(service_staff::Column::UserId.eq(user_id))
        .order_by_asc(service_staff::Column::Id)
        .one(db)
        .await?)
}

/// Staff by id (missing ids are left out).
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = String>,
) -> StoreResult<HashMap<String, service_staff::Model>> {
    let mut ids: Vec<String> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for s in service_staff::Entity::find()
            .filter(service_staff::Column::Id.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(s.id.clone(), s);
        }
    }
    Ok(out)
}

/// Every chief service officer, by name.
pub async fn officers<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<service_staff::Model>> {
    of_role(db, StaffRole::ServiceOfficer).await
}

/// Everyone of a role, by name.
pub async fn of_role<C: ConnectionTrait>(
    db: &C,
    role: StaffRole,
) -> StoreResult<Vec<service_staff::Model>> {
    Ok(service_staff::Entity::find()
        .filter(service_staff::Column::StaffRole.eq(role.as_str()))
        .order_by_asc(service_staff::Column::Name)
        .order_by_asc(service_staff::Column::Id)
        .all(db)
        .await?)
}

/// The assistants of an officer.
pub async fn assistants<C: ConnectionTrait>(
    db: &C,
    officer_id: &str,
) -> StoreResult<Vec<service_staff::Model>> {
    Ok(service_staff::Entity::find()
        .filter(service_staff::Column::AssistantOf.eq(officer_id))
        .order_by_asc(service_staff::Column::Name)
        .order_by_asc(service_staff::Column::Id)
        .all(db)
        .await?)
}

/// Staff per role code (every role, zero included), in role order.
pub async fn role_counts(db: &Db) -> StoreResult<Vec<(StaffRole, u64)>> {
    let rows: Vec<(String, i64)> = service_staff::Entity::find()
        .select_only()
        .column(service_staff::Column::StaffRole)
        .column_as(
            sea_orm::sea_query::Expr::col(service_staff::Column::Id).count(),
            "n",
        )
        .group_by(service_staff::Column::StaffRole)
        .into_tuple()
        .all(db)
        .await?;
    let by: HashMap<String, i64> = rows.into_iter().collect();
    Ok(StaffRole::ALL
        .into_iter()
        .map(|r| (r, by.get(r.as_str()).copied().unwrap_or(0).max(0) as u64))
        .collect())
}

/// Names of the given users (id → "display name（username）").
pub async fn user_labels<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = String>,
) -> StoreResult<HashMap<String, String>> {
    let ids: Vec<String> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, String, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .column(user::Column::Username)
        .filter(user::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, d, u)| (id, format!("{d}（{u}）")))
        .collect())
}

async fn check_staff<C: ConnectionTrait>(
    db: &C,
    id: Option<&str>,
    i: &StaffInput,
) -> StoreResult<()> {
    if let Some(u) = &i.user_id {
        if user::Entity::find_by_id(u.clone()).one(db).await?.is_none() {
            return Err(StoreError::rule(
                ErrorCode::UnknownUser,
                "关联的用户账号不存在",
            ));
        }
        if let Some(other) = of_user(db, u).await? {
            if Some(other.id.as_str()) != id {
                return Err(StoreError::Conflict {
                    code: ErrorCode::UserLinked,
                    message: format!("该账号已关联服务人员“{}”", other.name),
                });
            }
        }
    }
    if let Some(d) = &i.department_id {
        if department::Entity::find_by_id(d.clone())
            .one(db)
            .await?
            .is_none()
        {
            return Err(StoreError::rule(
                ErrorCode::UnknownDepartment,
                "所属部门不存在",
            ));
        }
    }
    if let Some(p) = &i.party_org_id {
        if party_org::Entity::find_by_id(p.clone())
            .one(db)
            .await?
            .is_none()
        {
            return Err(StoreError::rule(
                ErrorCode::UnknownPartyOrg,
                "所属党组织不存在",
            ));
        }
    }
    if i.staff_role == StaffRole::Assistant {
        let Some(o) = &i.assistant_of else {
            return Err(StoreError::rule(
                ErrorCode::AssistantNeedsOfficer,
                "党建助手须选择其服务的首席服务官",
            ));
        };
        let officer = get(db, o).await.map_err(|_| {
            StoreError::rule(ErrorCode::AssistantNeedsOfficer, "所选的首席服务官不存在")
        })?;
        if officer.staff_role != StaffRole::ServiceOfficer.as_str() {
            return Err(StoreError::rule(
                ErrorCode::AssistantNeedsOfficer,
                format!(
                    "“{}”不是首席服务官，党建助手只能服务首席服务官",
                    officer.name
                ),
            ));
        }
    }
    if let Some(id) = id {
        if i.staff_role != StaffRole::ServiceOfficer {
            let n = service_staff::Entity::find()
                .filter(service_staff::Column::AssistantOf.eq(id))
                .count(db)
                .await?;
            if n > 0 {
                return Err(StoreError::rule(
                    ErrorCode::OfficerHasAssistants,
                    format!("该首席服务官还有{n}名党建助手，请先调整助手后再变更身份"),
                ));
            }
        }
    }
    Ok(())
}

fn apply_staff(am: &mut service_staff::ActiveModel, i: StaffInput) {
    let assistant_of = if i.staff_role == StaffRole::Assistant {
        i.assistant_of
    } else {
        None
    };
    am.name = Set(i.name);
    am.staff_role = Set(i.staff_role.as_str().into());
    am.user_id = Set(i.user_id);
    am.phone = Set(i.phone);
    am.department_id = Set(i.department_id);
    am.party_org_id = Set(i.party_org_id);
    am.assistant_of = Set(assistant_of);
}

pub async fn create(db: &Db, actor: &str, i: StaffInput) -> StoreResult<service_staff::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_staff(&tx, None, &i).await?;
    let mut am = service_staff::ActiveModel::default();
    apply_staff(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// Register many staff in one transaction, all or nothing; an assistant's
/// officer may be a row above in the same file (`officer_row`, an index
/// into `rows`). The error names the row index that failed.
pub async fn import(
    db: &Db,
    actor: &str,
    rows: Vec<(StaffInput, Option<usize>)>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, StoreError::from(e)))?;
    let n = rows.len();
    let mut ids: Vec<String> = Vec::with_capacity(n);
    for (k, (mut i, officer_row)) in rows.into_iter().enumerate() {
        if let Some(j) = officer_row {
            i.assistant_of = ids.get(j).cloned();
        }
        check_staff(&tx, None, &i).await.map_err(|e| (k, e))?;
        let mut am = service_staff::ActiveModel::default();
        apply_staff(&mut am, i);
        let m = record::insert(&tx, actor, am).await.map_err(|e| (k, e))?;
        ids.push(m.id);
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: StaffInput,
) -> StoreResult<service_staff::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get(&tx, id).await?;
    if i.assistant_of.as_deref() == Some(id) {
        return Err(StoreError::rule(
            ErrorCode::AssistantNeedsOfficer,
            "党建助手不能服务自己",
        ));
    }
    check_staff(&tx, Some(id), &i).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_staff(am, i)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

// ---------------------------------------------------------------- assignments

#[derive(Clone, Debug, PartialEq)]
pub struct AssignmentInput {
    pub org_id: String,
    pub from_on: NaiveDate,
    /// None: open-ended.
    pub to_on: Option<NaiveDate>,
}

/// The assignments of a staff member, latest first.
pub async fn assignments<C: ConnectionTrait>(
    db: &C,
    staff_id: &str,
) -> StoreResult<Vec<staff_assignment::Model>> {
    Ok(staff_assignment::Entity::find()
        .filter(staff_assignment::Column::StaffId.eq(staff_id))
        .order_by_desc(staff_assignment::Column::FromOn)
        .order_by_asc(staff_assignment::Column::Id)
        .all(db)
        .await?)
}

pub async fn get_assignment<C: ConnectionTrait>(
    db: &C,
    id: &str,
) -> StoreResult<staff_assignment::Model> {
    staff_assignment::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Whether two periods share a day (None: open-ended).
pub fn overlaps(
    a_from: NaiveDate,
    a_to: Option<NaiveDate>,
    b_from: NaiveDate,
    b_to: Option<NaiveDate>,
) -> bool {
    a_to.is_none_or(|t| b_from <= t) && b_to.is_none_or(|t| a_from <= t)
}

/// Assign a staff member to an organisation for a period. A period that
/// overlaps another assignment of the same staff to the same organisation
/// is refused (409 `assignment_overlaps`).
pub async fn assign(
    db: &Db,
    actor: &str,
    staff_id: &str,
    i: AssignmentInput,
) -> StoreResult<staff_assignment::Model> {
    let tx = crate::db::begin_write(db).await?;
    let m = assign_in(&tx, actor, staff_id, i).await?;
    tx.commit().await?;
    Ok(m)
}

/// Register many assignments in one transaction, all or nothing, each
/// checked as [`assign`] checks one (overlaps with the file's rows too).
/// The error names the row index that failed.
pub async fn import_assignments(
    db: &Db,
    actor: &str,
    rows: Vec<(String, AssignmentInput)>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::db::begin_write(db)
        .await
        .map_err(|e| (0, StoreError::from(e)))?;
    let n = rows.len();
    for (k, (staff_id, i)) in rows.into_iter().enumerate() {
        assign_in(&tx, actor, &staff_id, i)
            .await
            .map_err(|e| (k, e))?;
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

/// Every assignment, by staff and start.
pub async fn all_assignments<C: ConnectionTrait>(
    db: &C,
) -> StoreResult<Vec<staff_assignment::Model>> {
    Ok(staff_assignment::Entity::find()
        .order_by_asc(staff_assignment::Column::StaffId)
        .order_by_asc(staff_assignment::Column::FromOn)
        .order_by_asc(staff_assignment::Column::Id)
        .all(db)
        .await?)
}

async fn assign_in<C: ConnectionTrait>(
    tx: &C,
    actor: &str,
    staff_id: &str,
    i: AssignmentInput,
) -> StoreResult<staff_assignment::Model> {
    if i.to_on.is_some_and(|t| t < i.from_on) {
        return Err(StoreError::rule(
            ErrorCode::InvalidPeriod,
            "结束日期不能早于开始日期",
        ));
    }
    let staff = get(tx, staff_id).await?;
    let org = crate::orgs::require_org(tx, &i.org_id, "联系单位").await?;
    let same = staff_assignment::Entity::find()
        .filter(staff_assignment::Column::StaffId.eq(staff_id))
        .filter(staff_assignment::Column::OrgId.eq(i.org_id.clone()))
        .all(tx)
        .await?;
    if let Some(a) = same
        .iter()
        .find(|a| overlaps(a.from_on, a.to_on, i.from_on, i.to_on))
    {
        return Err(StoreError::Conflict {
            code: ErrorCode::AssignmentOverlaps,
            message: format!(
                "{}已在{}起{}联系“{}”，时段重叠",
                staff.name,
                a.from_on,
                a.to_on
                    .map(|t| format!("至{t}"))
                    .unwrap_or_else(|| "至今".into()),
                org.name
            ),
        });
    }
    let m = record::insert(
        tx,
        actor,
        staff_assignment::ActiveModel {
            staff_id: Set(staff_id.into()),
            org_id: Set(i.org_id),
            from_on: Set(i.from_on),
            to_on: Set(i.to_on),
            ..Default::default()
        },
    )
    .await?;
    Ok(m)
}

/// End an open assignment on `to_on` (the last day it counts).
pub async fn end_assignment(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    to_on: NaiveDate,
) -> StoreResult<staff_assignment::Model> {
    let tx = crate::db::begin_write(db).await?;
    let a = get_assignment(&tx, id).await?;
    if a.to_on.is_some() {
        return Err(StoreError::rule(
            ErrorCode::AlreadyEnded,
            "该联系关系已结束",
        ));
    }
    if to_on < a.from_on {
        return Err(StoreError::rule(
            ErrorCode::InvalidPeriod,
            "结束日期不能早于开始日期",
        ));
    }
    let m = record::update(&tx, actor, "end", a, version, |am| {
        am.to_on = Set(Some(to_on))
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Assignments of the given staff that overlap the period [from, to].
pub async fn assignments_in<C: ConnectionTrait>(
    db: &C,
    staff_ids: &[String],
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<staff_assignment::Model>> {
    use staff_assignment::Column as C;
    Ok(staff_assignment::Entity::find()
        .filter(C::StaffId.is_in(staff_ids.to_vec()))
        .filter(C::FromOn.lte(to))
        .filter(
            Condition::any()
                .add(C::ToOn.is_null())
                .add(C::ToOn.gte(from)),
        )
        .order_by_asc(C::FromOn)
        .order_by_asc(C::Id)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------- work logs

#[derive(Clone, Debug, PartialEq)]
pub struct LogInput {
    pub staff_id: String,
    pub org_id: Option<String>,
    pub logged_on: NaiveDate,
    pub kind: LogKind,
    pub content: String,
    pub problems: String,
}

#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    pub q: Option<String>,
    pub staff_ids: Option<Vec<String>>,
    pub org_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<LogKind>,
    /// Some(true): only logs with problems found.
    pub has_problems: Option<bool>,
    /// Some(true): only logs turned into a case.
    pub converted: Option<bool>,
}

fn logs_filtered(f: &LogFilter) -> Select<work_log::Entity> {
    use work_log::Column as C;
    let mut q = work_log::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Content, t))
                .add(crate::like::contains(C::Problems, t)),
        );
    }
    if let Some(ids) = &f.staff_ids {
        q = q.filter(C::StaffId.is_in(ids.clone()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(C::OrgId.eq(o.clone()));
    }
    if let Some(d) = f.from {
        q = q.filter(C::LoggedOn.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(C::LoggedOn.lte(d));
    }
    if let Some(k) = f.kind {
        q = q.filter(C::Kind.eq(k.as_str()));
    }
    match f.has_problems {
        Some(true) => q = q.filter(C::Problems.ne("")),
        Some(false) => q = q.filter(C::Problems.eq("")),
        None => {}
    }
    match f.converted {
        Some(true) => q = q.filter(C::CaseId.is_not_null()).filter(C::CaseId.ne("")),
        Some(false) => {
            q = q.filter(
                Condition::any()
                    .add(C::CaseId.is_null())
                    .add(C::CaseId.eq("")),
            )
        }
        None => {}
    }
    q.order_by_desc(C::LoggedOn)
        .order_by_desc(C::CreatedAt)
        .order_by_asc(C::Id)
}

pub async fn logs(db: &Db, f: &LogFilter, p: PageReq) -> StoreResult<Page<work_log::Model>> {
    let q = logs_filtered(f);
    crate::page::fetch(db, q, p).await
}

pub async fn logs_all<C: ConnectionTrait>(
    db: &C,
    f: &LogFilter,
    cap: u64,
) -> StoreResult<Vec<work_log::Model>> {
    Ok(logs_filtered(f).limit(cap).all(db).await?)
}

pub async fn get_log<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<work_log::Model> {
    work_log::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The case a log was turned into ("" while the conversion runs).
pub fn linked_case(l: &work_log::Model) -> Option<&str> {
    l.case_id.as_deref().filter(|c| !c.is_empty())
}

async fn check_log<C: ConnectionTrait>(db: &C, i: &LogInput) -> StoreResult<()> {
    get(db, &i.staff_id)
        .await
        .map_err(|_| StoreError::rule(ErrorCode::UnknownStaff, "服务人员不存在"))?;
    if let Some(o) = &i.org_id {
        crate::orgs::require_org(db, o, "走访单位").await?;
    }
    if i.logged_on > today() {
        return Err(StoreError::rule(
            ErrorCode::LoggedInFuture,
            "工作日期不能晚于今天",
        ));
    }
    Ok(())
}

fn apply_log(am: &mut work_log::ActiveModel, i: LogInput) {
    am.staff_id = Set(i.staff_id);
    am.org_id = Set(i.org_id);
    am.logged_on = Set(i.logged_on);
    am.kind = Set(i.kind.as_str().into());
    am.content = Set(i.content);
    am.problems = Set(i.problems);
}

pub async fn create_log(db: &Db, actor: &str, i: LogInput) -> StoreResult<work_log::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_log(&tx, &i).await?;
    let mut am = work_log::ActiveModel {
        case_id: Set(None),
        ..Default::default()
    };
    apply_log(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

fn not_converted(l: &work_log::Model) -> StoreResult<()> {
    if l.case_id.is_some() {
        return Err(StoreError::rule(
            ErrorCode::LogConverted,
            "该记录已转为诉求，不能再修改或删除",
        ));
    }
    Ok(())
}

pub async fn update_log(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: LogInput,
) -> StoreResult<work_log::Model> {
    let tx = crate::db::begin_write(db).await?;
    let before = get_log(&tx, id).await?;
    not_converted(&before)?;
    check_log(&tx, &i).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| apply_log(am, i)).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn delete_log(db: &Db, actor: &str, id: &str, version: i32) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let before = get_log(&tx, id).await?;
    not_converted(&before)?;
    record::delete(&tx, actor, before, version).await?;
    tx.commit().await?;
    Ok(())
}

/// How a log becomes a case.
#[derive(Clone, Debug, Default)]
pub struct ConvertInput {
    /// None: the category 其他 (`other`).
    pub category_id: Option<String>,
    /// None: taken from the problems found.
    pub title: Option<String>,
}

/// A case title from the problems found: the first sentence, at most 60 characters.
pub fn title_from(problems: &str) -> String {
    let first = problems
        .split(['\n', '。', '；', ';'])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let mut t: String = first.chars().take(60).collect();
    if first.chars().count() > 60 {
        t.push('…');
    }
    t
}

/// Turn the problems a log found into a case (转为诉求) for the log's
/// organisation, received now through the instructor or visit channel,
/// and link it to the log. The log is claimed first (at `version`), so a
/// second click, or two at once, is refused with 409 `already_converted`
/// or `stale_version`, and never makes two cases.
pub async fn to_case(
    db: &Db,
    actor: &Actor,
    log_id: &str,
    version: i32,
    i: ConvertInput,
) -> StoreResult<(work_log::Model, case::Model)> {
    let tx = crate::db::begin_write(db).await?;
    let log = get_log(&tx, log_id).await?;
    if log.case_id.is_some() {
        return Err(StoreError::Conflict {
            code: ErrorCode::AlreadyConverted,
            message: "该记录已转为诉求，不能重复转办".into(),
        });
    }
    if log.problems.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::NoProblems,
            "该记录没有填写发现的问题，无法转为诉求",
        ));
    }
    let Some(org_id) = log.org_id.clone() else {
        return Err(StoreError::rule(
            ErrorCode::LogWithoutOrg,
            "该记录未关联单位，无法转为诉求",
        ));
    };
    let org = crate::orgs::require_org(&tx, &org_id, "走访单位").await?;
    let staff = get(&tx, &log.staff_id).await?;
    let categories = cases::categories(&tx).await?;
    let category = match &i.category_id {
        Some(c) => categories.iter().find(|x| &x.id == c && x.active),
        None => categories
            .iter()
            .find(|x| x.code == "other" && x.active)
            .or_else(|| categories.iter().find(|x| x.active)),
    }
    .ok_or_else(|| StoreError::rule(ErrorCode::InvalidCategory, "诉求分类不存在或已停用"))?
    .id
    .clone();
    let chain_id: Option<String> = chain_org::Entity::find()
        .select_only()
        .column(chain_org::Column::ChainId)
        .filter(chain_org::Column::OrgId.eq(org_id.clone()))
        .order_by_asc(chain_org::Column::CreatedAt)
        .order_by_asc(chain_org::Column::Id)
        .into_tuple()
        .one(&tx)
        .await?;
    // Claim the log, so no second case can start from it.
    let claimed = record::update(&tx, &actor.username, "convert_start", log, version, |am| {
        am.case_id = Set(Some(String::new()))
    })
    .await?;
    tx.commit().await?;

    let role = StaffRole::parse(&staff.staff_role);
    let kind = LogKind::parse(&claimed.kind).unwrap_or(LogKind::Visit);
    let channel = match (role, kind) {
        (Some(StaffRole::Instructor | StaffRole::Assistant), _) => Channel::Instructor,
        (_, LogKind::Visit) => Channel::Visit,
        _ => Channel::Instructor,
    };
    let title = i
        .title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title_from(&claimed.problems));
    let description = format!(
        "{}，{}（{}）{}{}时发现的问题：\n{}\n\n工作内容：{}",
        claimed.logged_on,
        staff.name,
        role.map(|r| r.label_zh()).unwrap_or(""),
        kind.label_zh(),
        org.name,
        claimed.problems.trim(),
        claimed.content.trim()
    );
    let input = CaseInput {
        title,
        description,
        category_id: category,
        org_id: org_id.clone(),
        chain_id,
        channel,
        received_at: now(),
        contact_name: if org.contact_name.is_empty() {
            staff.name.clone()
        } else {
            org.contact_name.clone()
        },
        contact_phone: if org.contact_phone.is_empty() {
            staff.phone.clone()
        } else {
            org.contact_phone.clone()
        },
        location: Default::default(),
    };
    let made = cases::intake(db, actor, input).await;
    let tx = crate::db::begin_write(db).await?;
    let current = get_log(&tx, log_id).await?;
    let v = current.version;
    match made {
        Ok(c) => {
            let case_id = c.id.clone();
            let m = record::update(&tx, &actor.username, "convert", current, v, |am| {
                am.case_id = Set(Some(case_id))
            })
            .await?;
            tx.commit().await?;
            Ok((m, c))
        }
        Err(e) => {
            // Release the claim, so the log can be converted again.
            record::update(&tx, &actor.username, "convert_failed", current, v, |am| {
                am.case_id = Set(None)
            })
            .await?;
            tx.commit().await?;
            Err(e)
        }
    }
}

/// (number, status) of the given cases.
pub async fn case_numbers<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = String>,
) -> StoreResult<HashMap<String, (String, String)>> {
    let ids: Vec<String> = ids.into_iter().filter(|s| !s.is_empty()).collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String, String)> = case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .column(case::Column::Number)
            .column(case::Column::Status)
            .filter(case::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows.into_iter().map(|(i, n, s)| (i, (n, s))));
    }
    Ok(out)
}

// ---------------------------------------------------------------- the report

/// The current quarter of `d`: its first and last day.
pub fn quarter_of(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let q0 = (d.month0() / 3) * 3 + 1;
    let from = NaiveDate::from_ymd_opt(d.year(), q0, 1).expect("valid quarter start");
    let to = if q0 == 10 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), q0 + 3, 1)
    }
    .expect("valid next quarter")
        - chrono::Duration::days(1);
    (from, to)
}

/// The figures of one chief service officer's report over a period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReportFigures {
    /// 联系企业：organisations assigned to the officer at any time in the period.
    pub enterprises: u64,
    /// 诉求提出：cases of those organisations received in the period.
    pub cases_raised: u64,
    /// 诉求办结：cases of those organisations closed in the period.
    pub cases_solved: u64,
    /// 工作记录：the officer's own work logs in the period.
    pub logs: u64,
    /// 走访：those of kind visit.
    pub visits: u64,
    /// 发现问题：the officer's logs with problems found.
    pub problems: u64,
    /// 转为诉求：the officer's logs turned into cases.
    pub converted: u64,
    /// 党建助手工作记录：logs of the officer's assistants in the period.
    pub assistant_logs: u64,
    /// 党建助手走访
    pub assistant_visits: u64,
    /// 党建助手发现问题
    pub assistant_problems: u64,
}

/// An organisation in the report with its assignment and its cases.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportOrg {
    pub org_id: String,
    pub org_name: String,
    pub org_kind: String,
    #[schema(value_type = String, format = Date)]
    pub from_on: NaiveDate,
    #[schema(value_type = Option<String>, format = Date)]
    pub to_on: Option<NaiveDate>,
    pub cases_raised: u64,
    pub cases_solved: u64,
    pub visits: u64,
}

/// A case counted in the report.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReportCase {
    pub id: String,
    pub number: String,
    pub title: String,
    pub org_id: String,
    pub org_name: String,
    pub channel: String,
    pub status: String,
    pub status_label: String,
    #[schema(value_type = String, format = Date)]
    pub received_on: NaiveDate,
    #[schema(value_type = Option<String>, format = Date)]
    pub closed_on: Option<NaiveDate>,
    /// Received in the period.
    pub raised: bool,
    /// Closed in the period.
    pub solved: bool,
}

/// The chief service officer's periodic report (首席服务官定期报告).
#[derive(Clone, Debug)]
pub struct Report {
    pub officer: service_staff::Model,
    pub assistants: Vec<service_staff::Model>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub figures: ReportFigures,
    pub orgs: Vec<ReportOrg>,
    /// Cases raised or solved in the period, by receipt.
    pub cases: Vec<ReportCase>,
    /// The officer's own work logs in the period, latest first.
    pub logs: Vec<work_log::Model>,
    /// The assistants' work logs in the period, latest first.
    pub assistant_logs: Vec<work_log::Model>,
}

fn check_period(from: NaiveDate, to: NaiveDate) -> StoreResult<()> {
    if to < from {
        return Err(StoreError::rule(
            ErrorCode::InvalidPeriod,
            "报告期的结束日期不能早于开始日期",
        ));
    }
    Ok(())
}

/// The report of one chief service officer over [from, to] (both included).
pub async fn report(
    db: &Db,
    officer_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Report> {
    check_period(from, to)?;
    let officer = get(db, officer_id).await?;
    if officer.staff_role != StaffRole::ServiceOfficer.as_str() {
        return Err(StoreError::rule(
            ErrorCode::NotServiceOfficer,
            format!("“{}”不是首席服务官，没有定期报告", officer.name),
        ));
    }
    let assistants = assistants(db, officer_id).await?;
    // Assignments in the period, one line per organisation (earliest start, latest end).
    let mut per_org: BTreeMap<String, (NaiveDate, Option<NaiveDate>)> = BTreeMap::new();
    for a in assignments_in(db, &[officer_id.to_string()], from, to).await? {
        per_org
            .entry(a.org_id.clone())
            .and_modify(|(f, t)| {
                *f = (*f).min(a.from_on);
                *t = match (*t, a.to_on) {
                    (Some(x), Some(y)) => Some(x.max(y)),
                    _ => None,
                };
            })
            .or_insert((a.from_on, a.to_on));
    }
    let org_ids: Vec<String> = per_org.keys().cloned().collect();
    let orgs: HashMap<String, org::Model> = if org_ids.is_empty() {
        HashMap::new()
    } else {
        org::Entity::find()
            .filter(org::Column::Id.is_in(org_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect()
    };
    let mut found: Vec<case::Model> = vec![];
    for chunk in org_ids.chunks(500) {
        use case::Column as C;
        found.extend(
            case::Entity::find()
                .filter(C::OrgId.is_in(chunk.to_vec()))
                .filter(
                    Condition::any().add(C::ReceivedOn.between(from, to)).add(
                        Condition::all()
                            .add(C::Status.eq(CaseStatus::Closed.as_str()))
                            .add(C::ClosedOn.between(from, to)),
                    ),
                )
                .order_by_asc(C::ReceivedAt)
                .order_by_asc(C::Id)
                .all(db)
                .await?,
        );
    }
    found.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
    let cases: Vec<ReportCase> = found
        .into_iter()
        .map(|c| {
            let raised = c.received_on >= from && c.received_on <= to;
            let solved = c.status == CaseStatus::Closed.as_str()
                && c.closed_on.is_some_and(|d| d >= from && d <= to);
            ReportCase {
                org_name: orgs
                    .get(&c.org_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                status_label: CaseStatus::parse(&c.status)
                    .map(|s| s.label_zh())
                    .unwrap_or("")
                    .into(),
                id: c.id,
                number: c.number,
                title: c.title,
                org_id: c.org_id,
                channel: c.channel,
                status: c.status,
                received_on: c.received_on,
                closed_on: c.closed_on,
                raised,
                solved,
            }
        })
        .collect();
    let in_period = |ids: Vec<String>| LogFilter {
        staff_ids: Some(ids),
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let logs = logs_all(db, &in_period(vec![officer_id.to_string()]), 100_000).await?;
    let assistant_logs = if assistants.is_empty() {
        vec![]
    } else {
        logs_all(
            db,
            &in_period(assistants.iter().map(|a| a.id.clone()).collect()),
            100_000,
        )
        .await?
    };
    let visit = LogKind::Visit.as_str();
    let count = |v: &[work_log::Model], f: &dyn Fn(&work_log::Model) -> bool| {
        v.iter().filter(|l| f(l)).count() as u64
    };
    let figures = ReportFigures {
        enterprises: per_org.len() as u64,
        cases_raised: cases.iter().filter(|c| c.raised).count() as u64,
        cases_solved: cases.iter().filter(|c| c.solved).count() as u64,
        logs: logs.len() as u64,
        visits: count(&logs, &|l| l.kind == visit),
        problems: count(&logs, &|l| !l.problems.trim().is_empty()),
        converted: count(&logs, &|l| linked_case(l).is_some()),
        assistant_logs: assistant_logs.len() as u64,
        assistant_visits: count(&assistant_logs, &|l| l.kind == visit),
        assistant_problems: count(&assistant_logs, &|l| !l.problems.trim().is_empty()),
    };
    let report_orgs = per_org
        .into_iter()
        .map(|(id, (f, t))| {
            let o = orgs.get(&id);
            ReportOrg {
                org_name: o.map(|o| o.name.clone()).unwrap_or_default(),
                org_kind: o.map(|o| o.kind.clone()).unwrap_or_default(),
                from_on: f,
                to_on: t,
                cases_raised: cases.iter().filter(|c| c.raised && c.org_id == id).count() as u64,
                cases_solved: cases.iter().filter(|c| c.solved && c.org_id == id).count() as u64,
                visits: logs
                    .iter()
                    .chain(assistant_logs.iter())
                    .filter(|l| l.org_id.as_deref() == Some(id.as_str()))
                    .count() as u64,
                org_id: id,
            }
        })
        .collect();
    Ok(Report {
        officer,
        assistants,
        from,
        to,
        figures,
        orgs: report_orgs,
        cases,
        logs,
        assistant_logs,
    })
}

/// Every chief service officer's report over the period (the summary).
pub async fn reports(db: &Db, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<Report>> {
    check_period(from, to)?;
    let mut out = vec![];
    for o in officers(db).await? {
        out.push(report(db, &o.id, from, to).await?);
    }
    Ok(out)
}

// ---------------------------------------------------------------- names

/// (id, "name（username）") of every active account, for linking a staff record.
pub async fn user_choices<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<(String, String)>> {
    let rows: Vec<(String, String, String)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::DisplayName)
        .column(user::Column::Username)
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Username)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, d, u)| (id, format!("{d}（{u}）")))
        .collect())
}

/// Open assignments per staff member (for lists).
pub async fn open_assignment_counts<C: ConnectionTrait>(
    db: &C,
    staff_ids: &[String],
    on: NaiveDate,
) -> StoreResult<HashMap<String, u64>> {
    let mut out = HashMap::new();
    for a in assignments_in(db, staff_ids, on, on).await? {
        *out.entry(a.staff_id).or_insert(0) += 1;
    }
    Ok(out)
}
