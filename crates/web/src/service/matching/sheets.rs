//! Offers and needs in Excel: the export of a filtered list and the
//! all-or-nothing import, with the same columns (the import reads the
//! organisation by its credit code and ignores the export's name and status
//! columns), so an exported sheet imports again.

use kechuang_domain::auth::Permission;
use kechuang_domain::matching::ListingStatus;
use kechuang_store::matching::needs::{self as needs_store};
use kechuang_store::matching::offers::{self as offers_store};
use kechuang_store::matching::{import, Actor};
use kechuang_store::Principal;
use std::collections::HashMap;

use super::listings::{need_view, offer_view, NeedListQuery, OfferListQuery};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell, ImportFailure, ImportProblem, Table};
use crate::forms::matching::{NeedDraft, OfferDraft};
use crate::AppState;

pub const OFFER_COLUMNS: [&str; 15] = [
    "标题",
    "供给类型",
    "描述",
    "关键词",
    "技术领域",
    "技术成熟度",
    "合作方式",
    "价格下限（元）",
    "价格上限（元）",
    "所在地区",
    "持有单位统一社会信用代码",
    "联系人",
    "联系电话",
    "持有单位",
    "状态",
];

pub const NEED_COLUMNS: [&str; 16] = [
    "标题",
    "描述",
    "关键词",
    "技术领域",
    "技术成熟度下限",
    "技术成熟度上限",
    "合作方式",
    "预算（元）",
    "截止日期",
    "所在地区",
    "需求单位统一社会信用代码",
    "公开单位名称",
    "联系人",
    "联系电话",
    "需求单位",
    "状态",
];

fn money(f: Option<i64>) -> Cell {
    f.map(Cell::Money).unwrap_or(Cell::Empty)
}

fn num(v: Option<i32>) -> Cell {
    v.map(|x| Cell::Number(x as f64)).unwrap_or(Cell::Empty)
}

/// Credit codes of organisations by id (for the export).
async fn usccs(s: &AppState, ids: Vec<String>) -> ApiResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(&id) || id.is_empty() {
            continue;
        }
        if let Ok(o) = kechuang_store::orgs::get(&s.db, &kechuang_store::Scope::All, &id).await {
            out.insert(id, o.uscc.unwrap_or_default());
        }
    }
    Ok(out)
}

pub async fn offers_export(s: &AppState, p: &Principal, q: &OfferListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::MatchingRead)?;
    let rows = offers_store::list_all(
        &s.db,
        &Actor::of(p),
        &q.filter_for(p)?,
        excel::MAX_EXPORT_ROWS,
    )
    .await?;
    let codes = usccs(
        s,
        rows.iter().map(|r| r.offer.holder_org_id.clone()).collect(),
    )
    .await?;
    excel::workbook(
        "技术供给",
        &OFFER_COLUMNS,
        rows.into_iter().map(|r| {
            let v = offer_view(r);
            let o = &v.offer;
            vec![
                Cell::Text(o.title.clone()),
                Cell::Text(v.kind_label.clone()),
                Cell::Text(o.description.clone()),
                Cell::Text(o.keywords.clone()),
                Cell::Text(o.field.clone()),
                num(o.trl),
                Cell::Text(v.modes_label.clone()),
                money(o.price_min_fen),
                money(o.price_max_fen),
                Cell::Text(o.region.clone()),
                Cell::Text(codes.get(&o.holder_org_id).cloned().unwrap_or_default()),
                Cell::Text(o.contact_name.clone()),
                Cell::Text(o.contact_phone.clone()),
                Cell::Text(v.holder_name.clone()),
                Cell::Text(v.status_label.clone()),
            ]
        }),
    )
}

