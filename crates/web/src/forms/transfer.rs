//! Drafts of the technology-transfer area (projects, gate reviews, grant-to-
//! equity, tiered loans, technology contracts). Amounts are typed in yuan,
//! rates in percent; each is turned into exact integers here.

use chrono::NaiveDate;
use kechuang_domain::money::Money;
use kechuang_domain::transfer::{ContractKind, GateDecision, Ladder, Round, Stage};
use kechuang_domain::ErrorCode;
use kechuang_store::transfer::contracts::ContractInput;
use kechuang_store::transfer::equity::AgreementInput;
use kechuang_store::transfer::equity_applications::ApplicationInput as EquityApplicationInput;
use kechuang_store::transfer::loans::{ApplicationInput, TierInput};
use kechuang_store::transfer::projects::{Criterion, DecisionInput, ProjectInput, ScoreInput};
use serde::Deserialize;
use utoipa::ToSchema;

use super::fields::{date, done, int, opt, required, Checked};
use super::{de_flag, too_long, FieldErrors};

/// A decimal number with at most `decimals` places, scaled to an integer:
/// `scaled("12.5", 1) == Some(125)`. Accepts a trailing "%".
pub fn scaled(s: &str, decimals: u32) -> Option<i64> {
    let t = s
        .trim()
        .trim_end_matches(['%', '％'])
        .replace([',', '，'], "");
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let (i, f) = t.split_once('.').unwrap_or((&t, ""));
    if i.is_empty() && f.is_empty()
        || !i.chars().all(|c| c.is_ascii_digit())
        || !f.chars().all(|c| c.is_ascii_digit())
        || f.len() > decimals as usize
    {
        return None;
    }
    let int: i64 = if i.is_empty() { 0 } else { i.parse().ok()? };
    let mut frac: i64 = if f.is_empty() { 0 } else { f.parse().ok()? };
    frac *= 10i64.pow(decimals - f.len() as u32);
    int.checked_mul(10i64.pow(decimals))?.checked_add(frac)
}

fn money(e: &mut FieldErrors, field: &'static str, label: &str, v: &str, positive: bool) -> i64 {
    match Money::parse_yuan(v) {
        Ok(m) if m.fen() > 0 || (!positive && m.fen() == 0) => m.fen(),
        Ok(_) => {
            e.push((field, format!("{label}须大于 0")));
            0
        }
        Err(err) => {
            e.push((field, format!("{label}：{err}")));
            0
        }
    }
}

fn percent(
    e: &mut FieldErrors,
    field: &'static str,
    label: &str,
    v: &str,
    decimals: u32,
    max: i64,
) -> i64 {
    match scaled(v, decimals) {
        Some(x) if x <= max => x,
        _ => {
            e.push((
                field,
                format!(
                    "{label}请填写 0～{} 之间的百分数，最多 {} 位小数",
                    max / 10i64.pow(decimals),
                    decimals
                ),
            ));
            0
        }
    }
}

/// Today in Beijing, as forms prefill it.
pub fn today_text() -> String {
    kechuang_store::clock::today().to_string()
}

/// A transfer project as typed.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ProjectDraft {
    pub title: String,
    /// 技术领域，如 集成电路、生物医药
    pub field: String,
    pub chain_id: String,
    pub chain_node_id: String,
    /// 成果持有单位（高校、科研院所）id
    pub holder_org_id: String,
    /// 发明人及份额，如 "张三:60;李四:40"（份额合计 100）
    pub inventors: String,
    /// 专利号，逗号分隔，如 "ZL202310123456.7"
    pub patents: String,
    /// 技术成熟度 TRL 1～9
    pub trl: String,
    /// 技术经理人
    pub manager: String,
    pub summary: String,
}

