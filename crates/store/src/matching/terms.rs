//! The matching vocabulary administrators keep (`matching_terms`): words
//! segmentation must keep whole and synonym groups, added to the engine's
//! shipped vocabulary. Stored as `domain::matching::normalise_term` gives
//! them; each (kind, text) once. Every change is audited and appended to
//! the change feed (kind `term`), so each replica re-reads
//! [`vocabulary`] and hands it to its engine.

use kechuang_domain::matching::{normalise_term, synonym_terms, ChangeKind, TermKind};
use kechuang_domain::ErrorCode;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::changes;
use crate::entities::matching_term;
use crate::{record, Db, StoreError, StoreResult};

/// The administrators' vocabulary, as the engine takes it
/// (`kechuang_matching::Vocabulary { words, synonym_groups }`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocab {
    pub words: Vec<String>,
    /// Each group's canonical term first.
    pub synonym_groups: Vec<Vec<String>>,
}

/// The entries (of one kind, or all), by kind and text.
pub async fn list(db: &Db, kind: Option<TermKind>) -> StoreResult<Vec<matching_term::Model>> {
    let mut q = matching_term::Entity::find();
    if let Some(k) = kind {
        q = q.filter(matching_term::Column::Kind.eq(k.as_str()));
    }
    Ok(q.order_by_asc(matching_term::Column::Kind)
        .order_by_asc(matching_term::Column::Text)
        .order_by_asc(matching_term::Column::Id)
        .all(db)
        .await?)
}

/// One entry (404 when missing).
pub async fn get(db: &Db, id: &str) -> StoreResult<matching_term::Model> {
    matching_term::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Every entry as the engine takes it.
pub async fn vocabulary(db: &Db) -> StoreResult<Vocab> {
    let mut v = Vocab::default();
    for t in list(db, None).await? {
        match TermKind::parse(&t.kind) {
            Some(TermKind::Word) => v.words.push(t.text),
            Some(TermKind::Synonym) => v.synonym_groups.push(synonym_terms(&t.text)),
            None => {}
        }
    }
    Ok(v)
}

fn normalised(kind: TermKind, text: &str) -> StoreResult<String> {
    let t = normalise_term(kind, text)
        .map_err(|m| StoreError::field(ErrorCode::InvalidTerm, "text", m))?;
    if t.chars().count() > 300 {
        return Err(StoreError::field(
            ErrorCode::InvalidTerm,
            "text",
            "同义词组过长（最多 300 个字），请拆成几组",
        ));
    }
    Ok(t)
}

fn duplicate(e: StoreError) -> StoreError {
    match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateTerm,
            message: "词库中已有这一项".into(),
        },
        other => other,
    }
}

/// Add a word or a synonym group (409 `duplicate_term` when there).
pub async fn create(
    db: &Db,
    actor: &str,
    kind: TermKind,
    text: &str,
) -> StoreResult<matching_term::Model> {
    let text = normalised(kind, text)?;
    let tx = crate::db::begin_write(db).await?;
    let m = record::insert(
        &tx,
        actor,
        matching_term::ActiveModel {
            kind: Set(kind.as_str().into()),
            text: Set(text),
            ..Default::default()
        },
    )
    .await
    .map_err(duplicate)?;
    changes::append(&tx, &[(ChangeKind::Term, &m.id, "create")]).await?;
    tx.commit().await?;
    Ok(m)
}

/// Change an entry read at `version`.
pub async fn update(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    kind: TermKind,
    text: &str,
) -> StoreResult<matching_term::Model> {
    let text = normalised(kind, text)?;
    let tx = crate::db::begin_write(db).await?;
    let before = matching_term::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = record::update(
        &tx,
        actor,
        "update",
        before,
        version,
        |am: &mut matching_term::ActiveModel| {
            am.kind = Set(kind.as_str().into());
            am.text = Set(text);
        },
    )
    .await
    .map_err(duplicate)?;
    changes::append(&tx, &[(ChangeKind::Term, &m.id, "update")]).await?;
    tx.commit().await?;
    Ok(m)
}

/// Remove an entry read at `version`.
pub async fn delete(db: &Db, actor: &str, id: &str, version: i32) -> StoreResult<()> {
    let tx = crate::db::begin_write(db).await?;
    let before = matching_term::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    record::delete(&tx, actor, before, version).await?;
    changes::append(&tx, &[(ChangeKind::Term, id, "delete")]).await?;
    tx.commit().await?;
    Ok(())
}
