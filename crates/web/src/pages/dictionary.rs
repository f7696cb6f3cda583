//! 数据字典: the code lists, read from `service::dictionary`, with a search
//! over list names, codes and Chinese names.

use askama::Template;
use axum::extract::Query;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{render, PageCtx, PageResult};
use crate::auth::PageUser;
use crate::service::dictionary::{self, Dictionary, EditableList};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct DictionaryQuery {
    /// Part of a list's name, a code or a Chinese name.
    pub q: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/dictionary.html")]
struct DictionaryPage {
    page: PageCtx,
    q: String,
    /// Areas in order, each with its lists (only those matching `q`).
    areas: Vec<(&'static str, Vec<Dictionary>)>,
    editable: Vec<EditableList>,
}

/// The lists matching a search: a list whose name or code matches shows
/// whole; otherwise only its matching values.
fn matching(q: &str, lists: Vec<Dictionary>) -> Vec<Dictionary> {
    if q.is_empty() {
        return lists;
    }
    lists
        .into_iter()
        .filter_map(|mut d| {
            if d.name.contains(q) || d.key.contains(q) || d.used_in.contains(q) {
                return Some(d);
            }
            d.items
                .retain(|i| i.code.contains(q) || i.label.contains(q));
            (!d.items.is_empty()).then_some(d)
        })
        .collect()
}

pub async fn page(
    State(s): State<AppState>,
    PageUser(p): PageUser,
    Query(q): Query<DictionaryQuery>,
) -> PageResult {
    let q = q.q.unwrap_or_default().trim().to_string();
    let mut areas: Vec<(&'static str, Vec<Dictionary>)> = vec![];
    for d in matching(&q, dictionary::fixed()) {
        match areas.iter_mut().find(|(a, _)| *a == d.area) {
            Some((_, lists)) => lists.push(d),
            None => areas.push((d.area, vec![d])),
        }
    }
    Ok(render(&DictionaryPage {
        page: PageCtx::new(&s, &p, "数据字典", "/dictionary", &[("数据字典", "")]),
        q,
        areas,
        editable: dictionary::editable(),
    }))
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/dictionary", get(page))
}
