//! Transfer projects through the stage gates 项目筛选 → 概念验证 → 成果转化 →
//! 企业孵化 ([`Stage`], [`gate_outcome`]) and the expert review behind each
//! gate decision ([`review_result`]).

use crate::ErrorCode;
use serde::{Deserialize, Serialize};

/// Stage of a transfer project, in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Screening of candidate results (项目筛选).
    Screening,
    /// Proof of concept (概念验证).
    ProofOfConcept,
    /// Commercialisation of the result (成果转化).
    Commercialisation,
    /// Incubation of the spun-off firm (企业孵化).
    Incubation,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 4] = [
        Stage::Screening,
        Stage::ProofOfConcept,
        Stage::Commercialisation,
        Stage::Incubation,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Screening => "screening",
            Stage::ProofOfConcept => "proof_of_concept",
            Stage::Commercialisation => "commercialisation",
            Stage::Incubation => "incubation",
        }
    }

    /// Parses a code produced by [`Stage::as_str`].
    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Screening => "项目筛选",
            Stage::ProofOfConcept => "概念验证",
            Stage::Commercialisation => "成果转化",
            Stage::Incubation => "企业孵化",
        }
    }

    /// Position in [`Stage::ALL`], from 0 (screening) to 3 (incubation).
    pub fn index(self) -> usize {
        match self {
            Stage::Screening => 0,
            Stage::ProofOfConcept => 1,
            Stage::Commercialisation => 2,
            Stage::Incubation => 3,
        }
    }

    /// The stage after this one; `None` for the last stage (incubation).
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.index() + 1).copied()
    }
}

/// A project's standing within its stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectState {
    /// Being worked on (推进中).
    Active,
    /// Put on hold by a gate decision; may be resumed (暂缓).
    OnHold,
    /// Stopped for good by a gate decision (终止).
    Stopped,
}

impl ProjectState {
    /// Every state, in declaration order.
    pub const ALL: [ProjectState; 3] = [
        ProjectState::Active,
        ProjectState::OnHold,
        ProjectState::Stopped,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectState::Active => "active",
            ProjectState::OnHold => "on_hold",
            ProjectState::Stopped => "stopped",
        }
    }

    /// Parses a code produced by [`ProjectState::as_str`].
    pub fn parse(s: &str) -> Option<ProjectState> {
        ProjectState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            ProjectState::Active => "推进中",
            ProjectState::OnHold => "暂缓",
            ProjectState::Stopped => "终止",
        }
    }
}

/// What a gate review decides about a project; see [`gate_outcome`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateDecision {
    /// Pass the gate into the next (or a named) stage (通过进入下一阶段).
    Advance,
    /// Keep the project in its stage, on hold (暂缓).
    Hold,
    /// Stop the project (终止).
    Stop,
}

impl GateDecision {
    /// Every decision, in declaration order.
    pub const ALL: [GateDecision; 3] = [
        GateDecision::Advance,
        GateDecision::Hold,
        GateDecision::Stop,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            GateDecision::Advance => "advance",
            GateDecision::Hold => "hold",
            GateDecision::Stop => "stop",
        }
    }

    /// Parses a code produced by [`GateDecision::as_str`].
    pub fn parse(s: &str) -> Option<GateDecision> {
        GateDecision::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            GateDecision::Advance => "通过进入下一阶段",
            GateDecision::Hold => "暂缓",
            GateDecision::Stop => "终止",
        }
    }
}

