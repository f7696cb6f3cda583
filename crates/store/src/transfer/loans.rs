//! Tiered loans (科企梯度贷): tiers set by the committee follow the firm's
//! place on the cultivation ladder or its innovation score; an application
//! is assessed into a tier, approved up to the tier's limit, disbursed with
//! an equal-principal schedule, repaid (interest first, earliest first),
//! marked overdue when an installment is past due, and compensated from the
//! risk pool for the guaranteed share when it defaults.

use chrono::NaiveDate;
use kechuang_domain::transfer::{allocate, assess, compensation, schedule, Ladder, Owed, TierRule};
use kechuang_domain::ErrorCode;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;

use super::rule;
use crate::clock::today;
use crate::entities::{loan, loan_document, loan_installment, loan_repayment, loan_tier, org};
use crate::orgs::require_org;
use crate::{money, record, Db, Page, PageReq, StoreError, StoreResult};

pub const STATUSES: [(&str, &str); 6] = [
    ("applied", "待审批"),
    ("rejected", "未通过"),
    ("approved", "已审批待放款"),
    ("repaying", "还款中"),
    ("repaid", "已结清"),
    ("compensated", "已代偿"),
];

pub fn status_label(s: &str) -> &'static str {
    STATUSES
        .iter()
        .find(|(c, _)| *c == s)
        .map(|(_, l)| *l)
        .unwrap_or("未知")
}

// ---- tiers ----

#[derive(Clone, Debug, PartialEq)]
pub struct TierInput {
    pub name: String,
    pub min_level: Option<Ladder>,
    pub min_score: Option<i32>,
    pub limit_fen: i64,
    pub rate_bps: i32,
    pub subsidy_bps: i32,
    pub guarantee_permille: i32,
    pub sort_order: i32,
}

pub async fn tiers<C: ConnectionTrait>(db: &C) -> StoreResult<Vec<loan_tier::Model>> {
    Ok(loan_tier::Entity::find()
        .order_by_asc(loan_tier::Column::SortOrder)
        .order_by_asc(loan_tier::Column::Name)
        .all(db)
        .await?)
}

fn check_tier(i: &TierInput) -> StoreResult<()> {
    if i.name.trim().is_empty()
        || i.limit_fen <= 0
        || (i.min_level.is_none() && i.min_score.is_none())
        || i.subsidy_bps > i.rate_bps
        || !(0..=1000).contains(&i.guarantee_permille)
    {
        return Err(StoreError::rule(
            ErrorCode::InvalidTier,
            "梯度须有名称、大于 0 的额度、准入条件（培育层级或创新积分至少一项），贴息不高于利率，担保比例在 0～100% 之间",
        ));
    }
    Ok(())
}

fn apply_tier(am: &mut loan_tier::ActiveModel, i: TierInput) {
    am.name = Set(i.name.trim().into());
    am.min_level = Set(i
        .min_level
        .map(|l| l.as_str().to_string())
        .unwrap_or_default());
    am.min_score = Set(i.min_score);
    am.limit_fen = Set(i.limit_fen);
    am.rate_bps = Set(i.rate_bps);
    am.subsidy_bps = Set(i.subsidy_bps);
    am.guarantee_permille = Set(i.guarantee_permille);
    am.sort_order = Set(i.sort_order);
}

