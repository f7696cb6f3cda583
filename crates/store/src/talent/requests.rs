//! Talent service requests (服务申请): a talent (or the talent's
//! specialist on the talent's behalf) asks for one or more catalogue items;
//! the request becomes one case of the case engine (channel `talent`, the
//! talent's employer as its organisation, hidden from the employer), led by
//! the department of the item with the longest time limit and dispatched at
//! once to every other item's department with that item's limit, so the
//! talent gets one reply (一站办结).
//!
//! Intake and dispatch are the engine's own steps, each in its transaction:
//! everything that could refuse the dispatch (items, entitlement,
//! departments, limits) is checked before the intake, so what is left to
//! fail is the database itself — and a case left undispatched is on the
//! acceptance desk's list like any other new case.

use chrono::{DateTime, Utc};
use kechuang_domain::cases::Channel;
use kechuang_domain::talent::lead_item;
use kechuang_domain::ErrorCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{catalogue, talents, tiers};
use crate::cases::{self, Actor, Assignment, CaseInput};
use crate::entities::{case, service_staff, talent_request};
use crate::{record, Db, Page, PageReq, Scope, StoreError, StoreResult};

#[derive(Clone, Debug)]
pub struct SubmitInput {
    pub talent_id: String,
    /// Catalogue items, in the talent's order (duplicates ignored).
    pub service_ids: Vec<String>,
    /// What the talent asks, as written.
    pub text: String,
    pub received_at: DateTime<Utc>,
    /// The specialist's account when submitted on the talent's behalf.
    pub on_behalf_by: Option<String>,
}

/// The dispatcher the engine records for the automatic dispatch.
fn hub(actor: &Actor) -> Actor {
    Actor {
        username: actor.username.clone(),
        user_id: actor.user_id.clone(),
        display_name: "人才服务港（按服务事项自动分办）".into(),
        acts_for: None,
    }
}

fn items_error(message: impl Into<String>) -> StoreError {
    StoreError::field(ErrorCode::NotEntitled, "service_ids", message)
}