/// Why a gate decision or an expert review is refused.
///
/// [`GateError::code`] gives a stable code for the HTTP API (422); the
/// [`Display`](std::fmt::Display) text is a Chinese message for users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    /// The project is stopped and takes no more decisions.
    #[error("项目已终止，不能再作阶段决策；如需继续推进，请重新立项")]
    ProjectStopped,
    /// Advance without a target from the last stage.
    #[error("项目已处于最后阶段“企业孵化”，没有下一阶段；请选择暂缓或终止，或指定要退回的阶段并填写理由")]
    LastStage,
    /// Advance to the stage the project is already in.
    #[error("目标阶段与当前阶段相同，请选择其他阶段；如需留在本阶段，请选择“暂缓”")]
    SameStage,
    /// Advance past the next stage without a reason.
    #[error("跨阶段推进（跳过中间阶段）须填写理由，请填写跳过理由后再提交")]
    SkipNeedsReason,
    /// Move back to an earlier stage without a reason.
    #[error("退回前序阶段须填写理由，请填写退回理由后再提交")]
    BackNeedsReason,
    /// A target stage was given with a hold or stop decision.
    #[error("选择“暂缓”或“终止”时不能指定目标阶段，请清空目标阶段后再提交")]
    TargetNotAllowed,
    /// No review criteria, or all weights are zero.
    #[error("评审指标为空或权重合计为零，请先设置至少一项权重大于零的评审指标")]
    NoCriteria,
    /// An expert gave a different number of scores than there are criteria.
    #[error("第{}位专家的评分项数（{actual}）与评审指标数（{expected}）不一致，请按每项指标逐一打分", .expert + 1)]
    ScoresMismatch {
        /// Index of the expert in the input, from 0.
        expert: usize,
        /// Number of criteria.
        expected: usize,
        /// Number of scores the expert gave.
        actual: usize,
    },
    /// A score above 100.
    #[error("第{}位专家的评分{score}超出范围，每项评分应在0至100分之间，请修改", .expert + 1)]
    ScoreOutOfRange {
        /// Index of the expert in the input, from 0.
        expert: usize,
        /// The offending score.
        score: u32,
    },
}

impl GateError {
    /// Stable snake_case code used by the HTTP API.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            GateError::ProjectStopped => ErrorCode::ProjectStopped,
            GateError::LastStage => ErrorCode::LastStage,
            GateError::SameStage => ErrorCode::SameStage,
            GateError::SkipNeedsReason => ErrorCode::SkipNeedsReason,
            GateError::BackNeedsReason => ErrorCode::BackNeedsReason,
            GateError::TargetNotAllowed => ErrorCode::TargetNotAllowed,
            GateError::NoCriteria => ErrorCode::NoCriteria,
            GateError::ScoresMismatch { .. } => ErrorCode::ScoresMismatch,
            GateError::ScoreOutOfRange { .. } => ErrorCode::ScoreOutOfRange,
        }
    }
}

/// Outcome of a gate decision for a project at `current` in state `state`:
/// the project's new stage and state.
///
/// - A stopped project takes no decisions ([`GateError::ProjectStopped`]).
/// - [`GateDecision::Advance`] without a target moves to
///   [`Stage::next`]; from the last stage that is
///   [`GateError::LastStage`].
/// - Advance to `Some(target)`: the current stage is refused
///   ([`GateError::SameStage`]); the next stage is fine; a stage further
///   ahead (skipping one) or behind (moving back) needs a non-blank
///   `override_reason` ([`GateError::SkipNeedsReason`],
///   [`GateError::BackNeedsReason`]).
/// - Advance always leaves the project [`ProjectState::Active`], so it also
///   resumes a project on hold.
/// - [`GateDecision::Hold`] keeps the stage, state
///   [`ProjectState::OnHold`]; [`GateDecision::Stop`] keeps the stage, state
///   [`ProjectState::Stopped`]. Either with a target is
///   [`GateError::TargetNotAllowed`].
pub fn gate_outcome(
    current: Stage,
    state: ProjectState,
    decision: GateDecision,
    target: Option<Stage>,
    override_reason: &str,
) -> Result<(Stage, ProjectState), GateError> {
    if state == ProjectState::Stopped {
        return Err(GateError::ProjectStopped);
    }
    match decision {
        GateDecision::Hold | GateDecision::Stop if target.is_some() => {
            Err(GateError::TargetNotAllowed)
        }
        GateDecision::Hold => Ok((current, ProjectState::OnHold)),
        GateDecision::Stop => Ok((current, ProjectState::Stopped)),
        GateDecision::Advance => {
            let has_reason = !override_reason.trim().is_empty();
            let to = match target {
                None => current.next().ok_or(GateError::LastStage)?,
                Some(t) if t == current => return Err(GateError::SameStage),
                Some(t) if t < current => {
                    if !has_reason {
                        return Err(GateError::BackNeedsReason);
                    }
                    t
                }
                Some(t) if t.index() > current.index() + 1 => {
                    if !has_reason {
                        return Err(GateError::SkipNeedsReason);
                    }
                    t
                }
                Some(t) => t,
            };
            Ok((to, ProjectState::Active))
        }
    }
}

// ---------------------------------------------------------------------------
// Expert review
// ---------------------------------------------------------------------------

/// One expert's scores, one per criterion, each 0..=100, plus a declared
/// conflict of interest (回避).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertScore {
    /// Scores in the order of the criteria weights.
    pub scores: Vec<u32>,
    /// Whether the expert declared a conflict of interest; such an expert's
    /// scores do not count.
    pub conflict: bool,
}

