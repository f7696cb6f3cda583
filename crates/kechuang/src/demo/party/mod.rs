//! Demo records of the party-building area, shaped like the article: 40+
//! party organisations, 20+ instructors, 45 responsibility zones, 700+
//! pledges, three vanguard teams, a race with results, 40 claimed projects,
//! officers and assistants held to account by name, assistant–instructor
//! threads, and the AI chain committee's programme of joint actions.
//! `network` runs first; the others find its organisations and members.

mod accountability;
mod claims;
mod commitments;
mod meetings;
mod network;
mod programmes;
mod races;
mod staff;
mod zones;

use kechuang_store::Db;

pub async fn load(db: &Db) -> anyhow::Result<()> {
    network::load(db).await?;
    commitments::load(db).await?;
    races::load(db).await?;
    meetings::load(db).await?;
    zones::load(db).await?;
    staff::load(db).await?;
    claims::load(db).await?;
    accountability::load(db).await?;
    programmes::load(db).await?;
    Ok(())
}
