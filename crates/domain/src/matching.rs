//! Matchmaking (技术撮合 · 资源共享 · 信息互通), PRODUCT.md A4: technology
//! offers (技术供给) and needs (技术需求), their publication (a broker or the
//! bureau reviews each before it is listed), the leads (撮合线索) brokers
//! work from first contact to signing, the cooperation modes, and the rule
//! for an enterprise's hidden name.
//!
//! Words as in the glossary: offer `offer`, need `need`, matchmaking
//! `match`. Money is fen, TRL 1–9. The ranking itself is the engine's
//! (`kechuang-matching`); this module holds the rules around it.

use chrono::NaiveDate;

use crate::money::Money;

coded! {
    /// What an offer is.
    pub enum OfferKind {
        /// A research result (科技成果).
        Result = ("result", "科技成果"),
        /// A patent (专利).
        Patent = ("patent", "专利"),
        /// Instruments and equipment to share (仪器设备).
        Equipment = ("equipment", "仪器设备"),
        /// A platform or facility to share (平台设施).
        Facility = ("facility", "平台设施"),
        /// Expert services (专家服务).
        Expert = ("expert", "专家服务"),
    }
}

coded! {
    /// A cooperation mode (合作方式). The codes are those of
    /// `kechuang_matching::Mode::as_str`, so the web layer maps them 1:1.
    pub enum CoopMode {
        /// 转让: the rights are sold.
        Transfer = ("transfer", "转让"),
        /// 许可: the result is licensed.
        License = ("license", "许可"),
        /// 合作开发: developed further together.
        JointDevelopment = ("joint_development", "合作开发"),
        /// 作价入股: valued and contributed as equity.
        Equity = ("equity", "作价入股"),
        /// 技术服务: services, consulting, testing.
        Service = ("service", "技术服务"),
    }
}

impl CoopMode {
    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of cooperation modes. Stored as the codes in [`CoopMode::ALL`]
/// order, comma-separated (`transfer,license`); empty for none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CoopModes(u8);

impl CoopModes {
    /// No mode.
    pub const EMPTY: CoopModes = CoopModes(0);

    /// The set of the given modes.
    pub fn of(modes: &[CoopMode]) -> CoopModes {
        CoopModes(modes.iter().fold(0, |b, m| b | m.bit()))
    }

    /// Whether `m` is in the set.
    pub fn contains(self, m: CoopMode) -> bool {
        self.0 & m.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the two sets share a mode.
    pub fn intersects(self, other: CoopModes) -> bool {
        self.0 & other.0 != 0
    }

    /// The modes, in [`CoopMode::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = CoopMode> {
        CoopMode::ALL
            .iter()
            .copied()
            .filter(move |m| self.contains(*m))
    }