/// The combined result of an expert review; see [`review_result`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReviewResult {
    /// Weighted average in tenths of a point (0..=1000), rounded half up.
    pub score_tenths: u32,
    /// Experts whose scores counted (no conflict).
    pub counted: usize,
    /// Experts excluded for a conflict of interest.
    pub excluded: usize,
}

/// Combines expert scores into one review score.
///
/// `weights` are the criteria weights (any non-negative integers with a
/// positive sum; they need not sum to 100). The weighted score of an expert
/// is `Σ score_i·w_i / Σ w_i`; the result is the average of the weighted
/// scores of the experts without a conflict, in tenths of a point, rounded
/// half up once at the end (no intermediate rounding).
///
/// Returns `Ok(None)` when no expert without a conflict has scored.
///
/// Every expert's scores are validated, but an expert who declared a
/// conflict may leave the scores empty (having withdrawn from scoring).
///
/// # Errors
/// [`GateError::NoCriteria`] for empty weights or a zero weight sum,
/// [`GateError::ScoresMismatch`] when an expert's number of scores differs
/// from the number of weights, and [`GateError::ScoreOutOfRange`] for a
/// score above 100.
pub fn review_result(
    weights: &[u32],
    experts: &[ExpertScore],
) -> Result<Option<ReviewResult>, GateError> {
    let weight_sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if weights.is_empty() || weight_sum == 0 {
        return Err(GateError::NoCriteria);
    }
    let mut total: u128 = 0;
    let mut counted: usize = 0;
    let mut excluded: usize = 0;
    for (i, expert) in experts.iter().enumerate() {
        if expert.conflict && expert.scores.is_empty() {
            excluded += 1;
            continue;
        }
        if expert.scores.len() != weights.len() {
            return Err(GateError::ScoresMismatch {
                expert: i,
                expected: weights.len(),
                actual: expert.scores.len(),
            });
        }
        if let Some(&score) = expert.scores.iter().find(|&&s| s > 100) {
            return Err(GateError::ScoreOutOfRange { expert: i, score });
        }
        if expert.conflict {
            excluded += 1;
            continue;
        }
        let weighted: u128 = expert
            .scores
            .iter()
            .zip(weights)
            .map(|(&s, &w)| u128::from(s) * u128::from(w))
            .sum();
        total += weighted;
        counted += 1;
    }
    if counted == 0 {
        return Ok(None);
    }
    // Average of Σ s·w / W over `counted` experts, in tenths.
    let numerator = total * 10;
    let denominator = weight_sum * counted as u128;
    let tenths = numerator / denominator + u128::from(2 * (numerator % denominator) >= denominator);
    Ok(Some(ReviewResult {
        // At most 1000, since every score is at most 100.
        score_tenths: u32::try_from(tenths).unwrap_or(1000),
        counted,
        excluded,
    }))
}

/// The Chinese name of a technology readiness level (技术成熟度, TRL 1～9,
/// after GB/T 22900 技术就绪水平); "" outside 1～9.
pub fn trl_name_zh(level: i32) -> &'static str {
    match level {
        1 => "基本原理清晰",
        2 => "技术概念形成",
        3 => "可行性验证",
        4 => "实验室环境验证",
        5 => "相关环境部件验证",
        6 => "相关环境样机演示",
        7 => "使用环境样机试验",
        8 => "系统定型并通过验证",
        9 => "实际应用验证",
        _ => "",
    }
}

