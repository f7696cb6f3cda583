//! Documents a firm or the funding department attaches to a funding
//! application (a tiered loan, a grant-to-equity application): one set of
//! rules for both tables — at most [`MAX_DOCUMENTS`] per application, each
//! file checked by `files::check` and kept in chunks by `files::write`.

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::entities::{grant_equity_document, loan_document};
use crate::files::Checked;
use crate::{Db, StoreError, StoreResult};
use kechuang_domain::ErrorCode;

/// Documents per application.
pub const MAX_DOCUMENTS: u64 = 20;

/// A table of documents, each row belonging to one application.
pub(crate) trait DocumentTable: EntityTrait {
    const ID: Self::Column;
    /// The column naming the application.
    const OWNER: Self::Column;
    const CREATED_AT: Self::Column;
    /// The new row for a checked file.
    fn row(owner_id: String, file: Checked, size: i64, actor: &str) -> Self::ActiveModel;
    /// The stored file's id and size.
    fn file(m: &Self::Model) -> (&str, i64);
}

/// The two tables have the same columns but for the one naming the
/// application.
macro_rules! document_table {
    ($table:ident, $owner:ident, $owner_field:ident) => {
        impl DocumentTable for $table::Entity {
            const ID: Self::Column = $table::Column::Id;
            const OWNER: Self::Column = $table::Column::$owner;
            const CREATED_AT: Self::Column = $table::Column::CreatedAt;
            fn row(owner_id: String, file: Checked, size: i64, actor: &str) -> Self::ActiveModel {
                use sea_orm::ActiveValue::Set;
                $table::ActiveModel {
                    id: Set(crate::new_id()),
                    $owner_field: Set(owner_id),
                    filename: Set(file.name),
                    content_type: Set(file.content_type),
                    size: Set(size),
                    sha256: Set(file.sha256),
                    uploaded_by: Set(actor.chars().take(64).collect()),
                    created_at: Set(crate::now()),
                }
            }
            fn file(m: &Self::Model) -> (&str, i64) {
                (&m.id, m.size)
            }
        }
    };
}

document_table!(loan_document, LoanId, loan_id);
document_table!(grant_equity_document, ApplicationId, application_id);

/// Attach a checked file to an application, inside the caller's write
/// transaction (where the application was read); `too_many` is the refusal
/// once it has [`MAX_DOCUMENTS`].
pub(crate) async fn attach<D, C>(
    tx: &C,
    owner_id: String,
    actor: &str,
    file: Checked,
    bytes: &[u8],
    too_many: &str,
) -> StoreResult<D::Model>
where
    D: DocumentTable,
    C: ConnectionTrait,
    D::Model: IntoActiveModel<D::ActiveModel> + Sync,
    D::ActiveModel: ActiveModelTrait<Entity = D> + ActiveModelBehavior + Send,
{
    let count = D::find()
        .filter(D::OWNER.eq(owner_id.as_str()))
        .count(tx)
        .await?;
    if count >= MAX_DOCUMENTS {
        return Err(StoreError::rule(ErrorCode::TooManyAttachments, too_many));
    }
    let m = D::insert(D::row(owner_id, file, bytes.len() as i64, actor))
        .exec_with_returning(tx)
        .await?;
    crate::files::write(tx, D::file(&m).0, bytes).await?;
    Ok(m)
}

/// An application's documents, oldest first.
pub(crate) async fn list<D: DocumentTable, C: ConnectionTrait>(
    db: &C,
    owner_id: &str,
) -> StoreResult<Vec<D::Model>> {
    Ok(D::find()
        .filter(D::OWNER.eq(owner_id))
        .order_by_asc(D::CREATED_AT)
        // Ids are UUIDv7: in creation order within the same second.
        .order_by_asc(D::ID)
        .all(db)
        .await?)
}

/// A document of an application and its bytes (404 when it belongs to
/// another).
pub(crate) async fn read<D: DocumentTable>(
    db: &Db,
    owner_id: &str,
    id: &str,
) -> StoreResult<(D::Model, Vec<u8>)> {
    let m = D::find()
        .filter(D::ID.eq(id))
        .filter(D::OWNER.eq(owner_id))
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)?;
    let (file_id, size) = D::file(&m);
    let bytes = crate::files::read(db, file_id, size).await?;
    Ok((m, bytes))
}
