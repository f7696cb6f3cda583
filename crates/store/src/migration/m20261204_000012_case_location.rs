//! Where a case is about, as Open311 GeoReport v2 carries it: the address,
//! the position (WGS-84 degrees, kept as the decimal text the client sent, so
//! nothing is rounded) and a media link.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::col;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000012_case_location"
    }
}

const COLUMNS: [(&str, u32); 4] = [
    ("address", 255),
    ("latitude", 32),
    ("longitude", 32),
    ("media_url", 1000),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one at a time.
        for (name, len) in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("cases"))
                    .add_column(col(name).string_len(len).null())
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("cases"))
                    .drop_column(Alias::new(name))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
