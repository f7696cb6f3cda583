//! An account's own contact telephone (#17): a firm's contact writing a
//! case is its contact by default, with the number kept on 我的账号.

use sea_orm_migration::prelude::*;

use super::m20261129_000001_foundation::text;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000023_user_phone"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("users"))
                .add_column(text("phone", 20))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("users"))
                .drop_column(Alias::new("phone"))
                .to_owned(),
        )
        .await
    }
}
