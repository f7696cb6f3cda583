//! Case attachments: files (crate::files) on a case, with the case's limits.

use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{event, get, Actor};
use crate::{new_id, now, Db, Scope, StoreError, StoreResult};

/// Largest attachment accepted (bytes).
pub const MAX_ATTACHMENT_BYTES: usize = crate::files::MAX_FILE_BYTES;
/// Attachments per case.
pub const MAX_ATTACHMENTS: u64 = 20;

/// Attach a file to a case (in chunks, in one transaction) and note it on the timeline.
pub async fn attach(
    db: &Db,
    scope: &Scope,
    actor: &Actor,
    case_id: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> StoreResult<crate::entities::attachment::Model> {
    use crate::entities::attachment;
    let file = crate::files::check(filename, content_type, bytes)?;
    let tx = crate::db::begin_write(db).await?;
    let c = get(&tx, scope, case_id).await?;
    let count = attachment::Entity::find()
        .filter(attachment::Column::CaseId.eq(case_id))
        .count(&tx)
        .await?;
    if count >= MAX_ATTACHMENTS {
        return Err(StoreError::rule(
            ErrorCode::TooManyAttachments,
            "每件诉求最多20个附件",
        ));
    }
    let m = attachment::ActiveModel {
        id: Set(new_id()),
        case_id: Set(c.id.clone()),
        filename: Set(file.name.clone()),
        content_type: Set(file.content_type),
        size: Set(bytes.len() as i64),
        sha256: Set(file.sha256),
        uploaded_by: Set(actor.username.clone()),
        created_at: Set(now()),
    };
    let m = attachment::Entity::insert(m)
        .exec_with_returning(&tx)
        .await?;
    crate::files::write(&tx, &m.id, bytes).await?;
    event(
        &tx,
        &c.id,
        &actor.display_name,
        "attach",
        None,
        format!(
            "上传附件：{}（{}KB）",
            file.name,
            bytes.len().div_ceil(1024)
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn attachments(
    db: &Db,
    case_id: &str,
) -> StoreResult<Vec<crate::entities::attachment::Model>> {
    use crate::entities::attachment;
    Ok(attachment::Entity::find()
        .filter(attachment::Column::CaseId.eq(case_id))
        .order_by_asc(attachment::Column::CreatedAt)
        .all(db)
        .await?)
}

/// An attachment and its bytes (the case must be in scope).
pub async fn attachment(
    db: &Db,
    scope: &Scope,
    case_id: &str,
    id: &str,
) -> StoreResult<(crate::entities::attachment::Model, Vec<u8>)> {
    use crate::entities::attachment;
    get(db, scope, case_id).await?;
    let m = attachment::Entity::find_by_id(id.to_string())
        .filter(attachment::Column::CaseId.eq(case_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let bytes = crate::files::read(db, &m.id, m.size).await?;
    Ok((m, bytes))
}