/// "张三:60;李四:40" → normalised, with shares summing to 100.
pub fn parse_inventors(s: &str) -> Result<String, String> {
    let mut parts = vec![];
    let mut total = 0u32;
    for p in s
        .split([';', '；', ',', '，', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (name, share) = p
            .rsplit_once([':', '：'])
            .ok_or_else(|| format!("“{p}”缺少份额，请写成 姓名:份额"))?;
        let share: u32 = share
            .trim()
            .trim_end_matches(['%', '％'])
            .parse()
            .map_err(|_| format!("“{p}”的份额须为整数百分比"))?;
        total += share;
        parts.push(format!("{}:{share}", name.trim()));
    }
    if !parts.is_empty() && total != 100 {
        return Err(format!("发明人份额合计为 {total}，应为 100"));
    }
    Ok(parts.join(";"))
}

/// A Chinese patent number: ZL/CN, 8 to 13 digits, an optional check
/// digit after a dot, an optional kind code (A, B, U, S…).
pub fn valid_patent(p: &str) -> bool {
    let Some(rest) = p.strip_prefix("ZL").or_else(|| p.strip_prefix("CN")) else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let tail = &rest[digits..];
    let tail = tail
        .strip_prefix('.')
        .map(|t| {
            t.strip_prefix(|c: char| c.is_ascii_digit() || c == 'X')
                .unwrap_or("!")
        })
        .unwrap_or(tail);
    (8..=13).contains(&digits)
        && (tail.is_empty()
            || (tail.len() <= 2 && tail.starts_with(|c: char| c.is_ascii_uppercase())))
}

impl ProjectDraft {
    pub fn validate(&self) -> Checked<ProjectInput> {
        let mut e = vec![];
        let title = required(&mut e, "title", "项目名称", &self.title, 200);
        too_long(&mut e, "field", "技术领域", self.field.trim(), 50);
        let inventors = parse_inventors(&self.inventors).unwrap_or_else(|m| {
            e.push(("inventors", m));
            String::new()
        });
        let patents: Vec<String> = self
            .patents
            .split([',', '，', ';', '；', '、', ' '])
            .map(|p| p.trim().to_uppercase())
            .filter(|p| !p.is_empty())
            .collect();
        if let Some(bad) = patents.iter().find(|p| !valid_patent(p)) {
            e.push((
                "patents",
                format!("专利号“{bad}”格式不正确，应如 ZL202310123456.7"),
            ));
        }
        let trl = int(&mut e, "trl", "技术成熟度（TRL）", &self.trl, 1, 9) as i32;
        too_long(&mut e, "manager", "技术经理人", self.manager.trim(), 50);
        too_long(&mut e, "summary", "项目简介", self.summary.trim(), 5000);
        done(e, || ProjectInput {
            title,
            field: self.field.trim().into(),
            chain_id: opt(&self.chain_id),
            chain_node_id: opt(&self.chain_node_id),
            holder_org_id: opt(&self.holder_org_id),
            inventors,
            patents: patents.join(","),
            trl,
            manager: self.manager.trim().into(),
            summary: self.summary.trim().into(),
        })
    }
}

/// Open a gate review.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReviewDraft {
    /// 评审指标与权重，如 "技术先进性:30;市场前景:30;团队能力:20;知识产权:20"；留空用默认指标
    pub criteria: String,
}

impl ReviewDraft {
    pub fn validate(&self) -> Checked<Vec<Criterion>> {
        if self.criteria.trim().is_empty() {
            return Ok(kechuang_store::transfer::projects::default_criteria());
        }
        let mut out = vec![];
        for p in self
            .criteria
            .split([';', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match p
                .rsplit_once([':', '：'])
                .and_then(|(n, w)| Some((n.trim(), w.trim().parse::<u32>().ok()?)))
            {
                Some((n, w)) if !n.is_empty() && w > 0 => out.push(Criterion {
                    name: n.into(),
                    weight: w,
                }),
                _ => {
                    return Err((
                        ErrorCode::InvalidInput,
                        vec![(
                            "criteria",
                            format!("指标“{p}”请写成 名称:权重，权重为正整数"),
                        )],
                    ))
                }
            }
        }
        Ok(out)
    }
}

/// One expert's scores.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ScoreDraft {
    pub expert_name: String,
    pub expert_org: String,
    /// 声明存在利益冲突（其评分不计入）
    #[serde(deserialize_with = "de_flag")]
    pub conflict: bool,
    pub conflict_note: String,
    /// 各指标得分（0～100），按指标顺序逗号分隔，如 "85,78,90,80"
    pub scores: String,
    pub comment: String,
}