pub async fn needs_export(s: &AppState, p: &Principal, q: &NeedListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::MatchingRead)?;
    let rows = needs_store::list_all(
        &s.db,
        &Actor::of(p),
        &q.filter_for(p)?,
        excel::MAX_EXPORT_ROWS,
    )
    .await?;
    let codes = usccs(s, rows.iter().map(|r| r.need.org_id.clone()).collect()).await?;
    excel::workbook(
        "技术需求",
        &NEED_COLUMNS,
        rows.into_iter().map(|r| {
            let v = need_view(r);
            let n = &v.need;
            vec![
                Cell::Text(n.title.clone()),
                Cell::Text(n.description.clone()),
                Cell::Text(n.keywords.clone()),
                Cell::Text(n.field.clone()),
                num(n.trl_min),
                num(n.trl_max),
                Cell::Text(v.modes_label.clone()),
                money(n.budget_fen),
                n.deadline.map(Cell::Date).unwrap_or(Cell::Empty),
                Cell::Text(n.region.clone()),
                Cell::Text(codes.get(&n.org_id).cloned().unwrap_or_default()),
                Cell::Text(if n.name_public { "是" } else { "否" }.into()),
                Cell::Text(n.contact_name.clone()),
                Cell::Text(n.contact_phone.clone()),
                Cell::Text(v.org_name.clone()),
                Cell::Text(v.status_label.clone()),
            ]
        }),
    )
}

/// The organisation of a credit code in a row (a problem when unknown).
async fn org_of(
    s: &AppState,
    code: &str,
    cache: &mut HashMap<String, Option<String>>,
) -> ApiResult<Option<String>> {
    let code = code.trim().to_uppercase();
    if code.is_empty() {
        return Ok(None);
    }
    if let Some(v) = cache.get(&code) {
        return Ok(v.clone());
    }
    let id = kechuang_store::orgs::by_uscc(&s.db, &code)
        .await?
        .map(|o| o.id);
    cache.insert(code, id.clone());
    Ok(id)
}

/// Imported listings are published when a reviewer imports them, otherwise
/// they wait for review.
fn import_status(p: &Principal) -> ListingStatus {
    if p.can(Permission::MatchingReview) {
        ListingStatus::Published
    } else {
        ListingStatus::Pending
    }
}

fn problems(
    row: usize,
    fields: Vec<(&'static str, String)>,
    column: fn(&str) -> &'static str,
) -> Vec<ImportProblem> {
    fields
        .into_iter()
        .map(|(f, reason)| ImportProblem {
            row,
            column: column(f).into(),
            reason,
        })
        .collect()
}

fn offer_column(f: &str) -> &'static str {
    match f {
        "kind" => "供给类型",
        "description" => "描述",
        "keywords" => "关键词",
        "field" => "技术领域",
        "trl" => "技术成熟度",
        "modes" => "合作方式",
        "price_min" | "price_min_fen" => "价格下限（元）",
        "price_max" | "price_max_fen" => "价格上限（元）",
        "region" => "所在地区",
        "holder_org_id" => "持有单位统一社会信用代码",
        "contact_name" => "联系人",
        "contact_phone" => "联系电话",
        _ => "标题",
    }
}

fn need_column(f: &str) -> &'static str {
    match f {
        "description" => "描述",
        "keywords" => "关键词",
        "field" => "技术领域",
        "trl_min" => "技术成熟度下限",
        "trl_max" => "技术成熟度上限",
        "modes" => "合作方式",
        "budget" | "budget_fen" => "预算（元）",
        "deadline" => "截止日期",
        "region" => "所在地区",
        "org_id" => "需求单位统一社会信用代码",
        "contact_name" => "联系人",
        "contact_phone" => "联系电话",
        _ => "标题",
    }
}

/// The store's refusal of row `k` (1-based) as a problem of that row.
fn refused(
    e: (usize, kechuang_store::StoreError),
    rows: &[usize],
    column: fn(&str) -> &'static str,
) -> ImportFailure {
    let (k, e) = e;
    if k == 0 {
        return ImportFailure::Other(e.into());
    }
    let field = match &e {
        kechuang_store::StoreError::Field { field, .. } => column(field),
        _ => column("title"),
    };
    let api: ApiError = e.into();
    ImportFailure::Invalid(vec![ImportProblem {
        row: rows[k - 1],
        column: field.into(),
        reason: api.message,
    }])
}

