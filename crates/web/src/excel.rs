//! Excel in and out: every list exports through [`xlsx_response`]; imports
//! read the first sheet with [`read_rows`] (calamine, cell by cell).
//!
//! Exports write amounts, percentages and counts as numbers with a display
//! format and dates as dates, freeze the header row and set a filter on it.
//! Text a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, or a tab
//! or carriage return first) is written behind an apostrophe, so it stays
//! text when the cell is edited or the sheet saved as CSV; the import takes
//! that apostrophe off again.
//!
//! Imports are bounded whatever is uploaded: the archive is inflated once
//! into nothing, counting real bytes (declared sizes can lie), and refused
//! past [`MAX_INFLATED`]; the sheet is then read cell by cell, refused past
//! 10000 data rows, [`MAX_COLUMNS`] columns or [`MAX_INFLATED`] of text.

use kechuang_domain::ErrorCode;
use std::borrow::Cow;
use std::io::{self, Cursor, Read};

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use calamine::{open_workbook_from_rs, DataRef, Reader, Xlsx};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::{ApiError, ApiResult};

/// A cell of an exported sheet.
pub enum Cell {
    /// Text, neutralised if a spreadsheet would read it as a formula.
    Text(String),
    /// A plain number (a count, a rank).
    Number(f64),
    /// An amount in fen, shown in yuan: 1,234.50.
    Money(i64),
    /// A fraction shown as a percentage with the given decimals (0.0385, 2 → 3.85%).
    Percent(f64, u8),
    /// A number shown with the given decimals (a cycle time: 3.5).
    Decimal(f64, u8),
    /// A calendar date.
    Date(NaiveDate),
    /// A moment, shown in Beijing time to the minute.
    DateTime(DateTime<Utc>),
    /// Nothing (no value, not an empty text).
    Empty,
}

impl Cell {
    /// Per mille (1000 = 100%) as a percentage with one decimal.
    pub fn permille(p: i64) -> Cell {
        Cell::Percent(p as f64 / 1_000.0, 1)
    }
    /// Basis points (10000 = 100%) as a percentage with two decimals.
    pub fn bps(b: i64) -> Cell {
        Cell::Percent(b as f64 / 10_000.0, 2)
    }
    /// Parts per million (10^6 = 100%) as a percentage with four decimals.
    pub fn ppm(p: i64) -> Cell {
        Cell::Percent(p as f64 / 1_000_000.0, 4)
    }
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
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}
impl From<DateTime<Utc>> for Cell {
    fn from(t: DateTime<Utc>) -> Self {
        Cell::DateTime(t)
    }
}
/// A missing value is an empty cell.
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// What a spreadsheet takes for the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a text needs an apostrophe in front to stay text: it starts like
/// a formula, or with apostrophes before one (so that taking one apostrophe
/// off on import gives back exactly what was written).
fn looks_like_formula(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(FORMULA_START)
}

/// `=1+2` → `'=1+2`; other text as it is.
fn neutralised(s: String) -> String {
    if looks_like_formula(&s) {
        format!("'{s}")
    } else {
        s
    }
}

/// The inverse of [`neutralised`], for text read back by an import.
fn unneutralised(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => s,
    }
}

/// The formats of one sheet's cells, built on a base format (borders,
/// wrapping) shared by every cell.
struct Formats {
    text: Format,
    number: Format,
    money: Format,
    /// By decimals, 0 to 4.
    percent: Vec<Format>,
    decimal: Vec<Format>,
    date: Format,
    datetime: Format,
    /// Written for [`Cell::Empty`] where the base format shows (borders).
    blank: Option<Format>,
}

impl Formats {
    fn on(base: Format, date: &str, bordered: bool) -> Self {
        let decimals = |d: usize| "0".repeat(d);
        Formats {
            text: base.clone(),
            number: base.clone(),
            money: base.clone().set_num_format("#,##0.00"),
            percent: (0..=4)
                .map(|d| {
                    let f = if d == 0 {
                        "0%".to_string()
                    } else {
                        format!("0.{}%", decimals(d))
                    };
                    base.clone().set_num_format(f)
                })
                .collect(),
            decimal: (0..=4)
                .map(|d| {
                    let f = if d == 0 {
                        "#,##0".to_string()
                    } else {
                        format!("#,##0.{}", decimals(d))
                    };
                    base.clone().set_num_format(f)
                })
                .collect(),
            date: base.clone().set_num_format(date),
            datetime: base.clone().set_num_format("yyyy-mm-dd hh:mm"),
            blank: bordered.then_some(base),
        }
    }
}

fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// Write one cell. Dates Excel cannot hold (before 1900) are written as text.
fn put(ws: &mut Worksheet, r: u32, c: u16, cell: Cell, f: &Formats) -> Result<(), XlsxError> {
    let pick = |v: &[Format], d: u8| v[usize::from(d).min(v.len() - 1)].clone();
    match cell {
        Cell::Text(s) => {
            ws.write_string_with_format(r, c, neutralised(s), &f.text)?;
        }
        Cell::Number(n) => {
            ws.write_number_with_format(r, c, n, &f.number)?;
        }
        Cell::Money(fen) => {
            ws.write_number_with_format(r, c, fen as f64 / 100.0, &f.money)?;
        }
        Cell::Percent(x, d) => {
            ws.write_number_with_format(r, c, x, &pick(&f.percent, d))?;
        }
        Cell::Decimal(x, d) => {
            ws.write_number_with_format(r, c, x, &pick(&f.decimal, d))?;
        }
        Cell::Date(d) => match excel_date(d) {
            Some(dt) => {
                ws.write_datetime_with_format(r, c, dt, &f.date)?;
            }
            None => {
                ws.write_string_with_format(r, c, d.to_string(), &f.text)?;
            }
        },
        Cell::DateTime(t) => {
            let l = t.with_timezone(&crate::format::cst()).naive_local();
            let dt = excel_date(l.date()).and_then(|d| {
                d.and_hms(l.hour() as u16, l.minute() as u8, l.second())
                    .ok()
            });
            match dt {
                Some(dt) => {
                    ws.write_datetime_with_format(r, c, dt, &f.datetime)?;
                }
                None => {
                    let s = l.format("%Y-%m-%d %H:%M").to_string();
                    ws.write_string_with_format(r, c, s, &f.text)?;
                }
            }
        }
        Cell::Empty => {
            if let Some(b) = &f.blank {
                ws.write_blank(r, c, b)?;
            }
        }
    }
    Ok(())
}

/// The header row at `top`, the rows below it, the header frozen and a
/// filter over header and rows. Missing widths are 16.
fn fill(
    ws: &mut Worksheet,
    top: u32,
    headers: &[&str],
    head_fmt: &Format,
    widths: &[f64],
    rows: impl IntoIterator<Item = Vec<Cell>>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(top, c, *h, head_fmt)?;
        ws.set_column_width(c, widths.get(usize::from(c)).copied().unwrap_or(16.0))?;
    }
    let mut last = top;
    for (r, row) in rows.into_iter().enumerate() {
        last = top + 1 + r as u32;
        for (c, cell) in row.into_iter().enumerate() {
            put(ws, last, c as u16, cell, formats)?;
        }
    }
    ws.set_freeze_panes(top + 1, 0)?;
    if !headers.is_empty() {
        ws.autofilter(top, 0, last, headers.len() as u16 - 1)?;
    }
    Ok(())
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
    let formats = Formats::on(Format::new(), "yyyy-mm-dd", false);
    let ws = wb.add_worksheet_with_constant_memory();
    ws.set_name(sheet).map_err(ApiError::internal)?;
    fill(ws, 0, headers, &bold, &[], rows, &formats).map_err(ApiError::internal)?;
    wb.save_to_buffer().map_err(ApiError::internal)
}

/// Most rows one export writes (exports honour the list's filters, not its page).
pub const MAX_EXPORT_ROWS: u64 = 50_000;

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

/// Most bytes an import file may inflate to, all its parts together; also
/// the most text its cells may hold (a shared string can be used by many).
pub const MAX_INFLATED: u64 = 32 * 1024 * 1024;
/// Most parts in an import file (an .xlsx has a dozen or so).
const MAX_ENTRIES: usize = 1000;
/// Most data rows one import reads (the header row comes on top).
pub const MAX_IMPORT_ROWS: u32 = 10_000;
/// Most columns an import sheet may use.
pub const MAX_COLUMNS: u32 = 64;
/// Bad cells listed before reading stops.
const MAX_PROBLEMS: usize = 1000;