impl ScoreDraft {
    pub fn validate(&self) -> Checked<ScoreInput> {
        let mut e = vec![];
        let expert_name = required(&mut e, "expert_name", "专家姓名", &self.expert_name, 50);
        too_long(
            &mut e,
            "expert_org",
            "专家单位",
            self.expert_org.trim(),
            100,
        );
        let scores: Result<Vec<u32>, _> = self
            .scores
            .split([',', '，', ';', '；', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().parse::<u32>())
            .collect();
        let scores = match scores {
            Ok(v) if !v.is_empty() && v.iter().all(|s| *s <= 100) => v,
            _ => {
                e.push((
                    "scores",
                    "请按指标顺序填写 0～100 的整数得分，用逗号分隔".into(),
                ));
                vec![]
            }
        };
        if self.conflict && self.conflict_note.trim().is_empty() {
            e.push(("conflict_note", "声明利益冲突时请说明冲突情形".into()));
        }
        done(e, || ScoreInput {
            expert_name,
            expert_org: self.expert_org.trim().into(),
            conflict: self.conflict,
            conflict_note: self.conflict_note.trim().into(),
            scores,
            comment: self.comment.trim().into(),
        })
    }
}

/// A gate decision.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionDraft {
    /// advance（通过）/ hold（暂缓）/ stop（终止）
    pub decision: String,
    /// 目标阶段（仅“通过”时可填；留空为下一阶段；跳级或退回须填写 override_reason）
    pub target_stage: String,
    pub reasons: String,
    pub override_reason: String,
    #[schema(required = true)]
    pub version: i32,
}

impl DecisionDraft {
    pub fn validate(&self) -> Checked<DecisionInput> {
        let mut e = vec![];
        let decision = GateDecision::parse(self.decision.trim());
        if decision.is_none() {
            e.push(("decision", "请选择决策：通过、暂缓或终止".into()));
        }
        let target = match self.target_stage.trim() {
            "" => None,
            s => {
                let t = Stage::parse(s);
                if t.is_none() {
                    e.push(("target_stage", "目标阶段不存在".into()));
                }
                t
            }
        };
        if self.reasons.trim().is_empty() {
            e.push(("reasons", "请填写决策理由".into()));
        }
        done(e, || DecisionInput {
            decision: decision.unwrap_or(GateDecision::Hold),
            target,
            reasons: self.reasons.trim().into(),
            override_reason: self.override_reason.trim().into(),
        })
    }
}

/// Found the firm of a project in incubation.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FirmDraft {
    /// 企业名称
    pub name: String,
    /// 统一社会信用代码
    pub uscc: String,
    pub legal_person: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// 孵化器（单位 id）
    pub incubator_org_id: String,
    /// 入孵日期
    pub incubated_on: String,
    #[schema(required = true)]
    pub version: i32,
}

impl FirmDraft {
    pub fn validate(&self) -> Checked<(kechuang_store::orgs::OrgInput, String, NaiveDate)> {
        let org = super::OrgDraft {
            name: self.name.clone(),
            kind: "enterprise".into(),
            uscc: self.uscc.clone(),
            legal_person: self.legal_person.clone(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            tags: "孵化企业".into(),
            is_tech_sme: true,
            ..Default::default()
        }
        .validate();
        let mut e = match &org {
            Ok(_) => vec![],
            Err((_, f)) => f.clone(),
        };
        if self.incubator_org_id.trim().is_empty() {
            e.push(("incubator_org_id", "请选择孵化器".into()));
        }
        let on = date(&mut e, "incubated_on", "入孵日期", &self.incubated_on);
        match org {
            Ok(o) if e.is_empty() => Ok((o, self.incubator_org_id.trim().into(), on)),
            _ => Err((ErrorCode::InvalidInput, e)),
        }
    }
}

/// A fund pool.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct PoolDraft {
    pub name: String,
    /// 预算（元）
    pub budget_yuan: String,
}

impl PoolDraft {
    pub fn validate(&self) -> Checked<(String, i64)> {
        let mut e = vec![];
        let name = required(&mut e, "name", "资金池名称", &self.name, 100);
        let budget = money(&mut e, "budget_yuan", "预算", &self.budget_yuan, true);
        done(e, || (name, budget))
    }
}

/// A grant-to-equity agreement (先投后股).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AgreementDraft {
    pub agreement_no: String,
    pub pool_id: String,
    pub project_id: String,
    /// 受资助企业 id
    pub org_id: String,
    /// 持股平台（国有平台公司）
    pub platform: String,
    /// 资助金额（元）
    pub grant_yuan: String,
    pub signed_on: String,
    /// 约定期限（月）：期内完成首轮合格市场化融资即转股
    pub term_months: String,
    /// 合格融资的最低社会资本金额（元）
    pub min_round_yuan: String,
    /// 让利（%），如 20 表示按融资价格八折转股
    pub discount_percent: String,
    /// 持股比例上限（%），如 5
    pub cap_percent: String,
    /// 团队回购年化单利（%）
    pub buyback_rate_percent: String,
    /// 退出窗口：转股后第几个月起
    pub exit_start_months: String,
    /// 退出窗口：转股后第几个月止
    pub exit_end_months: String,
    pub note: String,
    /// 据以签订的企业先投后股申请 id（须已审批通过，企业一致）
    pub application_id: String,
}