/// Receive a request and dispatch it: the case, and the request linking it
/// to the talent.
pub async fn submit(
    db: &Db,
    actor: &Actor,
    i: SubmitInput,
) -> StoreResult<(case::Model, talent_request::Model)> {
    let talent = talents::get(db, &i.talent_id).await?;
    let tier = tiers::get(db, &talent.tier_id).await?;
    let mut ids: Vec<String> = vec![];
    for id in i
        .service_ids
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        if !ids.iter().any(|x| x == id) {
            ids.push(id.to_string());
        }
    }
    if ids.is_empty() {
        return Err(items_error("请至少选择一项服务事项"));
    }
    let text = i.text.trim().to_string();
    if text.is_empty() || text.chars().count() > 5_000 {
        return Err(StoreError::field(
            ErrorCode::InvalidInput,
            "text",
            "请说明需要办理的事情（不超过 5000 字）",
        ));
    }
    let items = catalogue::items(db, &ids).await?;
    if let Some(no) = items
        .iter()
        .find(|it| !it.open_to(&tier.code, talent.international))
    {
        return Err(items_error(format!(
            "“{}”不适用于该人才的层次或类别，或已停用",
            no.category.name
        )));
    }
    let Some(lead) = lead_item(
        &items
            .iter()
            .map(|it| it.category.time_limit_days)
            .collect::<Vec<_>>(),
    ) else {
        return Err(items_error("请至少选择一项服务事项"));
    };
    // Each department once, with the longest limit of its items.
    let mut departments: Vec<(String, i64)> = vec![];
    for it in &items {
        let Some(d) = it.category.lead_department_id.clone() else {
            return Err(items_error(format!(
                "“{}”未设置责任部门，请联系人才服务专员",
                it.category.name
            )));
        };
        let limit = i64::from(it.category.time_limit_days.max(1));
        match departments.iter_mut().find(|(x, _)| *x == d) {
            Some((_, l)) => *l = (*l).max(limit),
            None => departments.push((d, limit)),
        }
    }
    let lead_category = &items[lead].category;
    let lead_department = lead_category.lead_department_id.clone().unwrap_or_default();
    let specialist = match &talent.specialist_id {
        Some(s) => service_staff::Entity::find_by_id(s.clone()).one(db).await?,
        None => None,
    };
    let who = if talent.name.is_empty() {
        talent.name_latin.clone()
    } else {
        talent.name.clone()
    };
    let names: Vec<&str> = items.iter().map(|it| it.category.name.as_str()).collect();
    let mut title = format!("人才服务：{}（{who}）", names.join("、"));
    if title.chars().count() > 200 {
        title = format!("人才服务：{}等{}项（{who}）", names[lead], names.len());
    }
    // The case carries the specialist's contact, never the talent's own
    // phone or documents, which clerks would see unmasked.
    let (contact_name, contact_phone) = match &specialist {
        Some(s) => (format!("{}（人才服务专员）", s.name), s.phone.clone()),
        None => (who.clone(), String::new()),
    };
    let created = cases::intake(
        db,
        actor,
        CaseInput {
            title: title.chars().take(200).collect(),
            description: text,
            category_id: lead_category.id.clone(),
            org_id: talent.employer_org_id.clone(),
            chain_id: None,
            channel: Channel::Talent,
            received_at: i.received_at,
            contact_name,
            contact_phone,
            location: Default::default(),
        },
    )
    .await?;
    let mut ordered = vec![items[lead].service.id.clone()];
    ordered.extend(
        items
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != lead)
            .map(|(_, it)| it.service.id.clone()),
    );
    let tx = crate::db::begin_write(db).await?;
    let request = record::insert(
        &tx,
        &actor.username,
        talent_request::ActiveModel {
            case_id: Set(created.id.clone()),
            talent_id: Set(talent.id.clone()),
            service_ids: Set(ordered.join(",")),
            tier_code: Set(tier.code.clone()),
            international: Set(talent.international),
            on_behalf_by: Set(i.on_behalf_by),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    let dispatched = cases::dispatch(
        db,
        &Scope::All,
        &hub(actor),
        &created.id,
        created.version,
        Assignment {
            lead: lead_department.clone(),
            assists: departments
                .iter()
                .map(|(d, _)| d.clone())
                .filter(|d| *d != lead_department)
                .collect(),
            task_force: specialist.and_then(|s| s.department_id),
            limits: departments,
        },
    )
    .await?;
    Ok((dispatched, request))
}

/// The request of a case, if it is a talent's.
pub async fn of_case(db: &Db, case_id: &str) -> StoreResult<Option<talent_request::Model>> {
    Ok(talent_request::Entity::find()
        .filter(talent_request::Column::CaseId.eq(case_id))
        .one(db)
        .await?)
}

#[derive(Clone, Debug, Default)]
pub struct RequestFilter {
    pub talent_id: Option<String>,
    pub tier_code: Option<String>,
    pub international: Option<bool>,
}

fn filtered(scope: &Scope, f: &RequestFilter) -> sea_orm::Select<talent_request::Entity> {
    use talent_request::Column as C;
    let mut q = talent_request::Entity::find();
    if let Some(v) = &f.talent_id {
        q = q.filter(C::TalentId.eq(v.clone()));
    }
    if let Some(v) = &f.tier_code {
        q = q.filter(C::TierCode.eq(v.clone()));
    }
    if let Some(v) = f.international {
        q = q.filter(C::International.eq(v));
    }
    if !matches!(scope, Scope::All) {
        // Only the cases the scope may read.
        q = q.filter(C::CaseId.in_subquery(cases::visible_ids(scope)));
    }
    q.order_by_desc(C::CreatedAt).order_by_desc(C::Id)
}

/// The requests with their cases, in the requests' order.
async fn with_cases(
    db: &Db,
    rows: Vec<talent_request::Model>,
) -> StoreResult<Vec<(talent_request::Model, case::Model)>> {
    let mut by_id: std::collections::HashMap<String, case::Model> =
        std::collections::HashMap::new();
    for chunk in rows.chunks(500) {
        let ids: Vec<String> = chunk.iter().map(|r| r.case_id.clone()).collect();
        for c in case::Entity::find()
            .filter(case::Column::Id.is_in(ids))
            .all(db)
            .await?
        {
            by_id.insert(c.id.clone(), c);
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let c = by_id.remove(&r.case_id)?;
            Some((r, c))
        })
        .collect())
}

/// Requests, newest first, with their cases (the case scope applies: a
/// department sees those it handles).
pub async fn list(
    db: &Db,
    scope: &Scope,
    f: &RequestFilter,
    p: PageReq,
) -> StoreResult<Page<(talent_request::Model, case::Model)>> {
    let mut page = crate::page::fetch(db, filtered(scope, f), p).await?;
    let items = with_cases(db, std::mem::take(&mut page.items)).await?;
    Ok(page.with_items(items))
}

/// Every request of a filter, at most `cap` (exports).
pub async fn list_all(
    db: &Db,
    scope: &Scope,
    f: &RequestFilter,
    cap: u64,
) -> StoreResult<Vec<(talent_request::Model, case::Model)>> {
    let rows = filtered(scope, f).limit(cap).all(db).await?;
    with_cases(db, rows).await
}
