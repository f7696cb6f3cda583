//! Party-building rules (强基 · 先锋): kinds of party organisation, the
//! member recruitment ladder, masking of personal data, the commitment
//! cycle, and horse-race scoring.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a party organisation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyOrgKind {
    /// Joint committee of sci-tech institutions (联合党委), the root.
    JointCommittee,
    /// General branch (党总支).
    GeneralBranch,
    /// Branch (党支部).
    Branch,
    /// Joint branch across several small firms (联合党支部).
    JointBranch,
    /// Industrial-chain party committee (产业链党委), linking enterprises' party organisations.
    ChainCommittee,
}

impl PartyOrgKind {
    pub const ALL: [PartyOrgKind; 5] = [
        PartyOrgKind::JointCommittee,
        PartyOrgKind::GeneralBranch,
        PartyOrgKind::Branch,
        PartyOrgKind::JointBranch,
        PartyOrgKind::ChainCommittee,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PartyOrgKind::JointCommittee => "joint_committee",
            PartyOrgKind::GeneralBranch => "general_branch",
            PartyOrgKind::Branch => "branch",
            PartyOrgKind::JointBranch => "joint_branch",
            PartyOrgKind::ChainCommittee => "chain_committee",
        }
    }
    pub fn parse(s: &str) -> Option<PartyOrgKind> {
        PartyOrgKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            PartyOrgKind::JointCommittee => "联合党委",
            PartyOrgKind::GeneralBranch => "党总支",
            PartyOrgKind::Branch => "党支部",
            PartyOrgKind::JointBranch => "联合党支部",
            PartyOrgKind::ChainCommittee => "产业链党委",
        }
    }
}

/// A step of the recruitment ladder (申请 → 积极分子 → 发展对象 → 预备党员 → 正式党员).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStage {
    Applicant,
    Activist,
    Candidate,
    Probationary,
    Full,
}

impl MemberStage {
    pub const ALL: [MemberStage; 5] = [
        MemberStage::Applicant,
        MemberStage::Activist,
        MemberStage::Candidate,
        MemberStage::Probationary,
        MemberStage::Full,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStage::Applicant => "applicant",
            MemberStage::Activist => "activist",
            MemberStage::Candidate => "candidate",
            MemberStage::Probationary => "probationary",
            MemberStage::Full => "full",
        }
    }
    pub fn parse(s: &str) -> Option<MemberStage> {
        MemberStage::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            MemberStage::Applicant => "入党申请人",
            MemberStage::Activist => "入党积极分子",
            MemberStage::Candidate => "发展对象",
            MemberStage::Probationary => "预备党员",
            MemberStage::Full => "正式党员",
        }
    }
    /// Whether the person is a party member (probationary or full).
    pub fn is_member(self) -> bool {
        matches!(self, MemberStage::Probationary | MemberStage::Full)
    }
}

/// The dates a person reached each step, in ladder order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ladder {
    pub applied_on: Option<NaiveDate>,
    pub activist_on: Option<NaiveDate>,
    pub candidate_on: Option<NaiveDate>,
    pub probationary_on: Option<NaiveDate>,
    pub full_on: Option<NaiveDate>,
}

impl Ladder {
    fn dates(&self) -> [Option<NaiveDate>; 5] {
        [
            self.applied_on,
            self.activist_on,
            self.candidate_on,
            self.probationary_on,
            self.full_on,
        ]
    }

    /// The highest step reached (None when no date is set).
    pub fn stage(&self) -> Option<MemberStage> {
        self.dates()
            .iter()
            .rposition(Option::is_some)
            .map(|i| MemberStage::ALL[i])
    }