impl AgreementDraft {
    pub fn validate(&self) -> Checked<AgreementInput> {
        let mut e = vec![];
        let agreement_no = required(&mut e, "agreement_no", "协议编号", &self.agreement_no, 40);
        if self.pool_id.trim().is_empty() {
            e.push(("pool_id", "请选择资金池".into()));
        }
        if self.org_id.trim().is_empty() {
            e.push(("org_id", "请选择受资助企业".into()));
        }
        let platform = required(&mut e, "platform", "持股平台", &self.platform, 100);
        let grant_fen = money(&mut e, "grant_yuan", "资助金额", &self.grant_yuan, true);
        let signed_on = date(&mut e, "signed_on", "签订日期", &self.signed_on);
        let term = int(&mut e, "term_months", "约定期限", &self.term_months, 1, 120) as i32;
        let min_round_fen = money(
            &mut e,
            "min_round_yuan",
            "合格融资最低金额",
            &self.min_round_yuan,
            false,
        );
        let discount = percent(
            &mut e,
            "discount_percent",
            "让利",
            &self.discount_percent,
            1,
            999,
        ) as i32;
        let cap = percent(
            &mut e,
            "cap_percent",
            "持股比例上限",
            &self.cap_percent,
            4,
            999_999,
        ) as i32;
        if cap == 0 && !e.iter().any(|(f, _)| *f == "cap_percent") {
            e.push(("cap_percent", "持股比例上限须大于 0".into()));
        }
        let rate = percent(
            &mut e,
            "buyback_rate_percent",
            "回购年化利率",
            &self.buyback_rate_percent,
            1,
            1000,
        ) as i32;
        let start = int(
            &mut e,
            "exit_start_months",
            "退出窗口起始月",
            &self.exit_start_months,
            0,
            240,
        ) as i32;
        let end = int(
            &mut e,
            "exit_end_months",
            "退出窗口截止月",
            &self.exit_end_months,
            0,
            240,
        ) as i32;
        if end < start {
            e.push(("exit_end_months", "退出窗口截止月不能早于起始月".into()));
        }
        done(e, || AgreementInput {
            agreement_no,
            pool_id: self.pool_id.trim().into(),
            project_id: opt(&self.project_id),
            org_id: self.org_id.trim().into(),
            platform,
            grant_fen,
            signed_on,
            term_months: term,
            min_round_fen,
            discount_permille: discount,
            cap_ppm: cap,
            buyback_rate_permille: rate,
            exit_start_months: start,
            exit_end_months: end,
            note: self.note.trim().into(),
            application_id: opt(&self.application_id),
        })
    }
}

/// A tranche of grant money paid out.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TrancheDraft {
    pub amount_yuan: String,
    pub paid_on: String,
    pub note: String,
}

impl TrancheDraft {
    pub fn validate(&self) -> Checked<(i64, NaiveDate, String)> {
        let mut e = vec![];
        let fen = money(&mut e, "amount_yuan", "拨付金额", &self.amount_yuan, true);
        let on = date(&mut e, "paid_on", "拨付日期", &self.paid_on);
        too_long(&mut e, "note", "备注", self.note.trim(), 200);
        done(e, || (fen, on, self.note.trim().to_string()))
    }
}

/// The firm's qualifying market round.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RoundDraft {
    pub closed_on: String,
    /// 投前估值（元）
    pub pre_money_yuan: String,
    /// 投前股本（股，或注册资本元数）
    pub pre_money_shares: String,
    /// 本轮社会资本融资额（元）
    pub amount_yuan: String,
    /// 投资机构
    pub investors: String,
    #[schema(required = true)]
    pub version: i32,
}

impl RoundDraft {
    pub fn validate(&self) -> Checked<(Round, String)> {
        let mut e = vec![];
        let closed_on = date(&mut e, "closed_on", "交割日期", &self.closed_on);
        let pre_money_fen = money(
            &mut e,
            "pre_money_yuan",
            "投前估值",
            &self.pre_money_yuan,
            true,
        );
        let shares = int(
            &mut e,
            "pre_money_shares",
            "投前股本",
            &self.pre_money_shares,
            1,
            i64::MAX,
        );
        let amount_fen = money(&mut e, "amount_yuan", "融资额", &self.amount_yuan, true);
        let investors = required(&mut e, "investors", "投资机构", &self.investors, 300);
        done(e, || {
            (
                Round {
                    closed_on,
                    pre_money_fen,
                    pre_money_shares: shares,
                    amount_fen,
                },
                investors,
            )
        })
    }
}