    /// The stored form: codes in order, comma-separated.
    pub fn to_codes(self) -> String {
        self.iter()
            .map(CoopMode::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The stored form read back; an unknown code is skipped (a code the
    /// domain no longer knows must not make a record unreadable).
    pub fn from_codes(s: &str) -> CoopModes {
        CoopModes::of(&s.split(',').filter_map(CoopMode::parse).collect::<Vec<_>>())
    }

    /// Modes as typed (forms, spreadsheet cells): codes or Chinese labels
    /// separated by commas, 、, semicolons or spaces. The first word that
    /// is no mode is the error.
    pub fn parse_list(s: &str) -> Result<CoopModes, String> {
        let mut set = CoopModes::EMPTY;
        for w in s
            .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；' | '/') || c.is_whitespace())
            .filter(|w| !w.is_empty())
        {
            let m = CoopMode::parse(w).ok_or_else(|| {
                format!("“{w}”不是合作方式，可选：转让、许可、合作开发、作价入股、技术服务")
            })?;
            set = CoopModes(set.0 | m.bit());
        }
        Ok(set)
    }

    /// The Chinese labels joined by 、 (`转让、许可`).
    pub fn labels_zh(self) -> String {
        self.iter()
            .map(CoopMode::label_zh)
            .collect::<Vec<_>>()
            .join("、")
    }
}

coded! {
    /// Where an offer or a need stands. Only published listings are seen
    /// by everyone and matched.
    pub enum ListingStatus {
        /// Saved, not yet sent for review (草稿).
        Draft = ("draft", "草稿"),
        /// Waiting for a broker or the bureau (待审核).
        Pending = ("pending", "待审核"),
        /// Listed (已发布).
        Published = ("published", "已发布"),
        /// Sent back with a reason; the owner edits and submits again (已退回).
        Returned = ("returned", "已退回"),
        /// Taken down by its owner or a reviewer; may be submitted again (已撤回).
        Withdrawn = ("withdrawn", "已撤回"),
        /// Closed for good: a need expired or fulfilled, an offer no longer
        /// available (已关闭). Final.
        Closed = ("closed", "已关闭"),
    }
}

coded! {
    /// Why a listing was closed.
    pub enum CloseCause {
        /// The need's deadline passed (closed by the daily sweep).
        Expired = ("expired", "已过截止日期"),
        /// The need was met (or the offer taken up).
        Fulfilled = ("fulfilled", "已解决"),
        /// Any other reason, given in words.
        Other = ("other", "其他原因"),
    }
}

/// A step in a listing's publication.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListingAction {
    /// Send for review (owner or staff).
    Submit,
    /// List it (reviewer).
    Publish,
    /// Send back with a reason (reviewer).
    Return,
    /// Take it down (owner or reviewer).
    Withdraw,
    /// Close it for good (owner or staff; the sweep for expired needs).
    Close,
}

impl ListingAction {
    /// The action's name in the audit log.
    pub fn audit_name(self) -> &'static str {
        match self {
            ListingAction::Submit => "submit",
            ListingAction::Publish => "publish",
            ListingAction::Return => "return",
            ListingAction::Withdraw => "withdraw",
            ListingAction::Close => "close",
        }
    }

    /// The action in Chinese (提交审核 …).
    pub fn label_zh(self) -> &'static str {
        match self {
            ListingAction::Submit => "提交审核",
            ListingAction::Publish => "发布",
            ListingAction::Return => "退回",
            ListingAction::Withdraw => "撤回",
            ListingAction::Close => "关闭",
        }
    }

    /// Only reviewers (a broker or the bureau) may take this step.
    pub fn needs_reviewer(self) -> bool {
        matches!(self, ListingAction::Publish | ListingAction::Return)
    }

    /// The step must say why (a return tells the owner what to change).
    pub fn needs_reason(self) -> bool {
        matches!(self, ListingAction::Return)
    }
}

/// The status a listing moves to by `action`, or why it cannot (Chinese).
///
/// Submit: draft, returned or withdrawn → pending. Publish and return:
/// pending → published / returned. Withdraw: pending or published →
/// withdrawn. Close: pending or published → closed. Closed is final.
pub fn listing_move(from: ListingStatus, action: ListingAction) -> Result<ListingStatus, String> {
    use ListingAction as A;
    use ListingStatus as S;
    let to = match (action, from) {
        (A::Submit, S::Draft | S::Returned | S::Withdrawn) => S::Pending,
        (A::Publish, S::Pending) => S::Published,
        (A::Return, S::Pending) => S::Returned,
        (A::Withdraw, S::Pending | S::Published) => S::Withdrawn,
        (A::Close, S::Pending | S::Published) => S::Closed,
        _ => {
            return Err(format!(
                "{}的记录不能{}",
                from.label_zh(),
                action.label_zh()
            ))
        }
    };
    Ok(to)
}

/// The status after the content of a listing is changed: a reviewer's
/// correction keeps it; the owner's change of a published listing sends it
/// back to review (pending); a closed listing cannot change.
pub fn status_after_edit(from: ListingStatus, by_reviewer: bool) -> Result<ListingStatus, String> {
    match from {
        ListingStatus::Closed => Err("已关闭的记录不能再修改".into()),
        ListingStatus::Published if !by_reviewer => Ok(ListingStatus::Pending),
        s => Ok(s),
    }
}

coded! {
    /// The stage of a lead (撮合线索).
    pub enum LeadStage {
        /// First contact with each side (初步接洽).
        Contact = ("contact", "初步接洽"),
        /// The need confirmed with the offer's holder: the parties have met (需求确认).
        Confirmed = ("confirmed", "需求确认"),
        /// Negotiating the scheme and terms (方案洽谈).
        Negotiating = ("negotiating", "方案洽谈"),
        /// Signed (签约); final.
        Signed = ("signed", "签约"),
        /// Closed without signing, with a reason (关闭); final.
        Closed = ("closed", "关闭"),
    }
}

impl LeadStage {
    /// Still being worked: contact, confirmed or negotiating.
    pub fn is_open(self) -> bool {
        !matches!(self, LeadStage::Signed | LeadStage::Closed)
    }