    /// The ladder is climbed in order: every step up to the highest has a
    /// date and the dates never go back. Returns the Chinese reason otherwise.
    pub fn check(&self) -> Result<(), String> {
        let dates = self.dates();
        let Some(top) = dates.iter().rposition(Option::is_some) else {
            return Ok(());
        };
        let mut last: Option<NaiveDate> = None;
        for (i, d) in dates.iter().enumerate().take(top + 1) {
            let Some(d) = d else {
                return Err(format!(
                    "已填写“{}”日期，请先填写“{}”日期",
                    MemberStage::ALL[top].label_zh(),
                    MemberStage::ALL[i].label_zh()
                ));
            };
            if let Some(prev) = last {
                if *d < prev {
                    return Err(format!(
                        "“{}”日期不能早于上一阶段",
                        MemberStage::ALL[i].label_zh()
                    ));
                }
            }
            last = Some(*d);
        }
        Ok(())
    }
}

/// "138****5678": the first three and last four digits of a phone number.
pub fn mask_phone(s: &str) -> String {
    mask(s, 3, 4)
}

/// "5001**********123X": the first four and last four characters of an ID number.
pub fn mask_id(s: &str) -> String {
    mask(s, 4, 4)
}

/// The first `head` and last `tail` characters, the rest as `*`.
pub fn mask(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// `part` of `whole` in per-mille, rounded half up; None when whole is 0.
pub fn share_permille(part: u64, whole: u64) -> Option<u64> {
    (whole > 0).then(|| (part * 2000 + whole) / (whole * 2))
}

/// "23.5%" from per-mille.
pub fn permille_text(p: Option<u64>) -> String {
    match p {
        Some(p) => format!("{}.{}%", p / 10, p % 10),
        None => "—".into(),
    }
}

/// Where a commitment stands (承诺践诺).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    /// Pledged, in progress (已承诺).
    Pledged,
    /// The member reported it fulfilled, waiting for the secretary (待核实).
    Reported,
    /// The secretary verified fulfilment (已践诺).
    Verified,
    /// The secretary found it not fulfilled (未兑现).
    Rejected,
}

impl CommitmentStatus {
    pub const ALL: [CommitmentStatus; 4] = [
        CommitmentStatus::Pledged,
        CommitmentStatus::Reported,
        CommitmentStatus::Verified,
        CommitmentStatus::Rejected,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentStatus::Pledged => "pledged",
            CommitmentStatus::Reported => "reported",
            CommitmentStatus::Verified => "verified",
            CommitmentStatus::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<CommitmentStatus> {
        CommitmentStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            CommitmentStatus::Pledged => "践诺中",
            CommitmentStatus::Reported => "待核实",
            CommitmentStatus::Verified => "已践诺",
            CommitmentStatus::Rejected => "未兑现",
        }
    }
}

/// A progress report at `percent`: 100 % asks the secretary to verify.
/// Only a pledged (or rejected, to try again) commitment takes reports.
pub fn after_report(s: CommitmentStatus, percent: u32) -> Result<CommitmentStatus, &'static str> {
    match s {
        CommitmentStatus::Pledged | CommitmentStatus::Rejected if percent >= 100 => {
            Ok(CommitmentStatus::Reported)
        }
        CommitmentStatus::Pledged | CommitmentStatus::Rejected => Ok(CommitmentStatus::Pledged),
        CommitmentStatus::Reported => Err("已报告践诺、等待核实，核实前不能再报告"),
        CommitmentStatus::Verified => Err("承诺已核实践诺，不能再报告"),
    }
}

/// The secretary's verdict: only a reported commitment is verified or rejected.
pub fn after_verdict(
    s: CommitmentStatus,
    fulfilled: bool,
) -> Result<CommitmentStatus, &'static str> {
    match s {
        CommitmentStatus::Reported if fulfilled => Ok(CommitmentStatus::Verified),
        CommitmentStatus::Reported => Ok(CommitmentStatus::Rejected),
        _ => Err("只有已报告践诺的承诺才能核实"),
    }
}

/// Whether an open commitment is past its due date.
pub fn commitment_overdue(s: CommitmentStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    matches!(s, CommitmentStatus::Pledged | CommitmentStatus::Rejected) && due_on < today
}