/// A dated step on a record the editor saw at `version`.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DatedDraft {
    /// 日期，留空为今天
    pub on: String,
    #[schema(required = true)]
    pub version: i32,
}

impl DatedDraft {
    pub fn validate(&self) -> Checked<NaiveDate> {
        if self.on.trim().is_empty() {
            return Ok(kechuang_store::clock::today());
        }
        let mut e = vec![];
        let on = date(&mut e, "on", "日期", &self.on);
        done(e, || on)
    }
}

/// Exit of a converted stake.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ExitDraft {
    /// buyback（团队回购）/ sale（股权转让）
    pub kind: String,
    pub on: String,
    /// 转让价格（元/股，最多 4 位小数），股权转让时必填
    pub price_yuan: String,
    #[schema(required = true)]
    pub version: i32,
}

impl ExitDraft {
    pub fn validate(&self) -> Checked<(kechuang_store::transfer::equity::Exit, NaiveDate)> {
        use kechuang_store::transfer::equity::Exit;
        let mut e = vec![];
        let on = date(&mut e, "on", "退出日期", &self.on);
        let how = match self.kind.trim() {
            "buyback" => Exit::Buyback,
            "sale" => match scaled(&self.price_yuan, 4) {
                Some(p) if p > 0 => Exit::Sale { price_e4: p },
                _ => {
                    e.push((
                        "price_yuan",
                        "请填写转让价格（元/股），最多 4 位小数".into(),
                    ));
                    Exit::Buyback
                }
            },
            _ => {
                e.push(("kind", "请选择退出方式：团队回购或股权转让".into()));
                Exit::Buyback
            }
        };
        done(e, || (how, on))
    }
}

/// A loan tier.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TierDraft {
    pub name: String,
    /// 准入培育层级：tech_sme, high_tech, specialized, little_giant（可空）
    pub min_level: String,
    /// 准入创新积分（可空）
    pub min_score: String,
    /// 授信额度（元）
    pub limit_yuan: String,
    /// 年利率（%），最多 2 位小数
    pub rate_percent: String,
    /// 贴息（年化 %）
    pub subsidy_percent: String,
    /// 风险池分担比例（%）
    pub guarantee_percent: String,
    pub sort_order: String,
}

impl TierDraft {
    pub fn validate(&self) -> Checked<TierInput> {
        let mut e = vec![];
        let name = required(&mut e, "name", "梯度名称", &self.name, 50);
        let min_level = match self.min_level.trim() {
            "" => None,
            s => {
                let l = Ladder::parse(s);
                if l.is_none() {
                    e.push(("min_level", "培育层级不存在".into()));
                }
                l
            }
        };
        let min_score = match self.min_score.trim() {
            "" => None,
            s => Some(int(&mut e, "min_score", "创新积分", s, 0, 1000) as i32),
        };
        if min_level.is_none() && min_score.is_none() && e.is_empty() {
            e.push((
                "min_level",
                "请至少设置一项准入条件：培育层级或创新积分".into(),
            ));
        }
        let limit_fen = money(&mut e, "limit_yuan", "授信额度", &self.limit_yuan, true);
        let rate = percent(
            &mut e,
            "rate_percent",
            "年利率",
            &self.rate_percent,
            2,
            10_000,
        ) as i32;
        let subsidy = percent(
            &mut e,
            "subsidy_percent",
            "贴息",
            &self.subsidy_percent,
            2,
            10_000,
        ) as i32;
        if subsidy > rate && !e.iter().any(|(f, _)| *f == "rate_percent") {
            e.push(("subsidy_percent", "贴息不能高于年利率".into()));
        }
        let guarantee = percent(
            &mut e,
            "guarantee_percent",
            "风险池分担比例",
            &self.guarantee_percent,
            1,
            1000,
        ) as i32;
        let sort_order = match self.sort_order.trim() {
            "" => 0,
            s => int(&mut e, "sort_order", "排序", s, 0, 9999) as i32,
        };
        done(e, || TierInput {
            name,
            min_level,
            min_score,
            limit_fen,
            rate_bps: rate,
            subsidy_bps: subsidy,
            guarantee_permille: guarantee,
            sort_order,
        })
    }
}

