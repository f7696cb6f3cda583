//! Case attachments: files stored in chunks, with their checks and limits.

use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::{event, get, Actor};
use crate::{new_id, now, Db, Scope, StoreError, StoreResult};

/// Largest attachment accepted (bytes).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Attachments per case.
pub const MAX_ATTACHMENTS: u64 = 20;
const CHUNK: usize = 48 * 1024;

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
    use crate::entities::{attachment, attachment_chunk};
    use sha2::{Digest, Sha256};
    if bytes.is_empty() {
        return Err(StoreError::rule(ErrorCode::EmptyFile, "文件是空的"));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(StoreError::rule(
            ErrorCode::FileTooLarge,
            "单个附件不能超过10MB",
        ));
    }
    let name: String = filename
        .trim()
        .replace(['/', '\\', '"'], "_")
        .chars()
        .take(200)
        .collect();
    if name.is_empty() {
        return Err(StoreError::rule(ErrorCode::InvalidFilename, "请提供文件名"));
    }
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
        filename: Set(name.clone()),
        content_type: Set(content_type.chars().take(100).collect()),
        size: Set(bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(bytes))),
        uploaded_by: Set(actor.username.clone()),
        created_at: Set(now()),
    };
    let m = attachment::Entity::insert(m)
        .exec_with_returning(&tx)
        .await?;
    for (i, part) in bytes.chunks(CHUNK).enumerate() {
        attachment_chunk::Entity::insert(attachment_chunk::ActiveModel {
            id: Set(new_id()),
            attachment_id: Set(m.id.clone()),
            idx: Set(i as i32),
            data: Set(part.to_vec()),
        })
        .exec_without_returning(&tx)
        .await?;
    }
    event(
        &tx,
        &c.id,
        &actor.display_name,
        "attach",
        None,
        format!("上传附件：{name}（{}KB）", bytes.len().div_ceil(1024)),
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
    use crate::entities::{attachment, attachment_chunk};
    get(db, scope, case_id).await?;
    let m = attachment::Entity::find_by_id(id.to_string())
        .filter(attachment::Column::CaseId.eq(case_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut bytes = Vec::with_capacity(m.size.max(0) as usize);
    for c in attachment_chunk::Entity::find()
        .filter(attachment_chunk::Column::AttachmentId.eq(id))
        .order_by_asc(attachment_chunk::Column::Idx)
        .all(db)
        .await?
    {
        bytes.extend_from_slice(&c.data);
    }
    Ok((m, bytes))
}