pub async fn offers_import(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    super::listings::require_post(p)?;
    let t = Table::read(bytes, &["标题", "供给类型"])?;
    let own = super::listings::own_org(p).map(str::to_string);
    let (mut inputs, mut rows, mut bad) = (vec![], vec![], vec![]);
    let mut cache = HashMap::new();
    for (n, row) in t.rows() {
        let code = t.get(row, "持有单位统一社会信用代码");
        let holder = org_of(s, &code, &mut cache).await?;
        if !code.trim().is_empty() && holder.is_none() {
            bad.push(ImportProblem {
                row: n,
                column: "持有单位统一社会信用代码".into(),
                reason: "单位名录中没有该统一社会信用代码的单位，请先登记".into(),
            });
            continue;
        }
        let d = OfferDraft {
            kind: t.get(row, "供给类型"),
            title: t.get(row, "标题"),
            description: t.get(row, "描述"),
            keywords: t.get(row, "关键词"),
            field: t.get(row, "技术领域"),
            trl: t.get(row, "技术成熟度"),
            modes: t.get(row, "合作方式"),
            price_min: t.get(row, "价格下限（元）"),
            price_max: t.get(row, "价格上限（元）"),
            region: t.get(row, "所在地区"),
            holder_org_id: holder.unwrap_or_default(),
            contact_name: t.get(row, "联系人"),
            contact_phone: t.get(row, "联系电话"),
            ..Default::default()
        };
        match d.validate(own.as_deref()) {
            Ok(i) => {
                inputs.push(i);
                rows.push(n);
            }
            Err((_, f)) => bad.extend(problems(n, f, offer_column)),
        }
    }
    if !bad.is_empty() {
        return Err(ImportFailure::Invalid(bad));
    }
    let n = inputs.len();
    import::offers(&s.db, &Actor::of(p), inputs, import_status(p))
        .await
        .map_err(|e| refused(e, &rows, offer_column))?;
    Ok(n)
}

pub async fn needs_import(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, ImportFailure> {
    super::listings::require_post(p)?;
    let t = Table::read(bytes, &["标题"])?;
    let own = super::listings::own_org(p).map(str::to_string);
    let (mut inputs, mut rows, mut bad) = (vec![], vec![], vec![]);
    let mut cache = HashMap::new();
    for (n, row) in t.rows() {
        let code = t.get(row, "需求单位统一社会信用代码");
        let org = org_of(s, &code, &mut cache).await?;
        if !code.trim().is_empty() && org.is_none() {
            bad.push(ImportProblem {
                row: n,
                column: "需求单位统一社会信用代码".into(),
                reason: "单位名录中没有该统一社会信用代码的单位，请先登记".into(),
            });
            continue;
        }
        let public = t.get(row, "公开单位名称");
        let d = NeedDraft {
            title: t.get(row, "标题"),
            description: t.get(row, "描述"),
            keywords: t.get(row, "关键词"),
            field: t.get(row, "技术领域"),
            trl_min: t.get(row, "技术成熟度下限"),
            trl_max: t.get(row, "技术成熟度上限"),
            modes: t.get(row, "合作方式"),
            budget: t.get(row, "预算（元）"),
            deadline: t.get(row, "截止日期"),
            region: t.get(row, "所在地区"),
            org_id: org.unwrap_or_default(),
            name_public: !matches!(public.trim(), "否" | "不公开" | "false" | "0"),
            contact_name: t.get(row, "联系人"),
            contact_phone: t.get(row, "联系电话"),
            ..Default::default()
        };
        match d.validate(own.as_deref()) {
            Ok(i) => {
                inputs.push(i);
                rows.push(n);
            }
            Err((_, f)) => bad.extend(problems(n, f, need_column)),
        }
    }
    if !bad.is_empty() {
        return Err(ImportFailure::Invalid(bad));
    }
    let n = inputs.len();
    import::needs(&s.db, &Actor::of(p), inputs, import_status(p))
        .await
        .map_err(|e| refused(e, &rows, need_column))?;
    Ok(n)
}

/// The import templates: the columns, no rows.
pub fn template(offers: bool) -> ApiResult<Vec<u8>> {
    if offers {
        excel::workbook("技术供给", &OFFER_COLUMNS, std::iter::empty())
    } else {
        excel::workbook("技术需求", &NEED_COLUMNS, std::iter::empty())
    }
}
