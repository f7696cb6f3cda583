//! Demo: Party organisations as a tree, the organisations they sit in, chain committees and their linked party organisations, members with recruitment stages, cross-appointments.

use kechuang_store::Db;

pub async fn load(_db: &Db) -> anyhow::Result<()> {
    Ok(())
}
