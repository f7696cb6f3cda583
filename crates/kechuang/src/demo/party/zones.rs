//! Demo: Member responsibility zones (党员责任区): their members and the organisations they cover.

use kechuang_store::Db;

pub async fn load(_db: &Db) -> anyhow::Result<()> {
    Ok(())
}