fn invalid_excel() -> ApiError {
    ApiError::bad_request(
        ErrorCode::InvalidExcel,
        "无法读取该文件：请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）",
    )
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::ExcelTooLarge,
        format!(
            "文件内容过大：解压后超过{}MB，请删除多余内容或分批导入",
            MAX_INFLATED >> 20
        ),
    )
}

/// Inflate every part of the archive into nothing, counting what comes
/// out: refused past [`MAX_INFLATED`] in all, whatever the sizes declared.
fn check_inflated(bytes: &[u8]) -> ApiResult<()> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| invalid_excel())?;
    if zip.len() > MAX_ENTRIES {
        return Err(invalid_excel());
    }
    let mut left = MAX_INFLATED;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|_| invalid_excel())?;
        if part.size() > left {
            return Err(too_large());
        }
        let n = io::copy(&mut part.take(left + 1), &mut io::sink()).map_err(|_| invalid_excel())?;
        if n > left {
            return Err(too_large());
        }
        left -= n;
    }
    Ok(())
}

/// "A", …, "Z", "AA", … for a 0-based column.
fn column_letters(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// An import sheet read under its header row: the columns by name, and the
/// data rows with the row numbers a person sees in Excel (the header is row
/// 1, or row 2 below a printed list's one-cell title row).
pub struct Table {
    col: std::collections::HashMap<String, usize>,
    data: Vec<Vec<String>>,
    /// The header's row in Excel: 1, or 2 below a title row.
    header_row: usize,
}

impl Table {
    /// Read an upload and check its header: 400 `empty_file` without rows,
    /// `invalid_template` when a `required` column is missing,
    /// `too_many_rows` beyond 10,000 data rows.
    pub fn read(bytes: &[u8], required: &[&str]) -> Result<Table, ImportFailure> {
        Table::of_rows(read_rows(bytes)?, required)
    }

    /// The sheet named `sheet` read as [`Table::read`] reads the first;
    /// `None` when the workbook has no such sheet or it is empty.
    pub fn read_sheet(
        bytes: &[u8],
        sheet: &str,
        required: &[&str],
    ) -> Result<Option<Table>, ImportFailure> {
        match read_rows_of(bytes, Some(sheet))? {
            Some(rows) if !rows.is_empty() => Table::of_rows(rows, required).map(Some),
            _ => Ok(None),
        }
    }

    fn of_rows(mut rows: Vec<Vec<String>>, required: &[&str]) -> Result<Table, ImportFailure> {
        if rows.is_empty() {
            return Err(ApiError::bad_request(
                ErrorCode::EmptyFile,
                "文件是空的：请使用导入模板填写后上传",
            )
            .into());
        }
        let columns = |row: &[String]| -> std::collections::HashMap<String, usize> {
            row.iter()
                .enumerate()
                .map(|(i, h)| (h.trim().to_string(), i))
                .collect()
        };
        let has_all = |col: &std::collections::HashMap<String, usize>| {
            required.iter().all(|c| col.contains_key(*c))
        };
        // A printed list's title row above the header (导出的“2026年度…清单”:
        // one cell, no header of its own) is skipped.
        let title_only = rows[0].iter().filter(|c| !c.trim().is_empty()).count() == 1;
        let header_row = match rows.get(1).map(|r| columns(r.as_slice())) {
            Some(second) if title_only && !has_all(&columns(&rows[0])) && has_all(&second) => 2,
            _ => 1,
        };
        let data = rows.split_off(header_row);
        let col = columns(&rows[header_row - 1]);
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !col.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidTemplate,
                format!("表头缺少列：{}。请下载导入模板", missing.join("、")),
            )
            .into());
        }
        if data.len() > 10_000 {
            return Err(ApiError::bad_request(
                ErrorCode::TooManyRows,
                "单次最多导入10000行，请分批导入",
            )
            .into());
        }
        Ok(Table {
            col,
            data,
            header_row,
        })
    }

    /// The non-blank data rows: (row number in Excel, the row).
    pub fn rows(&self) -> impl Iterator<Item = (usize, &[String])> {
        self.data
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.iter().all(|c| c.trim().is_empty()))
            .map(move |(i, r)| (i + self.header_row + 1, r.as_slice()))
    }

    /// A row's cell under a column name; empty when the column or cell is absent.
    pub fn get(&self, row: &[String], name: &str) -> String {
        self.col
            .get(name)
            .and_then(|&i| row.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

/// All rows of the first sheet as text (header row included; the rows and
/// columns before the first used cell left out). Broken or non-xlsx files
/// give a 400 `invalid_excel`, oversized ones a 413 `excel_too_large`, too
/// many rows or columns a 400 (`too_many_rows`, `too_many_columns`); cells
/// holding control characters are import problems (422 `import_invalid`,
/// naming row and column).
pub fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ImportFailure> {
    read_rows_of(bytes, None)?.ok_or_else(|| invalid_excel().into())
}

/// The rows of the sheet named `sheet` (else of the first sheet), as
/// [`read_rows`] reads them; `None` when the workbook has no such sheet.
pub fn read_rows_of(
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<Option<Vec<Vec<String>>>, ImportFailure> {
    check_inflated(bytes)?;
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| invalid_excel())?;
    let names = wb.sheet_names();
    let Some(chosen) = (match sheet {
        Some(name) => names.into_iter().find(|n| n.trim() == name),
        None => names.into_iter().next(),
    }) else {
        return Ok(None);
    };
    let mut cells = wb
        .worksheet_cells_reader(&chosen)
        .map_err(|_| invalid_excel())?;
    // Rows from the first used row on, cells at their absolute column.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut first_row: Option<u32> = None;
    let mut first_col = u32::MAX;
    let mut text_bytes = 0u64;
    let mut bad: Vec<(usize, u32)> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| invalid_excel())? {
        let (r, c) = cell.get_position();
        let text: Cow<str> = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => Cow::Borrowed(s.as_str()),
            DataRef::SharedString(s) => Cow::Borrowed(*s),
            other => Cow::Owned(value_text(other)),
        };
        if text.trim().is_empty() {
            continue;
        }
        let top = *first_row.get_or_insert(r);
        // Cells come row by row; one above the first row means a broken file.
        let i = r.checked_sub(top).ok_or_else(invalid_excel)?;
        if i > MAX_IMPORT_ROWS {
            return Err(ApiError::bad_request(
                ErrorCode::TooManyRows,
                format!("单次最多导入{MAX_IMPORT_ROWS}行，请分批导入"),
            )
            .into());
        }
        if c >= MAX_COLUMNS {
            return Err(ApiError::bad_request(
                ErrorCode::TooManyColumns,
                format!("表格最多{MAX_COLUMNS}列：请使用导入模板，删除多余的列后重新上传"),
            )
            .into());
        }
        text_bytes += text.len() as u64;
        if text_bytes > MAX_INFLATED {
            return Err(too_large().into());
        }
        let i = i as usize;
        if kechuang_domain::text::check(&text).is_err() {
            bad.push((i, c));
            if bad.len() >= MAX_PROBLEMS {
                break;
            }
            continue;
        }
        first_col = first_col.min(c);
        if rows.len() <= i {
            rows.resize_with(i + 1, Vec::new);
        }
        let row = &mut rows[i];
        if row.len() <= c as usize {
            row.resize(c as usize + 1, String::new());
        }
        row[c as usize] = unneutralised(text.trim()).to_string();
    }
    if !bad.is_empty() {
        // The header: the first row, or the second below a one-cell title row.
        let filled = |r: &Vec<String>| r.iter().filter(|c| !c.trim().is_empty()).count();
        let at = match rows.as_slice() {
            [first, second, ..] if filled(first) == 1 && filled(second) > 1 => 1,
            _ => 0,
        };
        let header = rows.get(at);
        let problems = bad
            .into_iter()
            .map(|(i, c)| ImportProblem {
                row: i + 1,
                column: header
                    .and_then(|h| h.get(c as usize))
                    .filter(|h| !h.trim().is_empty() && i > at)
                    .map(|h| h.trim().to_string())
                    .unwrap_or_else(|| format!("{}列", column_letters(c))),
                reason: "含有不可见的控制字符（如 NUL），请删除后重新上传".into(),
            })
            .collect();
        return Err(ImportFailure::Invalid(problems));
    }
    let skip = first_col.min(MAX_COLUMNS) as usize;
    for row in &mut rows {
        row.drain(..skip.min(row.len()));
    }
    Ok(Some(rows))
}