pub async fn create_tier(db: &Db, actor: &str, i: TierInput) -> StoreResult<loan_tier::Model> {
    check_tier(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let mut am = loan_tier::ActiveModel::default();
    apply_tier(&mut am, i);
    let m = record::insert(&tx, actor, am).await?;
    tx.commit().await?;
    Ok(m)
}

/// Register many tiers in one transaction, all or nothing (the error names
/// the row index that failed).
pub async fn import_tiers(
    db: &Db,
    actor: &str,
    rows: Vec<TierInput>,
) -> Result<usize, (usize, StoreError)> {
    let tx = crate::imports::begin(db, "loan_tiers").await?;
    let n = rows.len();
    for (k, i) in rows.into_iter().enumerate() {
        check_tier(&i).map_err(|e| (k, e))?;
        let mut am = loan_tier::ActiveModel::default();
        apply_tier(&mut am, i);
        let t = record::insert(&tx, actor, am).await.map_err(|e| (k, e))?;
        let same = loan_tier::Entity::find()
            .filter(loan_tier::Column::Name.eq(t.name.clone()))
            .count(&tx)
            .await
            .map_err(|e| (k, e.into()))?;
        crate::imports::only_one(same, || format!("贷款档位“{}”", t.name)).map_err(|e| (k, e))?;
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(n)
}

pub async fn update_tier(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    i: TierInput,
) -> StoreResult<loan_tier::Model> {
    check_tier(&i)?;
    let tx = crate::db::begin_write(db).await?;
    let before = loan_tier::Entity::find_by_id(id.to_string())
        .one(&tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let m = record::update(&tx, actor, "update", before, version, |am| {
        apply_tier(am, i)
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

fn rule_of(t: &loan_tier::Model) -> TierRule {
    TierRule {
        min_level: Ladder::parse(&t.min_level),
        min_score: t.min_score.map(|s| s.max(0) as u32),
        limit_fen: t.limit_fen,
    }
}

/// The firm's place on the cultivation ladder from its register entry:
/// the "小巨人" tag, then the 专精特新, 高新 and 科技型中小企业 flags.
pub fn ladder_of(o: &org::Model) -> Option<Ladder> {
    if o.tags.split(',').any(|t| t.contains("小巨人")) {
        Some(Ladder::LittleGiant)
    } else if o.is_specialized {
        Some(Ladder::Specialized)
    } else if o.is_high_tech {
        Some(Ladder::HighTech)
    } else if o.is_tech_sme {
        Some(Ladder::TechSme)
    } else {
        None
    }
}

// ---- loans ----

#[derive(Clone, Debug, PartialEq)]
pub struct ApplicationInput {
    /// Empty: the next number of the application's year (TDD-2026-017).
    pub loan_no: String,
    pub org_id: String,
    /// Innovation score (创新积分), 0 when none.
    pub score: i32,
    pub requested_fen: i64,
    pub term_months: i32,
    pub bank: String,
    pub purpose: String,
    pub applied_on: NaiveDate,
    /// The firm's own account, when the firm applied online.
    pub applied_by: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct LoanFilter {
    pub q: Option<String>,
    /// One firm's loans.
    pub org_id: Option<String>,
    pub status: Option<String>,
    pub tier_id: Option<String>,
    /// Only loans with an installment past due and unpaid.
    pub overdue: bool,
}

fn overdue_loans(on: NaiveDate) -> sea_orm::sea_query::SelectStatement {
    use loan_installment::Column as I;
    Query::select()
        .column(I::LoanId)
        .from(loan_installment::Entity)
        .and_where(I::DueOn.lt(on))
        .and_where(I::SettledOn.is_null())
        .to_owned()
}

fn filtered(f: &LoanFilter) -> Select<loan::Entity> {
    use loan::Column as C;
    let mut q = loan::Entity::find();
    if let Some(t) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(crate::like::contains(C::LoanNo, t))
                .add(crate::like::contains(C::Bank, t))
                .add(
                    C::OrgId.in_subquery(
                        Query::select()
                            .column(org::Column::Id)
                            .from(org::Entity)
                            .and_where(crate::like::contains(org::Column::Name, t))
                            .to_owned(),
                    ),
                ),
        );
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(C::Status.eq(s));
    }
    if let Some(t) = &f.tier_id {
        q = q.filter(C::TierId.eq(t.clone()));
    }
    if let Some(o) = &f.org_id {
        q = q.filter(C::OrgId.eq(o.clone()));
    }
    if f.overdue {
        q = q
            .filter(C::Status.eq("repaying"))
            .filter(C::Id.in_subquery(overdue_loans(today())));
    }
    q.order_by_desc(C::AppliedOn).order_by_asc(C::LoanNo)
}

pub async fn list(db: &Db, f: &LoanFilter, p: PageReq) -> StoreResult<Page<loan::Model>> {
    let q = filtered(f);
    crate::page::fetch(db, q, p).await
}

pub async fn list_all(db: &Db, f: &LoanFilter, cap: u64) -> StoreResult<Vec<loan::Model>> {
    Ok(filtered(f).limit(cap).all(db).await?)
}

/// Ids of loans with an installment past due and unpaid today.
pub async fn overdue_ids(db: &Db) -> StoreResult<Vec<String>> {
    let rows: Vec<String> = loan_installment::Entity::find()
        .select_only()
        .column(loan_installment::Column::LoanId)
        .filter(loan_installment::Column::DueOn.lt(today()))
        .filter(loan_installment::Column::SettledOn.is_null())
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}

pub async fn get<C: ConnectionTrait>(db: &C, id: &str) -> StoreResult<loan::Model> {
    loan::Entity::find_by_id(id.to_string())
        .one(db)
        .await?
        .ok_or(StoreError::NotFound)
}

/// An application, assessed into the best tier open to the firm (by its
/// ladder level from the register, or its innovation score).
pub async fn apply(db: &Db, actor: &str, i: ApplicationInput) -> StoreResult<loan::Model> {
    if i.requested_fen <= 0 || i.term_months <= 0 || i.term_months > 120 {
        return Err(StoreError::rule(
            ErrorCode::InvalidLoan,
            "申请金额须大于 0，期限在 1～120 个月之间",
        ));
    }
    let tx = crate::db::begin_write(db).await?;
    let firm = require_org(&tx, &i.org_id, "申请企业").await?;
    let loan_no = match i.loan_no.trim() {
        "" => next_loan_no(&tx, i.applied_on).await?,
        no => no.to_string(),
    };
    let ladder = ladder_of(&firm);
    let all = tiers(&tx).await?;
    let rules: Vec<TierRule> = all.iter().map(rule_of).collect();
    let tier = assess(&rules, ladder, i.score.max(0) as u32).map(|k| &all[k]);
    let (status, note) = match tier {
        Some(_) => ("applied", String::new()),
        None => (
            "rejected",
            "未达到任何梯度的准入条件（培育层级或创新积分）".to_string(),
        ),
    };
    let m = record::insert(
        &tx,
        actor,
        loan::ActiveModel {
            loan_no: Set(loan_no),
            org_id: Set(i.org_id),
            tier_id: Set(tier.map(|t| t.id.clone())),
            status: Set(status.into()),
            ladder: Set(ladder.map(|l| l.as_str().to_string()).unwrap_or_default()),
            score: Set(i.score),
            requested_fen: Set(i.requested_fen),
            amount_fen: Set(0),
            term_months: Set(i.term_months),
            rate_bps: Set(tier.map(|t| t.rate_bps).unwrap_or(0)),
            subsidy_bps: Set(tier.map(|t| t.subsidy_bps).unwrap_or(0)),
            guarantee_permille: Set(tier.map(|t| t.guarantee_permille).unwrap_or(0)),
            bank: Set(i.bank),
            purpose: Set(i.purpose),
            applied_on: Set(i.applied_on),
            decided_on: Set(tier.is_none().then_some(i.applied_on)),
            disbursed_on: Set(None),
            compensated_fen: Set(0),
            note: Set(note),
            applied_by: Set(i.applied_by.clone()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict {
            code: ErrorCode::Duplicate,
            ..
        } => StoreError::Conflict {
            code: ErrorCode::DuplicateLoanNo,
            message: "贷款编号已存在".into(),
        },
        other => other,
    })?;
    if m.applied_by.is_some() && m.status == "applied" {
        // An application made online waits on the funding departments' desk.
        let notes = crate::departments::funding_ids(&tx)
            .await?
            .into_iter()
            .map(|d| crate::cases::Note {
                department_id: Some(d),
                user_id: None,
                title: format!("企业在线申请梯度贷：{}", firm.name),
                body: format!(
                    "{} 申请 {} 元、{} 个月，请审批。",
                    firm.name,
                    kechuang_domain::money::Money::from_fen(m.requested_fen),
                    m.term_months
                ),
                link: format!("/transfer/loans/{}", m.id),
            })
            .collect();
        let hooks = crate::outbox::active_webhooks(&tx).await?;
        crate::cases::notify_many(&tx, &hooks, notes).await?;
    }
    tx.commit().await?;
    Ok(m)
}

/// The next number of the year an application was made in: TDD-2026-017.
async fn next_loan_no<C: ConnectionTrait>(tx: &C, on: NaiveDate) -> StoreResult<String> {
    use chrono::Datelike;
    let prefix = format!("TDD-{}-", on.year());
    let taken: Vec<String> = loan::Entity::find()
        .select_only()
        .column(loan::Column::LoanNo)
        .filter(loan::Column::LoanNo.starts_with(prefix.as_str()))
        .into_tuple()
        .all(tx)
        .await?;
    Ok(super::next_number(&prefix, &taken))
}

fn expect_status(l: &loan::Model, s: &str, what: &str) -> StoreResult<()> {
    if l.status != s {
        return Err(StoreError::rule(
            ErrorCode::LoanState,
            format!("贷款当前为“{}”，不能{what}", status_label(&l.status)),
        ));
    }
    Ok(())
}

/// Approve an amount up to the tier's limit, or reject with a reason.
pub async fn decide(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    approve_fen: Option<i64>,
    reason: String,
    on: NaiveDate,
) -> StoreResult<loan::Model> {
    let tx = crate::db::begin_write(db).await?;
    let l = get(&tx, id).await?;
    expect_status(&l, "applied", "审批")?;
    if let Some(fen) = approve_fen {
        let tier = match &l.tier_id {
            Some(t) => loan_tier::Entity::find_by_id(t.clone()).one(&tx).await?,
            None => None,
        }
        .ok_or_else(|| StoreError::rule(ErrorCode::NoTier, "贷款未评定梯度，不能审批"))?;
        if fen <= 0 {
            return Err(StoreError::rule(
                ErrorCode::InvalidAmount,
                "审批金额须大于 0",
            ));
        }
        if fen > tier.limit_fen {
            return Err(StoreError::rule(
                ErrorCode::OverLimit,
                format!(
                    "审批金额超过“{}”梯度额度 {} 元",
                    tier.name,
                    kechuang_domain::money::Money::from_fen(tier.limit_fen)
                ),
            ));
        }
    } else if reason.trim().is_empty() {
        return Err(StoreError::rule(
            ErrorCode::ReasonRequired,
            "不予通过时请填写理由",
        ));
    }
    let m = record::update(
        &tx,
        actor,
        if approve_fen.is_some() {
            "approve"
        } else {
            "reject"
        },
        l,
        version,
        |am| {
            am.status = Set(if approve_fen.is_some() {
                "approved"
            } else {
                "rejected"
            }
            .into());
            am.amount_fen = Set(approve_fen.unwrap_or(0));
            am.decided_on = Set(Some(on));
            am.note = Set(reason.trim().into());
        },
    )
    .await?;
    if let Some(user) = &m.applied_by {
        let (title, body) = match approve_fen {
            Some(fen) => (
                format!("梯度贷申请 {} 已审批通过", m.loan_no),
                format!(
                    "审批金额 {} 元，期限 {} 个月，等待银行放款。",
                    kechuang_domain::money::Money::from_fen(fen),
                    m.term_months
                ),
            ),
            None => (
                format!("梯度贷申请 {} 未通过", m.loan_no),
                format!("理由：{}", reason.trim()),
            ),
        };
        crate::cases::notify(
            &tx,
            None,
            Some(user.clone()),
            title,
            body,
            format!("/firm/loans/{}", m.id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(m)
}

/// Disburse an approved loan and lay out its repayment schedule.
pub async fn disburse(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    on: NaiveDate,
) -> StoreResult<loan::Model> {
    let tx = crate::db::begin_write(db).await?;
    let l = get(&tx, id).await?;
    expect_status(&l, "approved", "放款")?;
    let plan = schedule(
        l.amount_fen,
        l.rate_bps.max(0) as u32,
        l.subsidy_bps.max(0) as u32,
        l.term_months.max(0) as u32,
        on,
    )
    .map_err(|e| rule(e.code(), e))?;
    let loan_id = l.id.clone();
    let m = record::update(&tx, actor, "disburse", l, version, |am| {
        am.status = Set("repaying".into());
        am.disbursed_on = Set(Some(on));
    })
    .await?;
    for k in plan {
        record::insert(
            &tx,
            actor,
            loan_installment::ActiveModel {
                loan_id: Set(loan_id.clone()),
                seq: Set(k.seq as i32),
                due_on: Set(k.due_on),
                principal_fen: Set(k.principal_fen),
                interest_fen: Set(k.interest_fen),
                subsidy_fen: Set(k.subsidy_fen),
                paid_principal_fen: Set(0),
                paid_interest_fen: Set(0),
                settled_on: Set(None),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(m)
}

pub async fn installments<C: ConnectionTrait>(
    db: &C,
    loan_id: &str,
) -> StoreResult<Vec<loan_installment::Model>> {
    Ok(loan_installment::Entity::find()
        .filter(loan_installment::Column::LoanId.eq(loan_id))
        .order_by_asc(loan_installment::Column::Seq)
        .all(db)
        .await?)
}

pub async fn repayments<C: ConnectionTrait>(
    db: &C,
    loan_id: &str,
) -> StoreResult<Vec<loan_repayment::Model>> {
    Ok(loan_repayment::Entity::find()
        .filter(loan_repayment::Column::LoanId.eq(loan_id))
        .order_by_asc(loan_repayment::Column::PaidOn)
        .order_by_asc(loan_repayment::Column::Id)
        .all(db)
        .await?)
}

fn owed(k: &loan_installment::Model) -> Owed {
    Owed {
        principal_fen: k.principal_fen - k.paid_principal_fen,
        interest_fen: k.interest_fen - k.paid_interest_fen,
    }
}

/// Record a repayment at `version` of the loan: interest first, earliest
/// installment first; the loan is repaid when nothing is owed.
pub async fn repay(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    amount_fen: i64,
    on: NaiveDate,
) -> StoreResult<loan::Model> {
    let tx = crate::db::begin_write(db).await?;
    let l = get(&tx, id).await?;
    expect_status(&l, "repaying", "还款")?;
    if l.disbursed_on.is_some_and(|d| on < d) {
        return Err(StoreError::rule(
            ErrorCode::RepaidBeforeDisbursed,
            "还款日期不能早于放款日期",
        ));
    }
    let ks = installments(&tx, id).await?;
    let owes: Vec<Owed> = ks.iter().map(owed).collect();
    let paid = allocate(&owes, amount_fen).map_err(|e| rule(e.code(), e))?;
    let mut left = 0i64;
    for (k, (p, i)) in ks.into_iter().zip(paid) {
        let still = owed(&k);
        let settled = still.principal_fen == p && still.interest_fen == i;
        if !settled {
            left = money::total([left, still.principal_fen, -p, still.interest_fen, -i])?;
        }
        if p == 0 && i == 0 {
            continue;
        }
        let v = k.version;
        let (pp, pi) = (
            money::add(k.paid_principal_fen, p)?,
            money::add(k.paid_interest_fen, i)?,
        );
        record::update(&tx, actor, "repay", k, v, |am| {
            am.paid_principal_fen = Set(pp);
            am.paid_interest_fen = Set(pi);
            if settled {
                am.settled_on = Set(Some(on));
            }
        })
        .await?;
    }
    record::insert(
        &tx,
        actor,
        loan_repayment::ActiveModel {
            loan_id: Set(id.into()),
            paid_on: Set(on),
            amount_fen: Set(amount_fen),
            ..Default::default()
        },
    )
    .await?;
    let m = record::update(&tx, actor, "repay", l, version, |am| {
        if left == 0 {
            am.status = Set("repaid".into());
        }
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Compensate a defaulted loan from the risk pool: the guaranteed share of
/// the outstanding principal. Only a loan with an overdue installment.
pub async fn compensate(
    db: &Db,
    actor: &str,
    id: &str,
    version: i32,
    on: NaiveDate,
) -> StoreResult<loan::Model> {
    let tx = crate::db::begin_write(db).await?;
    let l = get(&tx, id).await?;
    expect_status(&l, "repaying", "代偿")?;
    let ks = installments(&tx, id).await?;
    if !ks.iter().any(|k| k.settled_on.is_none() && k.due_on < on) {
        return Err(StoreError::rule(
            ErrorCode::NotOverdue,
            "贷款没有逾期未还的期次，不能申请风险池代偿",
        ));
    }
    let outstanding = money::total(
        ks.iter()
            .map(|k| money::sub(k.principal_fen, k.paid_principal_fen))
            .collect::<StoreResult<Vec<i64>>>()?,
    )?;
    let pay = compensation(outstanding, l.guarantee_permille.max(0) as u32);
    let m = record::update(&tx, actor, "compensate", l, version, |am| {
        am.status = Set("compensated".into());
        am.compensated_fen = Set(pay);
        am.note = Set(format!("{on} 风险池代偿"));
    })
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Totals of one tier (or of loans without one).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TierTotals {
    pub tier_id: Option<String>,
    pub tier_name: String,
    pub applications: u64,
    /// Firms with a disbursed loan.
    pub firms: u64,
    pub loans: u64,
    pub disbursed_fen: i64,
    pub outstanding_fen: i64,
    pub overdue_loans: u64,
    pub compensated_fen: i64,
    pub subsidy_fen: i64,
}

/// Per-tier totals, then a "未达准入条件" row for applications no tier
/// was open to (only when there are any), then the "合计" row.
pub async fn totals(db: &Db) -> StoreResult<Vec<TierTotals>> {
    let tiers = tiers(db).await?;
    let loans = loan::Entity::find().all(db).await?;
    let ks = loan_installment::Entity::find().all(db).await?;
    let today = today();
    let row = |tier_id: Option<String>, name: &str| TierTotals {
        tier_id,
        tier_name: name.into(),
        ..Default::default()
    };
    // One row per tier, then the untiered row.
    let mut rows: Vec<TierTotals> = tiers
        .iter()
        .map(|t| row(Some(t.id.clone()), &t.name))
        .chain(std::iter::once(row(None, "未达准入条件")))
        .collect();
    let untiered = tiers.len();
    let mut all = row(None, "合计");
    let mut firms: Vec<Vec<&str>> = vec![vec![]; rows.len()];
    let mut all_firms: Vec<&str> = vec![];
    for l in &loans {
        let k = tiers
            .iter()
            .position(|t| Some(&t.id) == l.tier_id.as_ref())
            .unwrap_or(untiered);
        let mine: Vec<&loan_installment::Model> = ks.iter().filter(|k| k.loan_id == l.id).collect();
        let disbursed = l.disbursed_on.is_some();
        let outstanding = if l.status == "repaying" {
            money::total(
                mine.iter()
                    .map(|k| money::sub(k.principal_fen, k.paid_principal_fen))
                    .collect::<StoreResult<Vec<i64>>>()?,
            )?
        } else {
            0
        };
        let overdue = l.status == "repaying"
            && mine
                .iter()
                .any(|k| k.settled_on.is_none() && k.due_on < today);
        let subsidy = money::total(mine.iter().map(|k| k.subsidy_fen))?;
        for r in [&mut rows[k], &mut all] {
            r.applications += 1;
            if disbursed {
                r.loans += 1;
                r.disbursed_fen = money::add(r.disbursed_fen, l.amount_fen)?;
                r.outstanding_fen = money::add(r.outstanding_fen, outstanding)?;
                r.subsidy_fen = money::add(r.subsidy_fen, subsidy)?;
            }
            r.overdue_loans += u64::from(overdue);
            r.compensated_fen = money::add(r.compensated_fen, l.compensated_fen)?;
        }
        if disbursed {
            firms[k].push(&l.org_id);
            all_firms.push(&l.org_id);
        }
    }
    for (r, f) in rows
        .iter_mut()
        .chain(std::iter::once(&mut all))
        .zip(firms.iter_mut().chain(std::iter::once(&mut all_firms)))
    {
        f.sort_unstable();
        f.dedup();
        r.firms = f.len() as u64;
    }
    if rows[untiered].applications == 0 {
        rows.pop();
    }
    rows.push(all);
    Ok(rows)
}

// ---- documents ----

/// Attach a document (business licence, financial statements…) to a loan.
pub async fn attach(
    db: &Db,
    actor: &str,
    loan_id: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> StoreResult<loan_document::Model> {
    let file = crate::files::check(filename, content_type, bytes)?;
    let tx = crate::db::begin_write(db).await?;
    let l = get(&tx, loan_id).await?;
    let m = super::documents::attach::<loan_document::Entity, _>(
        &tx,
        l.id,
        actor,
        file,
        bytes,
        "每笔贷款最多20份材料",
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// A loan's documents, oldest first.
pub async fn documents<C: ConnectionTrait>(
    db: &C,
    loan_id: &str,
) -> StoreResult<Vec<loan_document::Model>> {
    super::documents::list::<loan_document::Entity, _>(db, loan_id).await
}

/// A document of a loan and its bytes.
pub async fn document(
    db: &Db,
    loan_id: &str,
    id: &str,
) -> StoreResult<(loan_document::Model, Vec<u8>)> {
    super::documents::read::<loan_document::Entity>(db, loan_id, id).await
}
