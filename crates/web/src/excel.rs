//! Excel in and out: every list exports through [`xlsx_response`]; imports
//! read the first sheet with [`read_rows`] (calamine).

use std::io::Cursor;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use crate::error::{ApiError, ApiResult};

/// A cell of an exported sheet.
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.into())
    }
}

/// Build an .xlsx with one sheet: a bold header row, then rows. Rows are
/// written in constant-memory mode, so large exports stay small in RAM.
pub fn workbook(
    sheet: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> ApiResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet_with_constant_memory();
    ws.set_name(sheet).map_err(ApiError::internal)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(ApiError::internal)?;
        ws.set_column_width(c as u16, 16)
            .map_err(ApiError::internal)?;
    }
    for (r, row) in rows.into_iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                Cell::Number(n) => ws.write_number(r, c, n).map(|_| ()),
            }
            .map_err(ApiError::internal)?;
        }
    }
    wb.save_to_buffer().map_err(ApiError::internal)
}

/// Most rows one export writes (exports honour the list's filters, not its page).
pub const MAX_EXPORT_ROWS: u64 = 50_000;

/// A timestamp in Beijing time as exports show it: "2026-11-29 14:05".
pub fn beijing_minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&crate::pages::cst())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// An .xlsx download named in Chinese (RFC 5987 filename*).
pub fn xlsx_response(filename: &str, bytes: Vec<u8>) -> Response {
    let encoded = crate::auth::urlencode(filename).replace('+', "%20");
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"export.xlsx\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// All rows of the first sheet as text (header row included). Broken or
/// non-xlsx files give a 400 with `invalid_excel`.
pub fn read_rows(bytes: &[u8]) -> ApiResult<Vec<Vec<String>>> {
    let bad = || {
        ApiError::bad_request(
            "invalid_excel",
            "无法读取该文件：请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）",
        )
    };
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| bad())?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(bad)?
        .map_err(|_| bad())?;
    Ok(range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect())
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => {
            if *b {
                "是".into()
            } else {
                "否".into()
            }
        }
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|t| t.date().to_string())
            .unwrap_or_else(|| dt.to_string()),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e:?}"),
    }
}

/// An .xlsx laid out the way a committee files a list: a title row merged
/// across every column (row 1), a bold header row (row 2), then the rows,
/// wrapped, with the given column widths (missing widths are 16).
pub fn titled_workbook(
    sheet: &str,
    title: &str,
    headers: &[&str],
    widths: &[f64],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> ApiResult<Vec<u8>> {
    use rust_xlsxwriter::{FormatAlign, FormatBorder};
    let mut wb = Workbook::new();
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let head_fmt = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let cell_fmt = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(ApiError::internal)?;
    let last = headers.len().saturating_sub(1) as u16;
    if last > 0 {
        ws.merge_range(0, 0, 0, last, title, &title_fmt)
            .map_err(ApiError::internal)?;
    } else {
        ws.write_string_with_format(0, 0, title, &title_fmt)
            .map_err(ApiError::internal)?;
    }
    ws.set_row_height(0, 30).map_err(ApiError::internal)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &head_fmt)
            .map_err(ApiError::internal)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(16.0))
            .map_err(ApiError::internal)?;
    }
    for (r, row) in rows.into_iter().enumerate() {
        let r = r as u32 + 2;
        for (c, cell) in row.into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string_with_format(r, c, s, &cell_fmt).map(|_| ()),
                Cell::Number(n) => ws.write_number_with_format(r, c, n, &cell_fmt).map(|_| ()),
            }
            .map_err(ApiError::internal)?;
        }
    }
    wb.save_to_buffer().map_err(ApiError::internal)
}

/// One sheet of a workbook built by [`workbook_sheets`].
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Build an .xlsx with several sheets, each a bold header row, then rows
/// (for a report with sections, e.g. the chief service officer's report).
pub fn workbook_sheets(sheets: Vec<Sheet>) -> ApiResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for sheet in sheets {
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(&sheet.name).map_err(ApiError::internal)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(ApiError::internal)?;
            ws.set_column_width(c as u16, 16)
                .map_err(ApiError::internal)?;
        }
        for (r, row) in sheet.rows.into_iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.into_iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s).map(|_| ()),
                    Cell::Number(n) => ws.write_number(r, c, n).map(|_| ()),
                }
                .map_err(ApiError::internal)?;
            }
        }
    }
    wb.save_to_buffer().map_err(ApiError::internal)
}
