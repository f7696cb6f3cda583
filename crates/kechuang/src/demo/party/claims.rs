//! Demo: Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).

use kechuang_store::Db;

pub async fn load(_db: &Db) -> anyhow::Result<()> {
    Ok(())
}