    /// The next stage forward (negotiating → signed); signed and closed have none.
    pub fn next(self) -> Option<LeadStage> {
        match self {
            LeadStage::Contact => Some(LeadStage::Confirmed),
            LeadStage::Confirmed => Some(LeadStage::Negotiating),
            LeadStage::Negotiating => Some(LeadStage::Signed),
            LeadStage::Signed | LeadStage::Closed => None,
        }
    }

    /// The open stages and signed, in order (for funnels).
    pub const PIPELINE: [LeadStage; 4] = [
        LeadStage::Contact,
        LeadStage::Confirmed,
        LeadStage::Negotiating,
        LeadStage::Signed,
    ];
}

/// Why a lead cannot move.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StageError {
    /// Signed and closed leads do not move.
    #[error("线索已{}，不能再推进", .0.label_zh())]
    Final(LeadStage),
    /// The lead is already there.
    #[error("线索已在“{}”阶段", .0.label_zh())]
    Same(LeadStage),
    /// Only one step forward at a time (or to closed).
    #[error("线索只能从“{}”推进到“{}”或关闭", .from.label_zh(), .next.label_zh())]
    NotNext { from: LeadStage, next: LeadStage },
    /// Closing needs a reason.
    #[error("关闭线索须填写原因")]
    ReasonRequired,
}

/// The stage a lead moves to: one step forward, or to closed (with a
/// reason) from any open stage. Signed and closed are final.
pub fn stage_move(from: LeadStage, to: LeadStage, reason: &str) -> Result<LeadStage, StageError> {
    if !from.is_open() {
        return Err(StageError::Final(from));
    }
    if from == to {
        return Err(StageError::Same(from));
    }
    if to == LeadStage::Closed {
        if reason.trim().is_empty() {
            return Err(StageError::ReasonRequired);
        }
        return Ok(to);
    }
    match from.next() {
        Some(n) if n == to => Ok(to),
        Some(next) => Err(StageError::NotNext { from, next }),
        None => Err(StageError::Final(from)),
    }
}

/// Whether the parties of a lead at `stage` have met: from 需求确认 on
/// (the need is confirmed with the offer's holder, face to face or in a
/// meeting the broker arranges; at 初步接洽 the broker talks to each side
/// alone). The store records the moment a lead first reaches it
/// (`met_at`), so a lead closed after the meeting still counts as met.
pub fn parties_met(stage: LeadStage) -> bool {
    matches!(
        stage,
        LeadStage::Confirmed | LeadStage::Negotiating | LeadStage::Signed
    )
}

/// An open lead whose next step was due before `today`.
pub fn is_overdue(stage: LeadStage, next_due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    stage.is_open() && next_due_on.is_some_and(|d| d < today)
}

/// Who reads a need whose enterprise chose to hide its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameReader {
    /// Works the matchmaking: a broker or a reviewer (the bureau).
    pub broker: bool,
    /// Belongs to the need's own organisation.
    pub own_org: bool,
    /// Holds an offer in a lead on this need whose parties have met.
    pub met_holder: bool,
}

