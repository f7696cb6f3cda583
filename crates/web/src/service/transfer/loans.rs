//! Loan tiers and tiered loans (科企梯度贷).

use kechuang_domain::auth::Permission;
use kechuang_domain::transfer::Ladder;
use kechuang_store::entities::{loan, loan_document, loan_installment, loan_repayment, loan_tier};

pub use super::documents::DocumentView;
use kechuang_store::transfer::loans::{self, LoanFilter, TierTotals};
use kechuang_store::{Page, PageReq, Principal};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{name_of, non_empty, opt_bool};
use crate::auth::require;
use crate::error::{ApiError, ApiResult};
use crate::excel::{self, Cell};
use crate::forms::transfer::{
    ApplicationDraft, DatedDraft, LoanDecisionDraft, RepayDraft, TierDraft,
};
use crate::AppState;

/// The loan tiers (entry conditions, limits, rates, subsidy, risk sharing).
pub async fn tiers(s: &AppState, p: &Principal) -> ApiResult<Vec<loan_tier::Model>> {
    require(p, Permission::TransferRead)?;
    Ok(loans::tiers(&s.db).await?)
}

pub async fn create_tier(
    s: &AppState,
    p: &Principal,
    d: &TierDraft,
) -> ApiResult<loan_tier::Model> {
    require(p, Permission::FundingWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(loans::create_tier(&s.db, &p.username, input).await?)
}

pub async fn update_tier(
    s: &AppState,
    p: &Principal,
    id: &str,
    version: i32,
    d: &TierDraft,
) -> ApiResult<loan_tier::Model> {
    require(p, Permission::FundingWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(loans::update_tier(&s.db, &p.username, id, version, input).await?)
}

pub fn ladder_label(code: &str) -> String {
    Ladder::parse(code)
        .map(|l| l.label_zh().to_string())
        .unwrap_or_default()
}

/// The columns of the tiers' export, template and import. Rates are written
/// as text with their % sign, so an export reads back as it was.
pub const TIER_COLUMNS: [&str; 8] = [
    "梯度名称",
    "准入培育层级",
    "准入创新积分",
    "授信额度（元）",
    "年利率",
    "贴息",
    "风险池分担",
    "排序",
];

fn tier_row(t: &loan_tier::Model) -> Vec<Cell> {
    vec![
        Cell::Text(t.name.clone()),
        Cell::Text(ladder_label(&t.min_level)),
        Cell::from(t.min_score.map(|n| n.to_string())),
        Cell::Money(t.limit_fen),
        Cell::Text(bps_percent(t.rate_bps)),
        Cell::Text(bps_percent(t.subsidy_bps)),
        Cell::Text(format!(
            "{}.{}%",
            t.guarantee_permille / 10,
            t.guarantee_permille % 10
        )),
        Cell::Number(t.sort_order.into()),
    ]
}

/// The loan tiers as a workbook.
pub async fn tiers_export_bytes(s: &AppState, p: &Principal) -> ApiResult<Vec<u8>> {
    require(p, Permission::TransferRead)?;
    let tiers = loans::tiers(&s.db).await?;
    excel::workbook("贷款梯度", &TIER_COLUMNS, tiers.iter().map(tier_row))
}

/// The template: the columns and two example tiers.
pub fn tiers_template_bytes() -> ApiResult<Vec<u8>> {
    let rows = [
        [
            "高企贷",
            "高新技术企业",
            "",
            "5000000",
            "3.65%",
            "1.50%",
            "40.0%",
            "1",
        ],
        [
            "创新积分贷",
            "",
            "80",
            "2000000",
            "3.85%",
            "1.00%",
            "30.0%",
            "2",
        ],
    ];
    excel::workbook(
        "贷款梯度导入",
        &TIER_COLUMNS,
        rows.map(|r| r.into_iter().map(Cell::from).collect()),
    )
}

/// Validate every row with the form's rules, then import all or nothing; a
/// tier's name is its handle, so a name registered or repeated is refused.
pub async fn tiers_import_bytes(
    s: &AppState,
    p: &Principal,
    bytes: &[u8],
) -> Result<usize, excel::ImportFailure> {
    require(p, Permission::FundingWrite)?;
    let table = excel::Table::read(bytes, &["梯度名称", "授信额度（元）", "年利率"])?;
    let mut names: std::collections::HashMap<String, usize> = loans::tiers(&s.db)
        .await?
        .into_iter()
        .map(|t| (t.name, 0))
        .collect();
    let (mut problems, mut rows, mut rows_of) = (vec![], vec![], vec![]);
    for (row_no, row) in table.rows() {
        let cell = |c: &str| table.get(row, c).trim().to_string();
        let bad = |column: &str, reason: String| excel::ImportProblem {
            row: row_no,
            column: column.into(),
            reason,
        };
        let level = cell("准入培育层级");
        let min_level = Ladder::ALL
            .iter()
            .find(|l| l.label_zh() == level || l.as_str() == level)
            .map(|l| l.as_str().to_string())
            .unwrap_or(level);
        let draft = TierDraft {
            name: cell("梯度名称"),
            min_level,
            min_score: cell("准入创新积分"),
            limit_yuan: cell("授信额度（元）"),
            rate_percent: cell("年利率"),
            subsidy_percent: cell("贴息"),
            guarantee_percent: cell("风险池分担"),
            sort_order: cell("排序"),
        };
        match draft.validate() {
            Ok(input) => {
                match names.insert(input.name.clone(), row_no) {
                    Some(0) => problems.push(bad("梯度名称", "已有同名梯度".into())),
                    Some(first) => problems.push(bad("梯度名称", format!("与第{first}行重名"))),
                    None => {}
                }
                rows.push(input);
                rows_of.push(row_no);
            }
            Err((_, fields)) => problems.extend(fields.into_iter().map(|(f, reason)| {
                let column = match f {
                    "name" => "梯度名称",
                    "min_level" => "准入培育层级",
                    "min_score" => "准入创新积分",
                    "limit_yuan" => "授信额度（元）",
                    "rate_percent" => "年利率",
                    "subsidy_percent" => "贴息",
                    "guarantee_percent" => "风险池分担",
                    _ => "排序",
                };
                bad(column, reason)
            })),
        }
    }
    excel::finish_import(rows, rows_of, problems, "梯度名称", |rows| {
        loans::import_tiers(&s.db, &p.username, rows)
    })
    .await
}

/// A loan with names and its overdue flag.
#[derive(Serialize, ToSchema)]
pub struct LoanView {
    #[serde(flatten)]
    pub loan: loan::Model,
    pub status_label: String,
    pub org_name: String,
    pub tier_name: String,
    /// 培育层级中文
    pub ladder_label: String,
    /// 有逾期未还的期次
    pub overdue: bool,
}

pub async fn views(s: &AppState, items: Vec<loan::Model>) -> ApiResult<Vec<LoanView>> {
    let names = kechuang_store::names::of(
        &s.db,
        "orgs",
        items.iter().map(|l| l.org_id.clone()).collect::<Vec<_>>(),
    )
    .await?;
    let tiers: std::collections::HashMap<String, String> = loans::tiers(&s.db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let overdue = loans::overdue_ids(&s.db).await?;
    Ok(items
        .into_iter()
        .map(|l| LoanView {
            status_label: loans::status_label(&l.status).into(),
            org_name: name_of(&names, &Some(l.org_id.clone())),
            tier_name: name_of(&tiers, &l.tier_id),
            ladder_label: ladder_label(&l.ladder),
            overdue: l.status == "repaying" && overdue.contains(&l.id),
            loan: l,
        })
        .collect())
}

pub async fn view(s: &AppState, l: loan::Model) -> ApiResult<LoanView> {
    Ok(views(s, vec![l]).await?.remove(0))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoanListQuery {
    /// 关键词：贷款编号、企业名称、银行
    pub q: Option<String>,
    /// applied / rejected / approved / repaying / repaid / compensated
    pub status: Option<String>,
    pub tier_id: Option<String>,
    /// 企业 id
    pub org_id: Option<String>,
    /// 只看逾期：true
    pub overdue: Option<String>,
    /// (documented by `Paging`)
    #[param(ignore)]
    pub page: Option<u64>,
    #[param(ignore)]
    pub per_page: Option<u64>,
}

impl LoanListQuery {
    pub fn filter(&self) -> ApiResult<LoanFilter> {
        Ok(LoanFilter {
            q: non_empty(&self.q),
            status: non_empty(&self.status),
            tier_id: non_empty(&self.tier_id),
            org_id: non_empty(&self.org_id),
            overdue: opt_bool("overdue", &self.overdue)?.unwrap_or(false),
        })
    }
}

/// One page of the list for the query, with labels and names.
pub async fn list(s: &AppState, p: &Principal, q: &LoanListQuery) -> ApiResult<Page<LoanView>> {
    require(p, Permission::TransferRead)?;
    let page = loans::list(&s.db, &q.filter()?, PageReq::new(q.page, q.per_page)?).await?;
    let (total, pg, per) = (page.total, page.page, page.per_page);
    Ok(Page {
        items: views(s, page.items).await?,
        total,
        page: pg,
        per_page: per,
    })
}

/// Basis points as a percentage: 385 → "3.85%".
pub fn bps_percent(bps: i32) -> String {
    format!("{}.{:02}%", bps / 100, bps % 100)
}

pub async fn export_bytes(s: &AppState, p: &Principal, q: &LoanListQuery) -> ApiResult<Vec<u8>> {
    require(p, Permission::TransferRead)?;
    let rows = views(s, loans::list_all(&s.db, &q.filter()?, 100_000).await?).await?;
    excel::workbook(
        "科企梯度贷",
        &[
            "贷款编号",
            "企业",
            "培育层级",
            "创新积分",
            "梯度",
            "状态",
            "逾期",
            "申请金额（元）",
            "审批金额（元）",
            "期限（月）",
            "年利率",
            "贴息",
            "风险分担",
            "银行",
            "申请日期",
            "放款日期",
            "代偿金额（元）",
        ],
        rows.into_iter().map(|v| {
            let l = v.loan;
            vec![
                Cell::Text(l.loan_no),
                Cell::Text(v.org_name),
                Cell::Text(v.ladder_label),
                Cell::Number(l.score.into()),
                Cell::Text(v.tier_name),
                Cell::Text(v.status_label),
                Cell::Text(if v.overdue { "是" } else { "否" }.into()),
                Cell::Money(l.requested_fen),
                Cell::Money(l.amount_fen),
                Cell::Number(l.term_months.into()),
                Cell::bps(l.rate_bps.into()),
                Cell::bps(l.subsidy_bps.into()),
                Cell::permille(l.guarantee_permille.into()),
                Cell::Text(l.bank),
                Cell::Date(l.applied_on),
                Cell::from(l.disbursed_on),
                Cell::Money(l.compensated_fen),
            ]
        }),
    )
}

pub async fn apply(s: &AppState, p: &Principal, d: &ApplicationDraft) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let input = d.validate().map_err(ApiError::from_fields)?;
    Ok(loans::apply(&s.db, &p.username, input).await?)
}

#[derive(Serialize, ToSchema)]
pub struct LoanDetailView {
    pub loan: LoanView,
    pub installments: Vec<loan_installment::Model>,
    pub repayments: Vec<loan_repayment::Model>,
    /// 未还本金（分）
    pub outstanding_fen: i64,
    /// 申请材料
    pub documents: Vec<DocumentView>,
}

pub async fn detail(s: &AppState, p: &Principal, id: &str) -> ApiResult<LoanDetailView> {
    require(p, Permission::TransferRead)?;
    let l = loans::get(&s.db, id).await?;
    let installments = loans::installments(&s.db, id).await?;
    Ok(LoanDetailView {
        outstanding_fen: outstanding(&l, &installments),
        documents: documents(s, id).await?,
        repayments: loans::repayments(&s.db, id).await?,
        installments,
        loan: view(s, l).await?,
    })
}

pub async fn decide(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &LoanDecisionDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let (amount, reason, on) = d.validate().map_err(ApiError::from_fields)?;
    Ok(loans::decide(&s.db, &p.username, id, d.version, amount, reason, on).await?)
}

pub async fn disburse(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DatedDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let on = d.validate().map_err(ApiError::from_fields)?;
    Ok(loans::disburse(&s.db, &p.username, id, d.version, on).await?)
}

pub async fn repay(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &RepayDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let (fen, on) = d.validate().map_err(ApiError::from_fields)?;
    Ok(loans::repay(&s.db, &p.username, id, d.version, fen, on).await?)
}

pub async fn compensate(
    s: &AppState,
    p: &Principal,
    id: &str,
    d: &DatedDraft,
) -> ApiResult<loan::Model> {
    require(p, Permission::FundingWrite)?;
    let on = d.validate().map_err(ApiError::from_fields)?;
    Ok(loans::compensate(&s.db, &p.username, id, d.version, on).await?)
}

pub async fn totals_of(s: &AppState, p: &Principal) -> ApiResult<Vec<TierTotals>> {
    require(p, Permission::TransferRead)?;
    Ok(loans::totals(&s.db).await?)
}

/// Principal not yet repaid (0 unless the loan is being repaid).
pub fn outstanding(l: &loan::Model, installments: &[loan_installment::Model]) -> i64 {
    if l.status != "repaying" {
        return 0;
    }
    installments
        .iter()
        .map(|k| k.principal_fen - k.paid_principal_fen)
        .sum()
}

// ---- documents of an application ----

async fn documents(s: &AppState, id: &str) -> ApiResult<Vec<DocumentView>> {
    Ok(loans::documents(&s.db, id)
        .await?
        .into_iter()
        .map(DocumentView::from)
        .collect())
}

/// The firm's own loan, for its own account (404 for another firm's).
pub(crate) async fn own_loan(s: &AppState, p: &Principal, id: &str) -> ApiResult<loan::Model> {
    require(p, Permission::FundingApply)?;
    let l = loans::get(&s.db, id).await?;
    if p.org_id.as_deref() != Some(l.org_id.as_str()) {
        return Err(ApiError::not_found());
    }
    Ok(l)
}

/// The loan a caller may see documents of: staff of the area read any, a
/// firm its own.
async fn readable(s: &AppState, p: &Principal, id: &str) -> ApiResult<loan::Model> {
    if p.can(Permission::TransferRead) {
        Ok(loans::get(&s.db, id).await?)
    } else {
        own_loan(s, p, id).await
    }
}

/// Add a document: the funding department at any time, the firm to its own
/// application while it waits for the decision.
pub async fn attach_document(
    s: &AppState,
    p: &Principal,
    id: &str,
    u: crate::files::Upload,
) -> ApiResult<DocumentView> {
    if !p.can(Permission::FundingWrite) {
        let l = own_loan(s, p, id).await?;
        if l.status != "applied" {
            return Err(ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                kechuang_domain::ErrorCode::LoanState,
                format!(
                    "贷款已是“{}”，不能再补充材料；如需补充请联系审批部门",
                    loans::status_label(&l.status)
                ),
            ));
        }
    }
    Ok(loans::attach(
        &s.db,
        &p.username,
        id,
        &u.filename,
        &u.content_type,
        &u.bytes,
    )
    .await?
    .into())
}

/// A document and its bytes.
pub async fn document(
    s: &AppState,
    p: &Principal,
    id: &str,
    doc: &str,
) -> ApiResult<(loan_document::Model, Vec<u8>)> {
    readable(s, p, id).await?;
    Ok(loans::document(&s.db, id, doc).await?)
}