/// A loan application.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ApplicationDraft {
    pub loan_no: String,
    pub org_id: String,
    /// 创新积分（0～1000，可空）
    pub score: String,
    /// 申请金额（元）
    pub requested_yuan: String,
    /// 期限（月）
    pub term_months: String,
    /// 贷款银行
    pub bank: String,
    pub purpose: String,
    /// 申请日期，留空为今天
    pub applied_on: String,
}

impl ApplicationDraft {
    /// An application entered by the bureau: its number and firm typed.
    pub fn validate(&self) -> Checked<ApplicationInput> {
        let mut e = vec![];
        let loan_no = required(&mut e, "loan_no", "贷款编号", &self.loan_no, 30);
        if self.org_id.trim().is_empty() {
            e.push(("org_id", "请选择申请企业".into()));
        }
        self.terms(e, loan_no)
    }

    /// The terms asked for, checked the same way whoever applies.
    fn terms(&self, mut e: FieldErrors, loan_no: String) -> Checked<ApplicationInput> {
        let score = match self.score.trim() {
            "" => 0,
            s => int(&mut e, "score", "创新积分", s, 0, 1000) as i32,
        };
        let requested_fen = money(
            &mut e,
            "requested_yuan",
            "申请金额",
            &self.requested_yuan,
            true,
        );
        let term = int(&mut e, "term_months", "期限", &self.term_months, 1, 120) as i32;
        let bank = required(&mut e, "bank", "贷款银行", &self.bank, 100);
        too_long(&mut e, "purpose", "用途", self.purpose.trim(), 300);
        let applied_on = if self.applied_on.trim().is_empty() {
            kechuang_store::clock::today()
        } else {
            date(&mut e, "applied_on", "申请日期", &self.applied_on)
        };
        done(e, || ApplicationInput {
            loan_no,
            org_id: self.org_id.trim().into(),
            score,
            requested_fen,
            term_months: term,
            bank,
            purpose: self.purpose.trim().into(),
            applied_on,
            applied_by: None,
        })
    }
}

/// A tiered-loan application made online by the firm's own account: the
/// number is given on receipt, the firm and the date are the caller's.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FirmLoanDraft {
    /// 申请金额（元）
    pub requested_yuan: String,
    /// 期限（月，1～120）
    pub term_months: String,
    /// 贷款银行
    pub bank: String,
    /// 用途
    pub purpose: String,
    /// 创新积分（0～1000，可空；审批时核对）
    pub score: String,
}

impl FirmLoanDraft {
    pub fn validate(&self, org_id: &str, user_id: &str) -> Checked<ApplicationInput> {
        let d = ApplicationDraft {
            org_id: org_id.into(),
            score: self.score.clone(),
            requested_yuan: self.requested_yuan.clone(),
            term_months: self.term_months.clone(),
            bank: self.bank.clone(),
            purpose: self.purpose.clone(),
            ..ApplicationDraft::default()
        };
        let mut i = d.terms(vec![], String::new())?;
        i.applied_by = Some(user_id.into());
        Ok(i)
    }
}

/// A firm's online application for grant-to-equity support.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EquityApplicationDraft {
    /// 项目名称
    pub project_name: String,
    /// 项目简介（技术、团队、市场）
    pub summary: String,
    /// 申请资助金额（元）
    pub requested_yuan: String,
    /// 资金用途
    pub use_of_funds: String,
}

impl EquityApplicationDraft {
    pub fn validate(&self, org_id: &str, user_id: &str) -> Checked<EquityApplicationInput> {
        let mut e = vec![];
        let project_name = required(&mut e, "project_name", "项目名称", &self.project_name, 200);
        let summary = required(&mut e, "summary", "项目简介", &self.summary, 4000);
        let requested_fen = money(
            &mut e,
            "requested_yuan",
            "申请资助金额",
            &self.requested_yuan,
            true,
        );
        let use_of_funds = required(&mut e, "use_of_funds", "资金用途", &self.use_of_funds, 500);
        done(e, || EquityApplicationInput {
            org_id: org_id.into(),
            applied_by: user_id.into(),
            project_name,
            summary,
            requested_fen,
            use_of_funds,
            applied_on: kechuang_store::clock::today(),
        })
    }
}