/// A TRL as pages show it: "TRL 4 实验室环境验证".
pub fn trl_label_zh(level: i32) -> String {
    match trl_name_zh(level) {
        "" => format!("TRL {level}"),
        name => format!("TRL {level} {name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_trl_has_its_chinese_name() {
        assert_eq!(trl_label_zh(4), "TRL 4 实验室环境验证");
        assert!((1..=9).all(|l| !trl_name_zh(l).is_empty()));
        assert_eq!(trl_label_zh(0), "TRL 0");
    }

    use super::*;

    #[test]
    fn enum_codes_and_labels_round_trip() {
        for (i, s) in Stage::ALL.into_iter().enumerate() {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
            assert_eq!(s.index(), i);
            assert!(!s.label_zh().is_empty());
        }
        for s in ProjectState::ALL {
            assert_eq!(ProjectState::parse(s.as_str()), Some(s));
        }
        for d in GateDecision::ALL {
            assert_eq!(GateDecision::parse(d.as_str()), Some(d));
        }
        assert_eq!(Stage::parse("Screening"), None);
        assert_eq!(Stage::ProofOfConcept.as_str(), "proof_of_concept");
        assert_eq!(Stage::Commercialisation.label_zh(), "成果转化");
        assert_eq!(ProjectState::OnHold.as_str(), "on_hold");
        assert_eq!(GateDecision::Advance.label_zh(), "通过进入下一阶段");
    }

    #[test]
    fn stage_order_and_next() {
        assert_eq!(Stage::Screening.next(), Some(Stage::ProofOfConcept));
        assert_eq!(Stage::ProofOfConcept.next(), Some(Stage::Commercialisation));
        assert_eq!(Stage::Commercialisation.next(), Some(Stage::Incubation));
        assert_eq!(Stage::Incubation.next(), None);
        assert!(Stage::Screening < Stage::Incubation);
    }

    #[test]
    fn gate_advance_to_next_stage() {
        use GateDecision as D;
        use ProjectState as P;
        use Stage as S;
        assert_eq!(
            gate_outcome(S::Screening, P::Active, D::Advance, None, ""),
            Ok((S::ProofOfConcept, P::Active))
        );
        assert_eq!(
            gate_outcome(
                S::ProofOfConcept,
                P::Active,
                D::Advance,
                Some(S::Commercialisation),
                ""
            ),
            Ok((S::Commercialisation, P::Active))
        );
        // Resuming from hold.
        assert_eq!(
            gate_outcome(S::Commercialisation, P::OnHold, D::Advance, None, ""),
            Ok((S::Incubation, P::Active))
        );
        assert_eq!(
            gate_outcome(S::Incubation, P::Active, D::Advance, None, ""),
            Err(GateError::LastStage)
        );
        assert_eq!(
            gate_outcome(
                S::ProofOfConcept,
                P::Active,
                D::Advance,
                Some(S::ProofOfConcept),
                "x"
            ),
            Err(GateError::SameStage)
        );
    }

    #[test]
    fn gate_skip_and_back_need_a_reason() {
        use GateDecision as D;
        use ProjectState as P;
        use Stage as S;
        assert_eq!(
            gate_outcome(
                S::Screening,
                P::Active,
                D::Advance,
                Some(S::Commercialisation),
                ""
            ),
            Err(GateError::SkipNeedsReason)
        );
        assert_eq!(
            gate_outcome(
                S::Screening,
                P::Active,
                D::Advance,
                Some(S::Incubation),
                "  \t"
            ),
            Err(GateError::SkipNeedsReason)
        );
        assert_eq!(
            gate_outcome(
                S::Screening,
                P::Active,
                D::Advance,
                Some(S::Incubation),
                "已完成中试"
            ),
            Ok((S::Incubation, P::Active))
        );
        assert_eq!(
            gate_outcome(
                S::Commercialisation,
                P::Active,
                D::Advance,
                Some(S::ProofOfConcept),
                ""
            ),
            Err(GateError::BackNeedsReason)
        );
        assert_eq!(
            gate_outcome(
                S::Incubation,
                P::OnHold,
                D::Advance,
                Some(S::Screening),
                "技术路线调整"
            ),
            Ok((S::Screening, P::Active))
        );
    }

    #[test]
    fn gate_hold_stop_and_stopped_projects() {
        use GateDecision as D;
        use ProjectState as P;
        use Stage as S;
        assert_eq!(
            gate_outcome(S::ProofOfConcept, P::Active, D::Hold, None, ""),
            Ok((S::ProofOfConcept, P::OnHold))
        );
        assert_eq!(
            gate_outcome(S::ProofOfConcept, P::OnHold, D::Hold, None, ""),
            Ok((S::ProofOfConcept, P::OnHold))
        );
        assert_eq!(
            gate_outcome(S::Incubation, P::OnHold, D::Stop, None, ""),
            Ok((S::Incubation, P::Stopped))
        );
        assert_eq!(
            gate_outcome(
                S::Screening,
                P::Active,
                D::Hold,
                Some(S::ProofOfConcept),
                "x"
            ),
            Err(GateError::TargetNotAllowed)
        );
        assert_eq!(
            gate_outcome(S::Screening, P::Active, D::Stop, Some(S::Screening), ""),
            Err(GateError::TargetNotAllowed)
        );
        for d in GateDecision::ALL {
            assert_eq!(
                gate_outcome(S::Screening, P::Stopped, d, None, "理由"),
                Err(GateError::ProjectStopped)
            );
        }
    }

    #[test]
    fn gate_error_codes_and_messages() {
        let all = [
            (GateError::ProjectStopped, "project_stopped"),
            (GateError::LastStage, "last_stage"),
            (GateError::SameStage, "same_stage"),
            (GateError::SkipNeedsReason, "skip_needs_reason"),
            (GateError::BackNeedsReason, "back_needs_reason"),
            (GateError::TargetNotAllowed, "target_not_allowed"),
            (GateError::NoCriteria, "no_criteria"),
            (
                GateError::ScoresMismatch {
                    expert: 0,
                    expected: 3,
                    actual: 2,
                },
                "scores_mismatch",
            ),
            (
                GateError::ScoreOutOfRange {
                    expert: 1,
                    score: 101,
                },
                "score_out_of_range",
            ),
        ];
        for (e, code) in all {
            assert_eq!(e.code().as_str(), code);
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            GateError::ScoresMismatch {
                expert: 0,
                expected: 3,
                actual: 2
            }
            .to_string(),
            "第1位专家的评分项数（2）与评审指标数（3）不一致，请按每项指标逐一打分"
        );
        assert_eq!(
            GateError::ScoreOutOfRange {
                expert: 1,
                score: 101
            }
            .to_string(),
            "第2位专家的评分101超出范围，每项评分应在0至100分之间，请修改"
        );
    }

    // ---- expert review ----

    fn expert(scores: &[u32], conflict: bool) -> ExpertScore {
        ExpertScore {
            scores: scores.to_vec(),
            conflict,
        }
    }

    #[test]
    fn review_weighted_average_excludes_conflicts() {
        // A: (80·40 + 90·30 + 70·30) / 100 = 80.0; B: (90·40 + 85·30 +
        // 75·30) / 100 = 84.0; C declared a conflict.
        let r = review_result(
            &[40, 30, 30],
            &[
                expert(&[80, 90, 70], false),
                expert(&[90, 85, 75], false),
                expert(&[100, 100, 100], true),
            ],
        );
        assert_eq!(
            r,
            Ok(Some(ReviewResult {
                score_tenths: 820,
                counted: 2,
                excluded: 1
            }))
        );
    }

    #[test]
    fn review_rounds_once_half_up() {
        // A: (80 + 81·2) / 3 = 80.667; B: 70. Mean 75.333 → 753 tenths.
        let r = review_result(
            &[1, 2],
            &[expert(&[80, 81], false), expert(&[70, 70], false)],
        );
        assert_eq!(r.unwrap().unwrap().score_tenths, 753);
        // 1/4 point = 2.5 tenths → 3.
        let r = review_result(&[1, 1, 1, 1], &[expert(&[0, 0, 0, 1], false)]);
        assert_eq!(r.unwrap().unwrap().score_tenths, 3);
        // Weights need not sum to 100.
        let r = review_result(&[7], &[expert(&[100], false)]);
        assert_eq!(r.unwrap().unwrap().score_tenths, 1000);
    }

    #[test]
    fn review_without_counted_experts_is_none() {
        assert_eq!(review_result(&[1], &[]), Ok(None));
        // A conflicted expert may leave the scores empty.
        assert_eq!(
            review_result(&[1, 1], &[expert(&[], true), expert(&[50, 60], true)]),
            Ok(None)
        );
    }

    #[test]
    fn review_errors() {
        assert_eq!(
            review_result(&[], &[expert(&[], false)]),
            Err(GateError::NoCriteria)
        );
        assert_eq!(
            review_result(&[0, 0], &[expert(&[1, 2], false)]),
            Err(GateError::NoCriteria)
        );
        assert_eq!(
            review_result(&[1, 1], &[expert(&[1, 2], false), expert(&[3], false)]),
            Err(GateError::ScoresMismatch {
                expert: 1,
                expected: 2,
                actual: 1
            })
        );
        assert_eq!(
            review_result(&[1, 1], &[expert(&[], false)]),
            Err(GateError::ScoresMismatch {
                expert: 0,
                expected: 2,
                actual: 0
            })
        );
        assert_eq!(
            review_result(&[1, 1], &[expert(&[100, 101], true)]),
            Err(GateError::ScoreOutOfRange {
                expert: 0,
                score: 101
            })
        );
    }
}