/// Whether the reader sees the need's organisation (its name, and the
/// contacts and ids that would give it away): always when the name is
/// public; a hidden name only to brokers, to the organisation itself, and
/// to the holder of an offer in a lead on the need once the parties have
/// met ([`parties_met`]).
pub fn need_name_shown(name_public: bool, r: NameReader) -> bool {
    name_public || r.broker || r.own_org || r.met_holder
}

/// What a hidden name reads as.
pub const HIDDEN_NAME: &str = "（企业名称不公开）";

/// The highest TRL (技术成熟度 1–9).
pub const MAX_TRL: i32 = 9;

/// A TRL is 1–9.
pub fn check_trl(trl: i32) -> Result<(), String> {
    if (1..=MAX_TRL).contains(&trl) {
        Ok(())
    } else {
        Err(format!("技术成熟度须为 1 到 {MAX_TRL} 的整数"))
    }
}

/// A TRL range: each 1–9, the lowest not above the highest.
pub fn check_trl_range(min: Option<i32>, max: Option<i32>) -> Result<(), String> {
    for t in [min, max].into_iter().flatten() {
        check_trl(t)?;
    }
    match (min, max) {
        (Some(a), Some(b)) if a > b => Err("技术成熟度的下限不能高于上限".into()),
        _ => Ok(()),
    }
}

/// An amount in fen: not negative, at most [`Money::MAX_FEN`].
pub fn check_amount(fen: i64) -> Result<(), String> {
    if fen < 0 {
        return Err("金额不能为负数".into());
    }
    if fen > Money::MAX_FEN {
        return Err("金额超出上限（1万亿元）".into());
    }
    Ok(())
}

/// A price range in fen (面议 when both are absent): each a valid amount,
/// the lowest not above the highest.
pub fn check_price(min_fen: Option<i64>, max_fen: Option<i64>) -> Result<(), String> {
    for a in [min_fen, max_fen].into_iter().flatten() {
        check_amount(a)?;
    }
    match (min_fen, max_fen) {
        (Some(a), Some(b)) if a > b => Err("价格下限不能高于上限".into()),
        _ => Ok(()),
    }
}

/// Keywords as typed (separated by commas, 、, semicolons or spaces),
/// trimmed, empty ones and repeats dropped, in order.
pub fn split_keywords(s: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for w in s
        .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        if !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

/// Keywords in their stored form (joined by `、`).
pub fn join_keywords(words: &[String]) -> String {
    words.join("、")
}

coded! {
    /// A word of the matching vocabulary administrators keep.
    pub enum TermKind {
        /// A word segmentation must keep whole (碳化硅).
        Word = ("word", "领域词"),
        /// A group of interchangeable terms, the canonical one first.
        Synonym = ("synonym", "同义词组"),
    }
}

/// The longest term (as the engine accepts it).
pub const MAX_TERM_CHARS: usize = 32;

/// A vocabulary entry in its stored form: a word trimmed; a synonym group's
/// terms (separated by spaces, commas or 、) joined by one space, repeats
/// dropped, the first kept first. Each term has no space and at most
/// [`MAX_TERM_CHARS`] characters; a group has at least two terms.
pub fn normalise_term(kind: TermKind, text: &str) -> Result<String, String> {
    let terms: Vec<&str> = match kind {
        TermKind::Word => {
            let w = text.trim();
            if w.chars().any(char::is_whitespace) {
                return Err(format!("“{w}”含有空格；一个领域词不能含空格"));
            }
            vec![w]
        }
        TermKind::Synonym => {
            let mut v: Vec<&str> = vec![];
            for w in text
                .split(|c: char| matches!(c, ',' | '，' | '、') || c.is_whitespace())
                .filter(|w| !w.is_empty())
            {
                if !v.iter().any(|o| o.to_lowercase() == w.to_lowercase()) {
                    v.push(w);
                }
            }
            v
        }
    };
    if terms.iter().all(|w| w.is_empty()) {
        return Err("请填写词语".into());
    }
    if let Some(w) = terms.iter().find(|w| w.chars().count() > MAX_TERM_CHARS) {
        return Err(format!("“{w}”过长，一个词最多 {MAX_TERM_CHARS} 个字"));
    }
    if kind == TermKind::Synonym && terms.len() < 2 {
        return Err("同义词组至少要有两个不同的词，用空格或逗号分隔，规范词写在最前".into());
    }
    Ok(terms.join(" "))
}

/// A synonym group's terms from its stored form.
pub fn synonym_terms(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_string).collect()
}

