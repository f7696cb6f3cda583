//! Member responsibility zones (党员责任区): their members and the organisations they cover.
//!
//! A zone belongs to a party organisation and is led by one of its
//! members; its members come from that organisation or the organisations
//! under it, and it covers organisations of the register (enterprises,
//! institutes… in its area).

use kechuang_domain::ErrorCode;
use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::entities::{org, party_member, party_org, zone, zone_member, zone_org};
use crate::{record, Db, Page, PageReq, StoreError, StoreResult};

#[derive(Clone, Debug, PartialEq)]
pub struct ZoneInput {
    pub name: String,
    pub party_org_id: String,
    pub leader: String,
    pub area: String,
}

#[derive(Clone, Debug, Default)]
pub struct ZoneFilter {
    pub q: Option<String>,
    pub party_org_id: Option<String>,
}

/// A zone with how many members and organisations it has.
#[derive(Clone, Debug)]
pub struct ZoneRow {
    pub zone: zone::Model,
    pub members: u64,
    pub orgs: u64,
}

fn filtered(f: &ZoneFilter) -> Select<zone::Entity> {
    use zone::Column as C;
    let mut q = zone::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::Name, t))
                .add(crate::like::contains(C::Leader, t))
                .add(crate::like::contains(C::Area, t)),
        );
    }
    if let Some(p) = &f.party_org_id {
        q = q.filter(C::PartyOrgId.eq(p.clone()));
    }
    q.order_by_asc(C::Name).order_by_asc(C::Id)
}

async fn counts<C: ConnectionTrait>(
    db: &C,
    ids: &[String],
) -> StoreResult<(HashMap<String, i64>, HashMap<String, i64>)> {
    let mut members = HashMap::new();
    let mut orgs = HashMap::new();
    for chunk in ids.chunks(500) {
        let m: Vec<(String, i64)> = zone_member::Entity::find()
            .select_only()
            .column(zone_member::Column::ZoneId)
            .column_as(zone_member::Column::Id.count(), "n")
            .filter(zone_member::Column::ZoneId.is_in(chunk.to_vec()))
            .group_by(zone_member::Column::ZoneId)
            .into_tuple()
            .all(db)
            .await?;
        members.extend(m);
        let o: Vec<(String, i64)> = zone_org::Entity::find()
            .select_only()
            .column(zone_org::Column::ZoneId)
            .column_as(zone_org::Column::Id.count(), "n")
            .filter(zone_org::Column::ZoneId.is_in(chunk.to_vec()))
            .group_by(zone_org::Column::ZoneId)
            .into_tuple()
            .all(db)
            .await?;
        orgs.extend(o);
    }
    Ok((members, orgs))
}

async fn rows<C: ConnectionTrait>(db: &C, items: Vec<zone::Model>) -> StoreResult<Vec<ZoneRow>> {
    let ids: Vec<String> = items.iter().map(|z| z.id.clone()).collect();
    let (members, orgs) = counts(db, &ids).await?;
    Ok(items
        .into_iter()
        .map(|z| ZoneRow {
            members: members.get(&z.id).copied().unwrap_or(0) as u64,
            orgs: orgs.get(&z.id).copied().unwrap_or(0) as u64,
            zone: z,
        })
        .collect())
}

pub async fn list(db: &Db, f: &ZoneFilter, p: PageReq) -> StoreResult<Page<ZoneRow>> {
    let q = filtered(f);
    let total = q.clone().count(db).await?;
    let items = q.offset(p.offset()).limit(p.per_page()).all(db).await?;
    Ok(Page {
        items: rows(db, items).await?,
        total,
        page: p.page(),
        per_page: p.per_page(),
    })
}

pub async fn list_all(db: &Db, f: &ZoneFilter, cap: u64) -> StoreResult<Vec<ZoneRow>> {
    let items = filtered(f).limit(cap).all(db).await?;
    rows(db, items).await
}

/// Totals over the filtered zones: zones, member places, covered organisations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZoneTotals {
    pub zones: u64,
    pub members: u64,
    pub orgs: u64,
}