/// A date cell as import text: “2026-06-01”, or with its time to the
/// second where it has one (“2026-06-01 09:30:15”). A spreadsheet stores
/// a moment as a fraction of a day, read back to the nearest second.
fn moment_text(t: chrono::NaiveDateTime) -> String {
    let t = t + chrono::Duration::milliseconds(500);
    let t = t.with_nanosecond(0).unwrap_or(t);
    if t.time() == chrono::NaiveTime::MIN {
        t.date().to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// A cell that is not a string, as import text.
fn value_text(d: &DataRef) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(true) => "是".into(),
        DataRef::Bool(false) => "否".into(),
        DataRef::DateTime(dt) => dt
            .as_datetime()
            .map(moment_text)
            .unwrap_or_else(|| dt.to_string()),
        DataRef::DateTimeIso(s) => chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .map(moment_text)
            .unwrap_or_else(|_| s.chars().take(10).collect()),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("{e:?}"),
    }
}

/// An .xlsx laid out the way a committee files a list: a title row merged
/// across every column (row 1), a bold header row (row 2), then the rows,
/// wrapped, with the given column widths (missing widths are 16). Dates
/// read "2026年1月31日".
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
    let formats = Formats::on(cell_fmt, r#"yyyy"年"m"月"d"日""#, true);
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(ApiError::internal)?;
    let title = neutralised(title.to_string());
    let last = headers.len().saturating_sub(1) as u16;
    if last > 0 {
        ws.merge_range(0, 0, 0, last, &title, &title_fmt)
            .map_err(ApiError::internal)?;
    } else {
        ws.write_string_with_format(0, 0, title, &title_fmt)
            .map_err(ApiError::internal)?;
    }
    ws.set_row_height(0, 30).map_err(ApiError::internal)?;
    fill(ws, 1, headers, &head_fmt, widths, rows, &formats).map_err(ApiError::internal)?;
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
    let formats = Formats::on(Format::new(), "yyyy-mm-dd", false);
    for sheet in sheets {
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(&sheet.name).map_err(ApiError::internal)?;
        let headers: Vec<&str> = sheet.headers.iter().map(String::as_str).collect();
        fill(ws, 0, &headers, &bold, &[], sheet.rows, &formats).map_err(ApiError::internal)?;
    }
    wb.save_to_buffer().map_err(ApiError::internal)
}

