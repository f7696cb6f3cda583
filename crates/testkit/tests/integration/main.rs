//! The integration suite: the real server on port 0 over a fresh database
//! (SQLite by default; PostgreSQL or MariaDB with KECHUANG_TEST_DATABASE_URL).

mod alliances;
mod case_admin;
mod cases;
mod cockpit;
mod edge;
mod events;
mod events_pages;
mod everyday;
mod firm;
mod foundation;
mod matching;
mod matching_demo;
mod matching_pages;
mod matching_vocabulary;
mod names;
mod open311;
mod party_accountability;
mod party_claims;
mod party_commitments;
mod party_meetings;
mod party_network;
mod party_races;
mod party_staff;
mod party_zones;
mod policies;
mod talent;
mod talent_demo;
mod talent_pages;
mod talent_sheets;
mod transfer;

use kechuang_domain::auth::Role;
use kechuang_domain::uscc;
use kechuang_testkit::{Api, TestApp};
use serde_json::{json, Value};

pub fn code(n: u32) -> String {
    uscc::complete(&format!("91500106MA{n:07}"))
        .unwrap()
        .to_string()
}

/// Where a redirect points (empty without one).
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The answer, checked to be `status` with the error `code`.
#[track_caller]
pub fn refused(got: (u16, Value), status: u16, code: &str) -> Value {
    assert_eq!(
        (got.0, got.1["code"].as_str()),
        (status, Some(code)),
        "{}",
        got.1
    );
    got.1
}

/// Post an .xlsx to an import endpoint as the multipart field `file`.
pub async fn upload_xlsx(api: &Api, path: &str, bytes: Vec<u8>) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("import.xlsx");
    Api::json(
        api.post(path)
            .multipart(reqwest::multipart::Form::new().part("file", part)),
    )
    .await
}

/// The (row, column) of each problem an import's refusal lists.
pub fn problem_cells(body: &Value) -> Vec<(i64, String)> {
    body["details"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems listed: {body}"))
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub async fn admin(app: &TestApp) -> Api {
    app.api_client("admin", Role::Admin, None, None).await
}

pub async fn create_org(api: &Api, name: &str, n: u32, extra: Value) -> Value {
    let mut body = json!({ "name": name, "kind": "enterprise", "uscc": code(n) });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, org) = Api::json(api.post("/api/v1/orgs").json(&body)).await;
    assert_eq!(status, 201, "create {name}: {org}");
    org
}

pub async fn create_department(api: &Api, name: &str, code: &str, parent: Option<&str>) -> Value {
    let (status, d) = Api::json(
        api.post("/api/v1/departments")
            .json(&json!({ "name": name, "code": code, "parent_id": parent.unwrap_or("") })),
    )
    .await;
    assert_eq!(status, 201, "{d}");
    d
}

/// An exported cell as the tests compare it: text as it is, numbers as Rust
/// prints them ("3000000", "0.0385"), dates in ISO form ("2024-06-01") and
/// moments to the minute ("2026-11-29 14:05"), never Excel's serial number.
pub fn cell_text(d: &calamine::Data) -> String {
    match d {
        calamine::Data::DateTime(t) => match t.as_datetime() {
            Some(at) if t.as_f64().fract() == 0.0 => at.format("%Y-%m-%d").to_string(),
            Some(at) => at.format("%Y-%m-%d %H:%M").to_string(),
            None => t.to_string(),
        },
        other => other.to_string(),
    }
}

/// The rows of an exported workbook's sheet (the first, or the one named),
/// each cell as [`cell_text`].
pub fn sheet_rows(bytes: &[u8], name: Option<&str>) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx file");
    let range = match name {
        Some(n) => wb.worksheet_range(n).expect("sheet"),
        None => wb.worksheet_range_at(0).expect("a sheet").expect("sheet"),
    };
    range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect()
}

/// A workbook of text cells (dates typed as text, as people often do).
pub fn text_xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A row of a ledger by column name, the other columns empty.
pub fn row_of(columns: &[&str], cells: &[(&str, &str)]) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            cells
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// [`text_xlsx`] of owned rows.
pub fn rows_xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    text_xlsx(&refs)
}

/// One part of an .xlsx (a zip archive) as text.
pub fn xlsx_part(bytes: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut s = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut s)
        .unwrap();
    s
}
