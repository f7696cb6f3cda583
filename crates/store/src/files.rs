//! Files kept in the database in chunks, so every replica serves them and a
//! backup holds them: the checks every upload passes, and writing and
//! reading the chunks (table `attachment_chunks`, keyed by the owning file's
//! id: a case attachment or a loan document).

use kechuang_domain::ErrorCode;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entities::attachment_chunk;
use crate::{new_id, StoreError, StoreResult};

/// Largest file accepted (bytes).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
const CHUNK: usize = 48 * 1024;

/// An uploaded file that passed the checks: its stored name and digest.
pub struct Checked {
    pub name: String,
    pub content_type: String,
    pub sha256: String,
}

/// Refuse an empty or too large file or one without a name; the name keeps
/// no path separators or quotes (it goes into a download header).
pub fn check(filename: &str, content_type: &str, bytes: &[u8]) -> StoreResult<Checked> {
    use sha2::{Digest, Sha256};
    if bytes.is_empty() {
        return Err(StoreError::rule(ErrorCode::EmptyFile, "文件是空的"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(StoreError::rule(
            ErrorCode::FileTooLarge,
            "单个文件不能超过10MB",
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
    Ok(Checked {
        name,
        content_type: content_type.chars().take(100).collect(),
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

/// Store a file's bytes under its id (inside the caller's transaction).
pub async fn write<C: ConnectionTrait>(tx: &C, file_id: &str, bytes: &[u8]) -> StoreResult<()> {
    for (i, part) in bytes.chunks(CHUNK).enumerate() {
        attachment_chunk::Entity::insert(attachment_chunk::ActiveModel {
            id: Set(new_id()),
            attachment_id: Set(file_id.to_string()),
            idx: Set(i as i32),
            data: Set(part.to_vec()),
        })
        .exec_without_returning(tx)
        .await?;
    }
    Ok(())
}

/// A file's bytes, in order.
pub async fn read<C: ConnectionTrait>(db: &C, file_id: &str, size: i64) -> StoreResult<Vec<u8>> {
    let mut bytes = Vec::with_capacity(size.max(0) as usize);
    for c in attachment_chunk::Entity::find()
        .filter(attachment_chunk::Column::AttachmentId.eq(file_id))
        .order_by_asc(attachment_chunk::Column::Idx)
        .all(db)
        .await?
    {
        bytes.extend_from_slice(&c.data);
    }
    Ok(bytes)
}