// ---- Uploads and import failures (shared by every Excel import) ----

/// One bad cell of an import file.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema, PartialEq)]
pub struct ImportProblem {
    /// Excel 行号（表头为第1行）
    pub row: usize,
    /// 列名
    pub column: String,
    pub reason: String,
}

/// Why an import was refused.
pub enum ImportFailure {
    /// Bad cells: nothing was imported.
    Invalid(Vec<ImportProblem>),
    Other(ApiError),
}

/// Whether a row's key is new to the import: not in the register (Err
/// `already`, which says what is registered) nor an earlier row's (Err
/// “与第N行重复”). A ledger imported twice is refused, never doubled.
pub fn new_key<K: Eq + std::hash::Hash>(
    registered: &std::collections::HashSet<K>,
    seen: &mut std::collections::HashMap<K, usize>,
    key: K,
    row: usize,
    already: impl FnOnce(&K) -> String,
) -> Result<(), String> {
    if registered.contains(&key) {
        return Err(already(&key));
    }
    match seen.insert(key, row) {
        Some(first) => Err(format!("与第{first}行重复")),
        None => Ok(()),
    }
}

/// A yes/no cell: “是” is yes, empty or “否” no; anything else is not read
/// as either (Err says to write “是” for `meaning`, or leave it empty).
pub fn yes_or_empty(written: &str, meaning: &str) -> Result<bool, String> {
    match written.trim() {
        "" | "否" => Ok(false),
        "是" => Ok(true),
        other => Err(format!("“{other}”请写“是”（{meaning}）或留空")),
    }
}

/// One id for a name in an imported file, or why not (`what` is the kind of
/// record, `place` the page that keeps them). An empty name is `None`.
pub fn one_of(
    names: &std::collections::HashMap<String, Vec<String>>,
    name: &str,
    what: &str,
    place: &str,
) -> Result<Option<String>, String> {
    match names.get(name).map(Vec::as_slice) {
        _ if name.is_empty() => Ok(None),
        Some([id]) => Ok(Some(id.clone())),
        Some(ids) if ids.len() > 1 => Err(format!(
            "有 {} 个名为“{name}”的{what}，请先在{place}中改名区分",
            ids.len()
        )),
        _ => Err(format!("{what}“{name}”不存在，请填写{place}中的名称")),
    }
}