/// Approve or reject (with a reason) a grant-to-equity application.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EquityDecisionDraft {
    /// approve / reject
    pub decision: String,
    /// 审批意见；不予通过时必填
    pub note: String,
    /// 审批日期，空为今天
    pub on: String,
    #[schema(required = true)]
    pub version: i32,
}

impl EquityDecisionDraft {
    pub fn validate(&self) -> Checked<(bool, String, NaiveDate)> {
        let mut e = vec![];
        let approve = match self.decision.trim() {
            "approve" => true,
            "reject" => {
                if self.note.trim().is_empty() {
                    e.push(("note", "不予通过时请填写理由".into()));
                }
                false
            }
            _ => {
                e.push(("decision", "请选择通过或不予通过".into()));
                false
            }
        };
        too_long(&mut e, "note", "审批意见", &self.note, 500);
        let on = if self.on.trim().is_empty() {
            kechuang_store::clock::today()
        } else {
            date(&mut e, "on", "审批日期", &self.on)
        };
        done(e, || (approve, self.note.trim().to_string(), on))
    }
}

/// Approve (with an amount) or reject (with a reason) a loan application.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct LoanDecisionDraft {
    /// approve / reject
    pub decision: String,
    /// 审批金额（元），通过时必填
    pub amount_yuan: String,
    pub reason: String,
    pub on: String,
    #[schema(required = true)]
    pub version: i32,
}

impl LoanDecisionDraft {
    pub fn validate(&self) -> Checked<(Option<i64>, String, NaiveDate)> {
        let mut e = vec![];
        let amount = match self.decision.trim() {
            "approve" => Some(money(
                &mut e,
                "amount_yuan",
                "审批金额",
                &self.amount_yuan,
                true,
            )),
            "reject" => {
                if self.reason.trim().is_empty() {
                    e.push(("reason", "不予通过时请填写理由".into()));
                }
                None
            }
            _ => {
                e.push(("decision", "请选择通过或不予通过".into()));
                None
            }
        };
        let on = if self.on.trim().is_empty() {
            kechuang_store::clock::today()
        } else {
            date(&mut e, "on", "审批日期", &self.on)
        };
        done(e, || (amount, self.reason.trim().to_string(), on))
    }
}

/// A repayment.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RepayDraft {
    pub amount_yuan: String,
    pub on: String,
    #[schema(required = true)]
    pub version: i32,
}

impl RepayDraft {
    pub fn validate(&self) -> Checked<(i64, NaiveDate)> {
        let mut e = vec![];
        let fen = money(&mut e, "amount_yuan", "还款金额", &self.amount_yuan, true);
        let on = if self.on.trim().is_empty() {
            kechuang_store::clock::today()
        } else {
            date(&mut e, "on", "还款日期", &self.on)
        };
        done(e, || (fen, on))
    }
}

/// A technology contract as registered (form, API or an Excel row).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ContractDraft {
    /// 登记编号
    pub contract_no: String,
    pub title: String,
    /// development / transfer / licence / consulting / service（导入时可填中文：技术开发…）
    pub kind: String,
    pub seller_org_id: String,
    /// 卖方（技术提供方）名称
    pub seller_name: String,
    pub buyer_org_id: String,
    /// 买方（技术受让方）名称
    pub buyer_name: String,
    /// 合同成交额（元）
    pub amount_yuan: String,
    /// 技术交易额（元），留空等于合同成交额
    pub tech_amount_yuan: String,
    pub signed_on: String,
    pub registered_on: String,
    pub project_id: String,
    pub chain_id: String,
}