/// Where a race dimension's figure comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DimensionSource {
    /// Scores entered with evidence (0–100).
    Manual,
    /// On-time rate of the team department's solved cases in the period.
    OnTimeRate,
    /// Satisfaction rate of the team department's rated cases in the period.
    SatisfactionRate,
    /// Cases solved by the team's department in the period (scaled to the best team).
    CasesSolved,
    /// Share of the team members' commitments due in the period that were verified.
    CommitmentsFulfilled,
}

impl DimensionSource {
    pub const ALL: [DimensionSource; 5] = [
        DimensionSource::Manual,
        DimensionSource::OnTimeRate,
        DimensionSource::SatisfactionRate,
        DimensionSource::CasesSolved,
        DimensionSource::CommitmentsFulfilled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DimensionSource::Manual => "manual",
            DimensionSource::OnTimeRate => "on_time_rate",
            DimensionSource::SatisfactionRate => "satisfaction_rate",
            DimensionSource::CasesSolved => "cases_solved",
            DimensionSource::CommitmentsFulfilled => "commitments_fulfilled",
        }
    }
    pub fn parse(s: &str) -> Option<DimensionSource> {
        DimensionSource::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            DimensionSource::Manual => "评分（附佐证）",
            DimensionSource::OnTimeRate => "诉求按时办结率",
            DimensionSource::SatisfactionRate => "诉求满意率",
            DimensionSource::CasesSolved => "办结诉求数",
            DimensionSource::CommitmentsFulfilled => "承诺践诺率",
        }
    }
}

/// One team's raw figure on a dimension before scaling: a rate in per-mille,
/// a count, or a manual score in tenths (0–1000). None: no data.
pub type Raw = Option<u64>;

/// Score in tenths of a point (0–1000) of each team on one dimension, or
/// None where the team has no data there (不计分). Rates and manual scores
/// map directly (per-mille = tenths); counts are scaled so the best team
/// gets 1000 (all counts 0: every team 0).
pub fn dimension_scores(source: DimensionSource, raw: &[Raw]) -> Vec<Option<u64>> {
    match source {
        DimensionSource::CasesSolved => {
            let best = raw.iter().flatten().copied().max().unwrap_or(0);
            raw.iter()
                .map(|r| {
                    r.map(|v| {
                        if best > 0 {
                            (v * 2000 + best) / (best * 2)
                        } else {
                            0
                        }
                    })
                })
                .collect()
        }
        _ => raw.iter().map(|r| r.map(|v| v.min(1000))).collect(),
    }
}

/// Weighted total in tenths over the dimensions a team has data on:
/// Σ score·weight / Σ weight, rounded half up. A dimension without data
/// (None) is left out, so its weight is spread over the others instead of
/// scoring 0; with no data at all the total is 0.
pub fn weighted_total(scores: &[Option<u64>], weights: &[u32]) -> u64 {
    let scored = || {
        scores
            .iter()
            .zip(weights)
            .filter_map(|(s, w)| s.map(|s| (s, u64::from(*w))))
    };
    let w: u64 = scored().map(|(_, w)| w).sum();
    if w == 0 {
        return 0;
    }
    let s: u64 = scored().map(|(s, w)| s * w).sum();
    (s * 2 + w) / (w * 2)
}

