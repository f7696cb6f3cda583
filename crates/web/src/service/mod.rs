//! One service per area: what the API, the pages, Open311 and Excel imports share. A service
//! function takes the caller and a parsed draft, checks permission and scope, applies the rules,
//! calls the store once and returns a view. `api/` and `pages/` are thin adapters over it and
//! never import each other.

pub mod alliances;
pub mod calendar;
pub mod cases;
pub mod chains;
pub mod cockpit;
pub mod dated_names;
pub mod departments;
pub mod dictionary;
pub mod event_sheets;
pub mod events;
pub mod firm;
pub mod matching;
pub mod messages;
pub mod orgs;
pub mod party;
pub mod policies;
pub mod registration_sheets;
pub mod talent;
pub mod transfer;
pub mod user_sheets;
pub mod users;
pub mod webhooks;