impl ContractDraft {
    pub fn validate(&self) -> Checked<ContractInput> {
        let mut e = vec![];
        let contract_no = required(&mut e, "contract_no", "登记编号", &self.contract_no, 40);
        let title = required(&mut e, "title", "合同名称", &self.title, 200);
        let kind = ContractKind::parse(self.kind.trim())
            .or_else(|| ContractKind::parse_label(self.kind.trim()));
        if kind.is_none() {
            e.push((
                "kind",
                "请选择合同类型：技术开发、技术转让、技术许可、技术咨询或技术服务".into(),
            ));
        }
        let seller_name = required(&mut e, "seller_name", "卖方名称", &self.seller_name, 200);
        let buyer_name = required(&mut e, "buyer_name", "买方名称", &self.buyer_name, 200);
        let amount_fen = money(&mut e, "amount_yuan", "合同成交额", &self.amount_yuan, true);
        let tech_amount_fen = if self.tech_amount_yuan.trim().is_empty() {
            amount_fen
        } else {
            money(
                &mut e,
                "tech_amount_yuan",
                "技术交易额",
                &self.tech_amount_yuan,
                false,
            )
        };
        if tech_amount_fen > amount_fen && amount_fen > 0 {
            e.push(("tech_amount_yuan", "技术交易额不能超过合同成交额".into()));
        }
        let signed_on = date(&mut e, "signed_on", "签订日期", &self.signed_on);
        let registered_on = date(&mut e, "registered_on", "登记日期", &self.registered_on);
        if registered_on < signed_on && !e.iter().any(|(f, _)| f.ends_with("_on")) {
            e.push(("registered_on", "登记日期不能早于签订日期".into()));
        }
        done(e, || ContractInput {
            contract_no,
            title,
            kind: kind.unwrap_or(ContractKind::Development),
            seller_org_id: opt(&self.seller_org_id),
            seller_name,
            buyer_org_id: opt(&self.buyer_org_id),
            buyer_name,
            amount_fen,
            tech_amount_fen,
            signed_on,
            registered_on,
            project_id: opt(&self.project_id),
            lead_id: None,
            chain_id: opt(&self.chain_id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_numbers() {
        assert_eq!(scaled("12.5", 1), Some(125));
        assert_eq!(scaled("5", 4), Some(50_000));
        assert_eq!(scaled("4.99%", 4), Some(49_900));
        assert_eq!(scaled("0.0001", 4), Some(1));
        assert_eq!(scaled("1.23456", 4), None);
        assert_eq!(scaled("-1", 2), None);
        assert_eq!(scaled("abc", 2), None);
        assert_eq!(scaled("", 2), None);
    }

    #[test]
    fn inventors_and_patents() {
        assert_eq!(
            parse_inventors("张三：60；李四:40%").unwrap(),
            "张三:60;李四:40"
        );
        assert!(parse_inventors("张三:60;李四:30")
            .unwrap_err()
            .contains("90"));
        assert!(parse_inventors("张三").is_err());
        assert_eq!(parse_inventors("").unwrap(), "");
        assert!(valid_patent("ZL202310123456.7"));
        assert!(valid_patent("ZL201910012345.X"));
        assert!(valid_patent("CN114123456A"));
        assert!(!valid_patent("US1234567"));
        assert!(!valid_patent("ZL12"));
        assert!(!valid_patent("ZL202310123456.77"));
    }

    #[test]
    fn agreement_draft_converts_percentages() {
        let d = AgreementDraft {
            agreement_no: "XTHG-2026-001".into(),
            pool_id: "p".into(),
            org_id: "o".into(),
            platform: "科学城科技成果转化投资有限公司".into(),
            grant_yuan: "2,000,000".into(),
            signed_on: "2026年3月1日".into(),
            term_months: "36".into(),
            min_round_yuan: "10000000".into(),
            discount_percent: "20".into(),
            cap_percent: "5".into(),
            buyback_rate_percent: "3.5".into(),
            exit_start_months: "12".into(),
            exit_end_months: "60".into(),
            ..Default::default()
        };
        let i = d.validate().unwrap();
        assert_eq!(i.grant_fen, 200_000_000);
        assert_eq!(i.discount_permille, 200);
        assert_eq!(i.cap_ppm, 50_000);
        assert_eq!(i.buyback_rate_permille, 35);
        let bad = AgreementDraft {
            cap_percent: "120".into(),
            exit_end_months: "6".into(),
            ..d
        }
        .validate()
        .unwrap_err()
        .1;
        let fields: Vec<&str> = bad.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["cap_percent", "exit_end_months"]);
    }

    #[test]
    fn contract_kind_accepts_chinese_labels() {
        let d = ContractDraft {
            contract_no: "2024500001000123".into(),
            title: "车规级芯片测试技术开发".into(),
            kind: "技术开发".into(),
            seller_name: "重庆大学".into(),
            buyer_name: "某汽车电子公司".into(),
            amount_yuan: "1200000".into(),
            tech_amount_yuan: "".into(),
            signed_on: "2024-03-01".into(),
            registered_on: "2024-03-15".into(),
            ..Default::default()
        };
        let i = d.validate().unwrap();
        assert_eq!(i.kind, ContractKind::Development);
        assert_eq!(i.tech_amount_fen, 120_000_000);
        let e = ContractDraft {
            registered_on: "2024-02-01".into(),
            ..d
        }
        .validate()
        .unwrap_err()
        .1;
        assert_eq!(e[0].0, "registered_on");
    }
}
