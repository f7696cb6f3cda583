//! The one portable migration set. Written with SeaORM's schema builder only,
//! so the same statements run on SQLite, PostgreSQL and MySQL/MariaDB.

use sea_orm_migration::prelude::*;

mod m20261129_000001_foundation;
mod m20261129_000002_cases;
mod m20261129_000003_outbox;
mod m20261129_000004_cycle;
mod m20261129_000005_attachments;
mod m20261129_000006_list_indexes;
mod m20261129_000007_transfer;
mod m20261129_000008_party;
mod m20261129_000009_work_log_indexes;
pub mod m20261129_000010_case_departments;
mod m20261129_000011_case_grams;
mod m20261204_000012_case_location;
mod m20261205_000013_events;
mod m20261205_000014_matching;
mod m20261206_000015_talent;
mod m20261206_000016_reported_figures;
mod m20261206_000017_self_service;
mod m20261206_000018_frozen_periods;
mod m20261206_000019_case_channel_index;
mod m20261206_000020_zone_mechanisms;
mod m20261206_000021_settings;
mod m20261207_000022_grant_equity_applications;
mod m20261208_000023_user_phone;
mod m20261209_000024_job_runs;
mod m20261210_000025_policies;
mod m20261210_000026_import_locks;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_foundation::Migration),
            Box::new(m20261129_000002_cases::Migration),
            Box::new(m20261129_000003_outbox::Migration),
            Box::new(m20261129_000004_cycle::Migration),
            Box::new(m20261129_000005_attachments::Migration),
            Box::new(m20261129_000006_list_indexes::Migration),
            Box::new(m20261129_000007_transfer::Migration),
            Box::new(m20261129_000008_party::Migration),
            Box::new(m20261129_000009_work_log_indexes::Migration),
            Box::new(m20261129_000010_case_departments::Migration),
            Box::new(m20261129_000011_case_grams::Migration),
            Box::new(m20261204_000012_case_location::Migration),
            Box::new(m20261205_000013_events::Migration),
            Box::new(m20261205_000014_matching::Migration),
            Box::new(m20261206_000015_talent::Migration),
            Box::new(m20261206_000016_reported_figures::Migration),
            Box::new(m20261206_000017_self_service::Migration),
            Box::new(m20261206_000018_frozen_periods::Migration),
            Box::new(m20261206_000019_case_channel_index::Migration),
            Box::new(m20261206_000020_zone_mechanisms::Migration),
            Box::new(m20261206_000021_settings::Migration),
            Box::new(m20261207_000022_grant_equity_applications::Migration),
            Box::new(m20261208_000023_user_phone::Migration),
            Box::new(m20261209_000024_job_runs::Migration),
            Box::new(m20261210_000025_policies::Migration),
            Box::new(m20261210_000026_import_locks::Migration),
        ]
    }
}