coded! {
    /// What a row of the matching change feed is about.
    pub enum ChangeKind {
        /// An offer was created, changed or deleted.
        Offer = ("offer", "技术供给"),
        /// A need was created, changed or deleted.
        Need = ("need", "技术需求"),
        /// The vocabulary (words, synonym groups) changed.
        Term = ("term", "匹配词库"),
        /// Every replica rebuilds its index from scratch (`kechuang reindex`).
        Rebuild = ("rebuild", "重建索引"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The serde code of a unit variant.
    fn serde_code<T: serde::Serialize>(v: &T) -> String {
        #[derive(serde::Serialize)]
        struct W<'a, T> {
            v: &'a T,
        }
        let s = toml::to_string(&W { v }).unwrap();
        s.trim()
            .strip_prefix("v = \"")
            .and_then(|s| s.strip_suffix('"'))
            .unwrap()
            .to_owned()
    }

    #[test]
    fn codes_labels_and_serde_agree() {
        macro_rules! check {
            ($t:ty) => {
                for k in <$t>::ALL {
                    assert_eq!(<$t>::parse(k.as_str()), Some(*k));
                    assert_eq!(<$t>::parse(k.label_zh()), Some(*k));
                    assert_eq!(serde_code(k), k.as_str());
                }
            };
        }
        check!(OfferKind);
        check!(CoopMode);
        check!(ListingStatus);
        check!(CloseCause);
        check!(LeadStage);
        check!(TermKind);
        check!(ChangeKind);
        assert_eq!(OfferKind::parse(" 专利 "), Some(OfferKind::Patent));
        assert_eq!(LeadStage::Negotiating.to_string(), "方案洽谈");
    }

    /// The same codes as `kechuang_matching::Mode::as_str`, in the same
    /// order (that crate is not a dependency of this one; the web layer's
    /// mapping test checks the two against each other).
    #[test]
    fn cooperation_mode_codes_are_the_engines() {
        let codes: Vec<&str> = CoopMode::ALL.iter().map(|m| m.as_str()).collect();
        assert_eq!(
            codes,
            [
                "transfer",
                "license",
                "joint_development",
                "equity",
                "service"
            ]
        );
        let labels: Vec<&str> = CoopMode::ALL.iter().map(|m| m.label_zh()).collect();
        assert_eq!(labels, ["转让", "许可", "合作开发", "作价入股", "技术服务"]);
    }

    #[test]
    fn mode_sets() {
        let s = CoopModes::parse_list("许可、transfer，技术服务 许可").unwrap();
        assert_eq!(s.to_codes(), "transfer,license,service");
        assert_eq!(s.labels_zh(), "转让、许可、技术服务");
        assert_eq!(CoopModes::from_codes(&s.to_codes()), s);
        assert_eq!(CoopModes::from_codes(""), CoopModes::EMPTY);
        assert_eq!(
            CoopModes::from_codes("equity,unknown"),
            CoopModes::of(&[CoopMode::Equity])
        );
        assert!(CoopModes::parse_list("").unwrap().is_empty());
        assert!(CoopModes::parse_list("转让，买断")
            .unwrap_err()
            .contains("买断"));
        let a = CoopModes::of(&[CoopMode::Transfer, CoopMode::Equity]);
        assert!(a.intersects(CoopModes::of(&[CoopMode::Equity])));
        assert!(!a.intersects(CoopModes::of(&[CoopMode::License])));
        assert!(!a.intersects(CoopModes::EMPTY));
        for m in CoopMode::ALL {
            let one = CoopModes::of(&[*m]);
            assert_eq!(one.iter().collect::<Vec<_>>(), vec![*m]);
            assert_eq!(one.to_codes(), m.as_str());
        }
    }

    #[test]
    fn publication() {
        use ListingAction as A;
        use ListingStatus as S;
        assert_eq!(listing_move(S::Draft, A::Submit), Ok(S::Pending));
        assert_eq!(listing_move(S::Returned, A::Submit), Ok(S::Pending));
        assert_eq!(listing_move(S::Withdrawn, A::Submit), Ok(S::Pending));
        assert_eq!(listing_move(S::Pending, A::Publish), Ok(S::Published));
        assert_eq!(listing_move(S::Pending, A::Return), Ok(S::Returned));
        assert_eq!(listing_move(S::Published, A::Withdraw), Ok(S::Withdrawn));
        assert_eq!(listing_move(S::Pending, A::Withdraw), Ok(S::Withdrawn));
        assert_eq!(listing_move(S::Published, A::Close), Ok(S::Closed));
        assert_eq!(listing_move(S::Pending, A::Close), Ok(S::Closed));
        // Refused: publishing what was not reviewed, reviewing twice, anything after closing.
        assert!(listing_move(S::Draft, A::Publish).is_err());
        assert!(listing_move(S::Published, A::Publish).is_err());
        assert!(listing_move(S::Published, A::Return).is_err());
        assert!(listing_move(S::Draft, A::Withdraw).is_err());
        assert!(listing_move(S::Pending, A::Submit).is_err());
        for a in [A::Submit, A::Publish, A::Return, A::Withdraw, A::Close] {
            assert!(listing_move(S::Closed, a).is_err(), "{a:?}");
        }
        assert_eq!(
            listing_move(S::Draft, A::Publish).unwrap_err(),
            "草稿的记录不能发布"
        );
        assert!(A::Publish.needs_reviewer() && A::Return.needs_reviewer());
        assert!(!A::Withdraw.needs_reviewer() && !A::Submit.needs_reviewer());
        assert!(A::Return.needs_reason() && !A::Withdraw.needs_reason());

        assert_eq!(status_after_edit(S::Published, false), Ok(S::Pending));
        assert_eq!(status_after_edit(S::Published, true), Ok(S::Published));
        assert_eq!(status_after_edit(S::Returned, false), Ok(S::Returned));
        assert_eq!(status_after_edit(S::Draft, false), Ok(S::Draft));
        assert!(status_after_edit(S::Closed, true).is_err());
    }

    #[test]
    fn stage_moves() {
        use LeadStage::*;
        assert_eq!(stage_move(Contact, Confirmed, ""), Ok(Confirmed));
        assert_eq!(stage_move(Confirmed, Negotiating, ""), Ok(Negotiating));
        assert_eq!(stage_move(Negotiating, Signed, ""), Ok(Signed));
        for from in [Contact, Confirmed, Negotiating] {
            assert_eq!(stage_move(from, Closed, "企业另有安排"), Ok(Closed));
            assert_eq!(
                stage_move(from, Closed, "  "),
                Err(StageError::ReasonRequired)
            );
            assert_eq!(stage_move(from, from, ""), Err(StageError::Same(from)));
        }
        assert_eq!(
            stage_move(Contact, Negotiating, ""),
            Err(StageError::NotNext {
                from: Contact,
                next: Confirmed
            })
        );
        assert!(matches!(
            stage_move(Negotiating, Contact, ""),
            Err(StageError::NotNext { .. })
        ));
        assert!(matches!(
            stage_move(Contact, Signed, ""),
            Err(StageError::NotNext { .. })
        ));
        for fin in [Signed, Closed] {
            for to in LeadStage::ALL {
                assert_eq!(stage_move(fin, *to, "x"), Err(StageError::Final(fin)));
            }
        }
        assert_eq!(
            stage_move(Contact, Negotiating, "")
                .unwrap_err()
                .to_string(),
            "线索只能从“初步接洽”推进到“需求确认”或关闭"
        );
        assert_eq!(Negotiating.next(), Some(Signed));
        assert_eq!(Closed.next(), None);
        // Every pipeline stage is reached from the one before.
        for w in LeadStage::PIPELINE.windows(2) {
            assert_eq!(w[0].next(), Some(w[1]));
        }
    }

    #[test]
    fn meeting_and_the_hidden_name() {
        use LeadStage::*;
        assert!(!parties_met(Contact));
        assert!(parties_met(Confirmed) && parties_met(Negotiating) && parties_met(Signed));
        assert!(!parties_met(Closed));
        let nobody = NameReader {
            broker: false,
            own_org: false,
            met_holder: false,
        };
        assert!(need_name_shown(true, nobody));
        assert!(!need_name_shown(false, nobody));
        for r in [
            NameReader {
                broker: true,
                ..nobody
            },
            NameReader {
                own_org: true,
                ..nobody
            },
            NameReader {
                met_holder: true,
                ..nobody
            },
        ] {
            assert!(need_name_shown(false, r), "{r:?}");
        }
    }

    #[test]
    fn overdue() {
        let today = d("2026-06-10");
        assert!(is_overdue(LeadStage::Contact, Some(d("2026-06-09")), today));
        assert!(!is_overdue(LeadStage::Contact, Some(today), today));
        assert!(!is_overdue(LeadStage::Contact, None, today));
        assert!(!is_overdue(LeadStage::Signed, Some(d("2026-01-01")), today));
        assert!(!is_overdue(LeadStage::Closed, Some(d("2026-01-01")), today));
    }

    #[test]
    fn trl_amounts_and_prices() {
        assert!(check_trl(1).is_ok() && check_trl(9).is_ok());
        assert!(check_trl(0).is_err() && check_trl(10).is_err());
        assert!(check_trl_range(Some(3), Some(7)).is_ok());
        assert!(check_trl_range(None, Some(7)).is_ok());
        assert!(check_trl_range(Some(7), Some(3)).is_err());
        assert!(check_trl_range(Some(0), None).is_err());
        assert!(check_amount(0).is_ok());
        assert!(check_amount(Money::MAX_FEN).is_ok());
        assert!(check_amount(Money::MAX_FEN + 1).is_err());
        assert!(check_amount(-1).is_err());
        assert!(check_price(None, None).is_ok());
        assert!(check_price(Some(100), Some(100)).is_ok());
        assert!(check_price(Some(200), Some(100)).is_err());
        assert!(check_price(Some(-5), None).is_err());
    }

    #[test]
    fn keywords() {
        let k = split_keywords(" 碳化硅，功率器件、 碳化硅;外延 ");
        assert_eq!(k, ["碳化硅", "功率器件", "外延"]);
        assert_eq!(join_keywords(&k), "碳化硅、功率器件、外延");
        assert_eq!(split_keywords(&join_keywords(&k)), k);
        assert!(split_keywords(" ，、 ").is_empty());
    }

    #[test]
    fn vocabulary_entries() {
        assert_eq!(
            normalise_term(TermKind::Word, " 碳化硅 "),
            Ok("碳化硅".into())
        );
        assert!(normalise_term(TermKind::Word, "碳化 硅").is_err());
        assert!(normalise_term(TermKind::Word, "  ").is_err());
        assert!(normalise_term(TermKind::Word, &"长".repeat(33)).is_err());
        assert_eq!(
            normalise_term(TermKind::Synonym, "新能源汽车，电动汽车 电动车、电动汽车"),
            Ok("新能源汽车 电动汽车 电动车".into())
        );
        assert!(normalise_term(TermKind::Synonym, "SiC sic").is_err());
        assert!(normalise_term(TermKind::Synonym, "碳化硅").is_err());
        assert_eq!(
            synonym_terms("新能源汽车 电动汽车"),
            ["新能源汽车", "电动汽车"]
        );
    }
}
