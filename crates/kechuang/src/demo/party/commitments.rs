//! Demo: Public commitments (承诺践诺): pledges with due dates, progress reports with evidence, verification by the secretary.

use kechuang_store::Db;

pub async fn load(_db: &Db) -> anyhow::Result<()> {
    Ok(())
}
