//! Demo: Service staff (instructors, service agents, talent specialists, brokers, the four teams, chief service officers and their assistants), assignments to organisations, work logs, and the chief service officer's periodic report.

use kechuang_store::Db;

pub async fn load(_db: &Db) -> anyhow::Result<()> {
    Ok(())
}