/// Competition ranks (1, 2, 2, 4) of totals, highest first.
pub fn ranks(totals: &[u64]) -> Vec<u32> {
    totals
        .iter()
        .map(|t| 1 + totals.iter().filter(|o| *o > t).count() as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn masks_keep_only_the_ends() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_id("50010619900101123X"), "5001**********123X");
        assert_eq!(mask_phone("12"), "**");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn the_ladder_is_climbed_in_order() {
        let l = Ladder {
            applied_on: Some(d("2025-01-10")),
            activist_on: Some(d("2025-04-10")),
            candidate_on: Some(d("2026-04-10")),
            ..Default::default()
        };
        assert_eq!(l.stage(), Some(MemberStage::Candidate));
        assert!(l.check().is_ok());
        let skipped = Ladder {
            applied_on: Some(d("2025-01-10")),
            candidate_on: Some(d("2026-04-10")),
            ..Default::default()
        };
        assert!(skipped.check().unwrap_err().contains("入党积极分子"));
        let backwards = Ladder {
            applied_on: Some(d("2025-01-10")),
            activist_on: Some(d("2024-04-10")),
            ..Default::default()
        };
        assert!(backwards.check().unwrap_err().contains("不能早于"));
        assert_eq!(Ladder::default().stage(), None);
        assert!(MemberStage::Probationary.is_member());
        assert!(!MemberStage::Candidate.is_member());
    }

    #[test]
    fn shares_round_half_up() {
        assert_eq!(share_permille(1, 3), Some(333));
        assert_eq!(share_permille(2, 3), Some(667));
        assert_eq!(share_permille(9, 40), Some(225));
        assert_eq!(share_permille(0, 0), None);
        assert_eq!(permille_text(Some(225)), "22.5%");
    }

    #[test]
    fn the_commitment_cycle() {
        use CommitmentStatus::*;
        assert_eq!(after_report(Pledged, 60), Ok(Pledged));
        assert_eq!(after_report(Pledged, 100), Ok(Reported));
        assert!(after_report(Reported, 100).is_err());
        assert_eq!(after_verdict(Reported, true), Ok(Verified));
        assert_eq!(after_verdict(Reported, false), Ok(Rejected));
        assert_eq!(after_report(Rejected, 100), Ok(Reported));
        assert!(after_verdict(Pledged, true).is_err());
        assert!(after_report(Verified, 10).is_err());
        assert!(commitment_overdue(
            Pledged,
            d("2026-01-01"),
            d("2026-01-02")
        ));
        assert!(!commitment_overdue(
            Verified,
            d("2026-01-01"),
            d("2026-01-02")
        ));
        assert!(!commitment_overdue(
            Pledged,
            d("2026-01-02"),
            d("2026-01-02")
        ));
    }

    #[test]
    fn race_scores_and_ranks() {
        assert_eq!(
            dimension_scores(DimensionSource::CasesSolved, &[Some(40), Some(30), None]),
            vec![Some(1000), Some(750), None]
        );
        assert_eq!(
            dimension_scores(DimensionSource::CasesSolved, &[Some(0), Some(0)]),
            vec![Some(0), Some(0)]
        );
        assert_eq!(
            dimension_scores(DimensionSource::OnTimeRate, &[Some(955), None]),
            vec![Some(955), None]
        );
        // 比服务 40 %, 比效能 30 %, 比作风 20 %, 做示范 10 %.
        let all = [Some(900), Some(800), Some(700), Some(1000)];
        assert_eq!(weighted_total(&all, &[40, 30, 20, 10]), 840);
        // No data on 比效能: its 30 is spread over the other 70, not scored 0.
        let gap = [Some(900), None, Some(700), Some(1000)];
        assert_eq!(weighted_total(&gap, &[40, 30, 20, 10]), 857);
        assert_eq!(weighted_total(&[None, None], &[50, 50]), 0);
        assert_eq!(weighted_total(&[], &[]), 0);
        assert_eq!(ranks(&[840, 900, 840, 700]), vec![2, 1, 2, 4]);
    }

    proptest! {
        #[test]
        fn a_weighted_total_lies_between_the_scores(
            scores in proptest::collection::vec(proptest::option::of(0u64..=1000), 1..6),
            seed in proptest::collection::vec(1u32..50, 6),
        ) {
            let weights = &seed[..scores.len()];
            let t = weighted_total(&scores, weights);
            let present: Vec<u64> = scores.iter().flatten().copied().collect();
            prop_assert!(t >= present.iter().copied().min().unwrap_or(0));
            prop_assert!(t <= present.iter().copied().max().unwrap_or(0));
        }

        #[test]
        fn masking_keeps_the_length(s in "[0-9X]{0,20}") {
            prop_assert_eq!(mask_id(&s).chars().count(), s.chars().count());
            prop_assert!(!mask_phone(&s).contains(&s[..]) || s.len() <= 7);
        }
    }
}