pub async fn totals(db: &Db, f: &ZoneFilter) -> StoreResult<ZoneTotals> {
    let all = list_all(db, f, 100_000).await?;
    Ok(ZoneTotals {
        zones: all.len() as u64,
        members: all.iter().map(|r| r.members).sum(),
        orgs: all.iter().map(|r| r.orgs).sum(),
    })
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<zone::Model> {
    zone::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

async fn check_party_org<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<()> {
    party_org::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| {
            StoreError::rule(
                ErrorCode::UnknownPartyOrg,
                "所属党组织不存在，请从党组织中选择",
            )
        })?;
    Ok(())
}

fn apply(am: &mut zone::ActiveModel, i: ZoneInput) {
    am.name = Set(i.name);
    am.party_org_id = Set(i.party_org_id);
    am.leader = Set(i.leader);
    am.area = Set(i.area);
}

pub async fn create(db: &Db, actor: &str, i: ZoneInput) -> StoreResult<zone::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_party_org(&tx, &i.party_org_id).await?;
    let mut am = zone::ActiveModel::default();
    apply(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: ZoneInput,
) -> StoreResult<zone::Model> {
    let tx = crate::db::begin_write(db).await?;
    check_party_org(&tx, &i.party_org_id).await?;
    let before = get(&tx, id).await?;
    let m = record::update(&tx, actor, "update", before, version, |am| apply(am, i)).await?;
    tx.commit().await?;
    Ok(m)
}

/// A zone with its members and covered organisations (by name).
#[derive(Clone, Debug)]
pub struct ZoneDetail {
    pub zone: ZoneRow,
    pub members: Vec<party_member::Model>,
    pub orgs: Vec<org::Model>,
}

pub async fn detail(db: &Db, id: &str) -> StoreResult<ZoneDetail> {
    let z = get(db, id).await?;
    let member_ids: Vec<String> = zone_member::Entity::find()
        .select_only()
        .column(zone_member::Column::MemberId)
        .filter(zone_member::Column::ZoneId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    let members = party_member::Entity::find()
        .filter(party_member::Column::Id.is_in(member_ids))
        .order_by_asc(party_member::Column::Name)
        .order_by_asc(party_member::Column::Id)
        .all(db)
        .await?;
    let org_ids: Vec<String> = zone_org::Entity::find()
        .select_only()
        .column(zone_org::Column::OrgId)
        .filter(zone_org::Column::ZoneId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    let orgs = org::Entity::find()
        .filter(org::Column::Id.is_in(org_ids))
        .order_by_asc(org::Column::Name)
        .order_by_asc(org::Column::Id)
        .all(db)
        .await?;
    Ok(ZoneDetail {
        zone: rows(db, vec![z]).await?.remove(0),
        members,
        orgs,
    })
}

/// Members who may join the zone: of its party organisation or one under
/// it, not yet in the zone, by name.
pub async fn eligible_members(db: &Db, zone_id: &str) -> StoreResult<Vec<party_member::Model>> {
    let z = get(db, zone_id).await?;
    let orgs: Vec<String> = super::network::subtree(db, &z.party_org_id)
        .await?
        .into_iter()
        .collect();
    let taken: Vec<String> = zone_member::Entity::find()
        .select_only()
        .column(zone_member::Column::MemberId)
        .filter(zone_member::Column::ZoneId.eq(zone_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut out = vec![];
    for chunk in orgs.chunks(500) {
        out.extend(
            party_member::Entity::find()
                .filter(party_member::Column::PartyOrgId.is_in(chunk.to_vec()))
                .filter(party_member::Column::Id.is_not_in(taken.clone()))
                .order_by_asc(party_member::Column::Name)
                .limit(2_000)
                .all(db)
                .await?,
        );
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Add a party member to a zone. The member must belong to the zone's
/// party organisation or one under it.
pub async fn add_member(
    db: &Db,
    actor: &str,
    zone_id: &str,
    member_id: &str,
) -> StoreResult<zone_member::Model> {
    let tx = crate::db::begin_write(db).await?;
    let z = get(&tx, zone_id).await?;
    let m = party_member::Entity::find_by_id(member_id.to_string())
        .one(&tx)
        .await?
        .ok_or_else(|| StoreError::rule(ErrorCode::UnknownMember, "党员不存在，请从名单中选择"))?;
    if !super::network::subtree(&tx, &z.party_org_id)
        .await?
        .contains(&m.party_org_id)
    {
        return Err(StoreError::rule(
            ErrorCode::MemberOutsideOrg,
            format!("{}不属于本责任区所在党组织，不能加入", m.name),
        ));
    }
    let dup = zone_member::Entity::find()
        .filter(zone_member::Column::ZoneId.eq(zone_id))
        .filter(zone_member::Column::MemberId.eq(member_id))
        .count(&tx)
        .await?;
    if dup > 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::AlreadyInZone,
            message: format!("{}已在本责任区", m.name),
        });
    }
    let row = record::insert(
        &tx,
        actor,
        zone_member::ActiveModel {
            zone_id: Set(zone_id.into()),
            member_id: Set(member_id.into()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn remove_member(
    db: &Db,
    actor: &str,
    zone_id: &str,
    member_id: &str,
) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let row = zone_member::Entity::find()
        .filter(zone_member::Column::ZoneId.eq(zone_id))
        .filter(zone_member::Column::MemberId.eq(member_id))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let v = row.version;
    record::delete(&tx, actor, row, v).await?;
    tx.commit().await?;
    Ok(())
}

/// Cover an organisation of the register.
pub async fn add_org(
    db: &Db,
    actor: &str,
    zone_id: &str,
    org_id: &str,
) -> StoreResult<zone_org::Model> {
    let tx = crate::db::begin_write(db).await?;
    get(&tx, zone_id).await?;
    let o = org::Entity::find_by_id(org_id.to_string())
        .one(&tx)
        .await?
        .ok_or_else(|| StoreError::rule(ErrorCode::UnknownOrg, "单位不存在，请从单位名录中选择"))?;
    let dup = zone_org::Entity::find()
        .filter(zone_org::Column::ZoneId.eq(zone_id))
        .filter(zone_org::Column::OrgId.eq(org_id))
        .count(&tx)
        .await?;
    if dup > 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::AlreadyInZone,
            message: format!("{}已在本责任区", o.name),
        });
    }
    let row = record::insert(
        &tx,
        actor,
        zone_org::ActiveModel {
            zone_id: Set(zone_id.into()),
            org_id: Set(org_id.into()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn remove_org(db: &Db, actor: &str, zone_id: &str, org_id: &str) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let row = zone_org::Entity::find()
        .filter(zone_org::Column::ZoneId.eq(zone_id))
        .filter(zone_org::Column::OrgId.eq(org_id))
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let v = row.version;
    record::delete(&tx, actor, row, v).await?;
    tx.commit().await?;
    Ok(())
}

/// Members of a party organisation and the organisations under it, by name.
pub async fn members_under(db: &Db, party_org_id: &str) -> StoreResult<Vec<party_member::Model>> {
    let orgs: Vec<String> = super::network::subtree(db, party_org_id)
        .await?
        .into_iter()
        .collect();
    let mut out = vec![];
    for chunk in orgs.chunks(500) {
        out.extend(
            party_member::Entity::find()
                .filter(party_member::Column::PartyOrgId.is_in(chunk.to_vec()))
                .all(db)
                .await?,
        );
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// The register organisations a party organisation sits in (党组织所在单位).
pub async fn units_of(db: &Db, party_org_id: &str) -> StoreResult<Vec<String>> {
    let mut v: Vec<String> = crate::entities::party_org_unit::Entity::find()
        .select_only()
        .column(crate::entities::party_org_unit::Column::OrgId)
        .filter(crate::entities::party_org_unit::Column::PartyOrgId.eq(party_org_id))
        .into_tuple()
        .all(db)
        .await?;
    v.sort();
    Ok(v)
}

/// A zone of an imported ledger with its members and covered organisations
/// (ids, already found by the importer).
#[derive(Clone, Debug)]
pub struct ZoneImport {
    pub zone: ZoneInput,
    pub member_ids: Vec<String>,
    pub org_ids: Vec<String>,
}

/// Register a ledger's zones with their members and organisations, all or
/// nothing. A member outside the zone's party organisation is refused here
/// too, as `add_member` refuses it. Err carries the index of the zone.
pub async fn import(
    db: &Db,
    actor: &str,
    rows: Vec<ZoneImport>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "zones").await?;
    let n = rows.len();
    for (k, r) in rows.into_iter().enumerate() {
        let at = |e: StoreError| (k, e);
        check_party_org(&tx, &r.zone.party_org_id)
            .await
            .map_err(at)?;
        let under = super::network::subtree(&tx, &r.zone.party_org_id)
            .await
            .map_err(at)?;
        let mut am = zone::ActiveModel::default();
        apply(&mut am, r.zone);
        let z = record::insert(&tx, actor, am).await.map_err(at)?;
        let same = zone::Entity::find()
            .filter(zone::Column::PartyOrgId.eq(z.party_org_id.clone()))
            .filter(zone::Column::Name.eq(z.name.clone()))
            .count(&tx)
            .await
            .map_err(|e| at(e.into()))?;
        crate::imports::only_one(same, || format!("该党组织的责任区“{}”", z.name)).map_err(at)?;
        for m in r.member_ids {
            let member = party_member::Entity::find_by_id(m.clone())
                .one(&tx)
                .await
                .map_err(|e| (k, e.into()))?
                .ok_or_else(|| (k, StoreError::rule(ErrorCode::UnknownMember, "党员不存在")))?;
            if !under.contains(&member.party_org_id) {
                return Err((
                    k,
                    StoreError::rule(
                        ErrorCode::MemberOutsideOrg,
                        format!("{}不属于本责任区所在党组织，不能加入", member.name),
                    ),
                ));
            }
            let am = zone_member::ActiveModel {
                zone_id: Set(z.id.clone()),
                member_id: Set(m),
                ..Default::default()
            };
            record::insert(&tx, actor, am).await.map_err(at)?;
        }
        for o in r.org_ids {
            org::Entity::find_by_id(o.clone())
                .one(&tx)
                .await
                .map_err(|e| (k, e.into()))?
                .ok_or_else(|| (k, StoreError::rule(ErrorCode::UnknownOrg, "单位不存在")))?;
            let am = zone_org::ActiveModel {
                zone_id: Set(z.id.clone()),
                org_id: Set(o),
                ..Default::default()
            };
            record::insert(&tx, actor, am).await.map_err(at)?;
        }
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

/// The members and covered organisations of these zones, each by name.
pub async fn links(
    db: &Db,
    zone_ids: &[String],
) -> StoreResult<(
    HashMap<String, Vec<party_member::Model>>,
    HashMap<String, Vec<org::Model>>,
)> {
    let (mut members, mut orgs) = (HashMap::new(), HashMap::new());
    for chunk in zone_ids.chunks(500) {
        let pairs: Vec<(String, String)> = zone_member::Entity::find()
            .select_only()
            .column(zone_member::Column::ZoneId)
            .column(zone_member::Column::MemberId)
            .filter(zone_member::Column::ZoneId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        let ids: Vec<String> = pairs.iter().map(|(_, m)| m.clone()).collect();
        let mut found = HashMap::new();
        for c in ids.chunks(500) {
            for m in party_member::Entity::find()
                .filter(party_member::Column::Id.is_in(c.to_vec()))
                .all(db)
                .await?
            {
                found.insert(m.id.clone(), m);
            }
        }
        for (z, m) in pairs {
            if let Some(m) = found.get(&m) {
                members.entry(z).or_insert_with(Vec::new).push(m.clone());
            }
        }
        let pairs: Vec<(String, String)> = zone_org::Entity::find()
            .select_only()
            .column(zone_org::Column::ZoneId)
            .column(zone_org::Column::OrgId)
            .filter(zone_org::Column::ZoneId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        let ids: Vec<String> = pairs.iter().map(|(_, o)| o.clone()).collect();
        let mut found = HashMap::new();
        for c in ids.chunks(500) {
            for o in org::Entity::find()
                .filter(org::Column::Id.is_in(c.to_vec()))
                .all(db)
                .await?
            {
                found.insert(o.id.clone(), o);
            }
        }
        for (z, o) in pairs {
            if let Some(o) = found.get(&o) {
                orgs.entry(z).or_insert_with(Vec::new).push(o.clone());
            }
        }
    }
    for v in members.values_mut() {
        v.sort_by(|a: &party_member::Model, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    for v in orgs.values_mut() {
        v.sort_by(|a: &org::Model, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    }
    Ok((members, orgs))
}
