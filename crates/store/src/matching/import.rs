//! Offers and needs imported from a spreadsheet, all or nothing: the web
//! layer reads and validates the rows into inputs; here every row is
//! checked again (rules and references, as `create` does), then all are
//! written in one transaction with multi-row inserts, their audit entries
//! and their change-feed rows. The first row refused rolls the whole file
//! back: its 1-based index in `rows` and the error come back (0 for an
//! error not of one row).

use kechuang_domain::matching::{ChangeKind, ListingStatus};
use kechuang_domain::ErrorCode;

use super::needs::{self, NeedInput};
use super::offers::{self, OfferInput};
use super::{changes, Actor, Refs};
use crate::{record, Db, StoreError, StoreResult};

/// What an import refused: the row (1-based; 0: the file as a whole) and why.
pub type ImportError = (usize, StoreError);

/// The status imported listings take: draft, pending (sent for review), or
/// published (a reviewer only).
fn check_status(actor: &Actor, status: ListingStatus) -> Result<(), ImportError> {
    match status {
        ListingStatus::Draft | ListingStatus::Pending => Ok(()),
        ListingStatus::Published if actor.reviews() => Ok(()),
        ListingStatus::Published => Err((
            0,
            StoreError::Forbidden {
                code: ErrorCode::Forbidden,
                message: "只有科创经纪人或科技主管部门可以直接导入为已发布".into(),
            },
        )),
        other => Err((
            0,
            StoreError::rule(
                ErrorCode::IllegalTransition,
                format!("导入的记录不能是“{}”状态", other.label_zh()),
            ),
        )),
    }
}

fn whole(e: impl Into<StoreError>) -> ImportError {
    (0, e.into())
}

/// Import offers in `status`; the new ids, in row order.
pub async fn offers(
    db: &Db,
    actor: &Actor,
    rows: Vec<OfferInput>,
    status: ListingStatus,
) -> Result<Vec<String>, ImportError> {
    check_status(actor, status)?;
    let tx = crate::db::begin_write(db).await.map_err(whole)?;
    let mut refs = Refs::default();
    let mut models = Vec::with_capacity(rows.len());
    for (k, i) in rows.into_iter().enumerate() {
        let place = offers::checked(&tx, actor, &i, &mut refs)
            .await
            .map_err(|e| (k + 1, e))?;
        models.push((
            actor.username.as_str(),
            offers::new_model(actor, i, place, status),
        ));
    }
    let ids = write(&tx, models, ChangeKind::Offer).await.map_err(whole)?;
    tx.commit().await.map_err(whole)?;
    Ok(ids)
}

/// Import needs in `status`; the new ids, in row order.
pub async fn needs(
    db: &Db,
    actor: &Actor,
    rows: Vec<NeedInput>,
    status: ListingStatus,
) -> Result<Vec<String>, ImportError> {
    check_status(actor, status)?;
    let tx = crate::db::begin_write(db).await.map_err(whole)?;
    let mut refs = Refs::default();
    let mut models = Vec::with_capacity(rows.len());
    for (k, i) in rows.into_iter().enumerate() {
        let place = needs::checked(&tx, actor, &i, &mut refs)
            .await
            .map_err(|e| (k + 1, e))?;
        models.push((
            actor.username.as_str(),
            needs::new_model(actor, i, place, status),
        ));
    }
    let ids = write(&tx, models, ChangeKind::Need).await.map_err(whole)?;
    tx.commit().await.map_err(whole)?;
    Ok(ids)
}

/// Insert the rows (audited) and their change-feed rows.
async fn write<C, A>(tx: &C, rows: Vec<(&str, A)>, kind: ChangeKind) -> StoreResult<Vec<String>>
where
    C: sea_orm::ConnectionTrait,
    A: sea_orm::ActiveModelTrait
        + sea_orm::ActiveModelBehavior
        + Send
        + sea_orm::TryIntoModel<<A::Entity as sea_orm::EntityTrait>::Model>,
    <A::Entity as sea_orm::EntityTrait>::Column: std::str::FromStr,
    <A::Entity as sea_orm::EntityTrait>::Model:
        sea_orm::IntoActiveModel<A> + serde::Serialize + Listed,
{
    let models = record::insert_many(tx, rows).await?;
    let ids: Vec<String> = models.iter().map(|m| m.id().to_string()).collect();
    let feed: Vec<(ChangeKind, &str, &str)> =
        ids.iter().map(|id| (kind, id.as_str(), "create")).collect();
    changes::append(tx, &feed).await?;
    Ok(ids)
}

/// A listing's id.
trait Listed {
    fn id(&self) -> &str;
}

impl Listed for crate::entities::offer::Model {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Listed for crate::entities::need::Model {
    fn id(&self) -> &str {
        &self.id
    }
}