/// The end of an all-or-nothing import, once every row is read: a file
/// without rows is a 400, bad cells a 422 listing them all by row, else
/// `write` stores the checked rows in one transaction; a row it refuses
/// (known only while writing) is a 422 naming that row under `column`.
/// `rows_of[k]` is the sheet row of the k-th checked row.
pub async fn finish_import<T, Fut>(
    rows: Vec<T>,
    rows_of: Vec<usize>,
    problems: Vec<ImportProblem>,
    column: &str,
    write: impl FnOnce(Vec<T>) -> Fut,
) -> Result<usize, ImportFailure>
where
    Fut: std::future::Future<Output = Result<usize, (usize, kechuang_store::StoreError)>>,
{
    finish_import_by_field(rows, rows_of, problems, |_| column, write).await
}

/// [`finish_import`] where a row the store refuses over one field is
/// named under that field's column: `column_of(Some(field))`, else
/// `column_of(None)`.
pub async fn finish_import_by_field<'c, T, Fut>(
    rows: Vec<T>,
    rows_of: Vec<usize>,
    mut problems: Vec<ImportProblem>,
    column_of: impl Fn(Option<&str>) -> &'c str,
    write: impl FnOnce(Vec<T>) -> Fut,
) -> Result<usize, ImportFailure>
where
    Fut: std::future::Future<Output = Result<usize, (usize, kechuang_store::StoreError)>>,
{
    if rows.is_empty() && problems.is_empty() {
        return Err(ApiError::bad_request(ErrorCode::EmptyFile, "文件中没有数据行").into());
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(ImportFailure::Invalid(problems));
    }
    match write(rows).await {
        Ok(n) => Ok(n),
        Err((_, e @ kechuang_store::StoreError::Db(_))) => Err(ApiError::from(e).into()),
        Err((k, e)) => {
            let field = match &e {
                kechuang_store::StoreError::Field { field, .. } => Some(field.clone()),
                _ => None,
            };
            Err(ImportFailure::Invalid(vec![ImportProblem {
                row: rows_of.get(k).copied().unwrap_or(2),
                column: column_of(field.as_deref()).into(),
                reason: ApiError::from(e).message,
            }]))
        }
    }
}

impl From<ApiError> for ImportFailure {
    fn from(e: ApiError) -> Self {
        ImportFailure::Other(e)
    }
}

impl From<kechuang_store::StoreError> for ImportFailure {
    fn from(e: kechuang_store::StoreError) -> Self {
        ImportFailure::Other(e.into())
    }
}

impl From<ImportFailure> for ApiError {
    /// Bad cells become a 422 `import_invalid` with `details.problems`.
    fn from(f: ImportFailure) -> Self {
        match f {
            ImportFailure::Other(e) => e,
            ImportFailure::Invalid(problems) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ImportInvalid,
                format!(
                    "发现{}处错误，未导入任何数据，请修改后重新上传",
                    problems.len()
                ),
            )
            .with_details(serde_json::json!({ "problems": problems })),
        }
    }
}

/// Read the uploaded file field of a multipart form.
pub async fn upload(mp: axum::extract::Multipart) -> ApiResult<Vec<u8>> {
    crate::files::read_upload(mp, "请选择要上传的 Excel 文件（表单字段名 file）")
        .await
        .map(|u| u.bytes)
}

// The answer of an import (no doc comment: it would become the schema's description).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub imported: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_round_trips_through_the_apostrophe() {
        for s in ["=1+2", "+86 138", "-5", "@SUM(A1)", "\tx", "'=x", "''+y"] {
            let written = neutralised(s.to_string());
            assert!(written.starts_with('\''), "{s:?}");
            assert_eq!(unneutralised(&written), s);
        }
        for s in ["普通文本", "'quoted", "1+2", "a=b", ""] {
            assert_eq!(neutralised(s.to_string()), s);
            assert_eq!(unneutralised(s), s);
        }
    }

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(63), "BL");
    }
}
