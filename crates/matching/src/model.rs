//! What goes in (offers, needs, filters) and what comes out (candidates with
//! their explanation).
//!
//! Conventions of the project: money is an integer number of fen (分,
//! `i64`, as `kechuang_domain::Money` stores it), TRL (技术成熟度) is 1–9 as
//! the transfer projects' forms accept it. The engine does not validate
//! either; the web layer's drafts do.

use serde::{Deserialize, Serialize};

/// A cooperation mode (合作方式).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 转让: the rights are sold.
    Transfer,
    /// 许可: the result is licensed.
    License,
    /// 合作开发: developed further together.
    JointDevelopment,
    /// 作价入股: the result is valued and contributed as equity.
    Equity,
    /// 技术服务: services, consulting, testing.
    Service,
}

impl Mode {
    /// Every mode, in display order.
    pub const ALL: [Mode; 5] = [
        Mode::Transfer,
        Mode::License,
        Mode::JointDevelopment,
        Mode::Equity,
        Mode::Service,
    ];

    /// Stable snake_case code, as in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Transfer => "transfer",
            Mode::License => "license",
            Mode::JointDevelopment => "joint_development",
            Mode::Equity => "equity",
            Mode::Service => "service",
        }
    }

    /// Parses a code produced by [`Mode::as_str`].
    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            Mode::Transfer => "转让",
            Mode::License => "许可",
            Mode::JointDevelopment => "合作开发",
            Mode::Equity => "作价入股",
            Mode::Service => "技术服务",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of [`Mode`]s, one bit each. Serialises as a list of mode codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "Vec<Mode>", into = "Vec<Mode>")]
pub struct Modes(u8);

impl Modes {
    /// No mode.
    pub const EMPTY: Modes = Modes(0);

    /// The set of the given modes.
    pub fn of(modes: &[Mode]) -> Modes {
        modes.iter().copied().collect()
    }

    /// This set with `mode` added.
    pub fn with(self, mode: Mode) -> Modes {
        Modes(self.0 | mode.bit())
    }

    /// Whether `mode` is in the set.
    pub fn contains(self, mode: Mode) -> bool {
        self.0 & mode.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether the two sets have a mode in common.
    pub fn intersects(self, other: Modes) -> bool {
        self.0 & other.0 != 0
    }

    /// The modes in the set, in [`Mode::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Mode> {
        Mode::ALL.into_iter().filter(move |m| self.contains(*m))
    }
}

impl FromIterator<Mode> for Modes {
    fn from_iter<I: IntoIterator<Item = Mode>>(iter: I) -> Modes {
        iter.into_iter().fold(Modes::EMPTY, Modes::with)
    }
}

impl From<Vec<Mode>> for Modes {
    fn from(v: Vec<Mode>) -> Modes {
        v.into_iter().collect()
    }
}

impl From<Modes> for Vec<Mode> {
    fn from(m: Modes) -> Vec<Mode> {
        m.iter().collect()
    }
}

/// A technology offer (技术供给): a result, equipment or expertise on offer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The caller's id; one document per id.
    pub id: i64,
    /// 标题.
    pub title: String,
    /// 描述.
    #[serde(default)]
    pub description: String,
    /// 关键词, as typed by the owner or the broker.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The industrial chain node (链节点) it serves.
    #[serde(default)]
    pub chain_node_id: Option<i64>,
    /// The field tag (技术领域), compared as written.
    #[serde(default)]
    pub field: Option<String>,
    /// Technology readiness level, 1–9.
    #[serde(default)]
    pub trl: Option<u8>,
    /// Cooperation modes the owner accepts.
    #[serde(default)]
    pub modes: Modes,
    /// Region (所在地区), e.g. `陕西省西安市`.
    #[serde(default)]
    pub region: Option<String>,
    /// Asking price in fen, lowest and highest (面议: `None`).
    #[serde(default)]
    pub price_fen: Option<(i64, i64)>,
}

/// A technology need (技术需求) of an enterprise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    /// The caller's id; one document per id.
    pub id: i64,
    /// 标题.
    pub title: String,
    /// 描述.
    #[serde(default)]
    pub description: String,
    /// 关键词.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The industrial chain node (链节点) of the enterprise's problem.
    #[serde(default)]
    pub chain_node_id: Option<i64>,
    /// The field tag (技术领域), compared as written.
    #[serde(default)]
    pub field: Option<String>,
    /// The TRLs the enterprise can take on, lowest and highest (1–9).
    #[serde(default)]
    pub trl_range: Option<(u8, u8)>,
    /// Cooperation modes the enterprise accepts.
    #[serde(default)]
    pub modes: Modes,
    /// Region (所在地区).
    #[serde(default)]
    pub region: Option<String>,
    /// The most the enterprise will pay, in fen.
    #[serde(default)]
    pub budget_fen: Option<i64>,
}

/// Hard constraints on the candidates: a candidate that fails one is not
/// returned at all. An unset filter (or an empty text) lets everything
/// through; a set filter excludes candidates that lack the attribute (an
/// offer without a price fails a budget filter).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// The candidate's chain node is one of these (empty: any).
    pub chain_node_ids: Vec<i64>,
    /// The candidate's field tag is exactly this.
    pub field: Option<String>,
    /// TRL range, inclusive: an offer's TRL lies in it, a need's range overlaps it.
    pub trl: Option<(u8, u8)>,
    /// The candidate accepts at least one of these modes (empty: any).
    pub modes: Modes,
    /// The candidate's region starts with this (`陕西省` takes `陕西省西安市`).
    pub region: Option<String>,
    /// Money range in fen, inclusive: an offer's price range overlaps it, a
    /// need's budget lies in it.
    pub budget_fen: Option<(i64, i64)>,
}

/// A field of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 标题.
    Title,
    /// 关键词.
    Keywords,
    /// 描述.
    Description,
}

impl Field {
    /// The fields, in index order.
    pub const ALL: [Field; 3] = [Field::Title, Field::Keywords, Field::Description];

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Field::Title => "标题",
            Field::Keywords => "关键词",
            Field::Description => "描述",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// A structured agreement between a need and an offer, each worth a bonus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// Both name the same chain node.
    ChainNode,
    /// Both carry the same field tag.
    Field,
    /// The offer's TRL lies in the need's range.
    Trl,
    /// They accept a cooperation mode in common.
    Mode,
    /// The need's budget reaches the offer's lowest price.
    Budget,
}

impl Agreement {
    /// Every agreement, in display order.
    pub const ALL: [Agreement; 5] = [
        Agreement::ChainNode,
        Agreement::Field,
        Agreement::Trl,
        Agreement::Mode,
        Agreement::Budget,
    ];

    /// Chinese label, as a broker reads it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Agreement::ChainNode => "同一产业链节点",
            Agreement::Field => "同一技术领域",
            Agreement::Trl => "TRL 符合",
            Agreement::Mode => "合作方式一致",
            Agreement::Budget => "预算覆盖报价",
        }
    }
}

/// One ranked candidate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The offer's or need's id.
    pub id: i64,
    /// The total score: the sum of every part in the explanation.
    pub score: f64,
    /// Why it matched.
    pub explanation: Explanation,
}

/// The parts of a candidate's score.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The terms the query and the candidate share, best first.
    pub terms: Vec<SharedTerm>,
    /// The text score per field of the candidate (fields without a shared
    /// term are left out).
    pub fields: Vec<FieldScore>,
    /// The structured agreements found, each with its bonus.
    pub bonuses: Vec<Bonus>,
}

/// A term shared by the query and the candidate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedTerm {
    /// The term as indexed: synonyms are shown as their canonical term,
    /// ASCII in lower case.
    pub term: String,
    /// What it contributed, over all fields.
    pub score: f64,
    /// The candidate's fields it was found in, with the part of each.
    pub fields: Vec<FieldScore>,
}

/// The text score earned in one field.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldScore {
    /// The field.
    pub field: Field,
    /// Its part of the score.
    pub score: f64,
}

/// A structured agreement and its bonus.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bonus {
    /// What agreed.
    pub agreement: Agreement,
    /// The bonus it earned.
    pub score: f64,
}

impl Explanation {
    /// The text part of the score (BM25F over the shared terms).
    pub fn text_score(&self) -> f64 {
        self.fields.iter().map(|f| f.score).sum()
    }

    /// The structured part of the score.
    pub fn bonus_score(&self) -> f64 {
        self.bonuses.iter().map(|b| b.score).sum()
    }

    /// One line for a broker: `共享词：固态电池（标题、关键词）、电解质（描述）；
    /// 同一产业链节点 +1.20；TRL 符合 +0.80`. A shared term that is part of a
    /// longer shared term (固态 in 固态电池) is not repeated in the line;
    /// it stays in [`Explanation::terms`] with its score.
    pub fn summary_zh(&self) -> String {
        const SHOWN: usize = 8;
        let mut shown: Vec<&SharedTerm> = Vec::new();
        for t in &self.terms {
            let inside_longer = self
                .terms
                .iter()
                .any(|o| o.term.len() > t.term.len() && o.term.contains(t.term.as_str()));
            if !inside_longer {
                shown.push(t);
            }
        }
        let mut out = String::from("共享词：");
        if shown.is_empty() {
            out.push('无');
        }
        for (i, t) in shown.iter().take(SHOWN).enumerate() {
            if i > 0 {
                out.push('、');
            }
            out.push_str(&t.term);
            out.push('（');
            let labels: Vec<&str> = t.fields.iter().map(|f| f.field.label_zh()).collect();
            out.push_str(&labels.join("、"));
            out.push('）');
        }
        if shown.len() > SHOWN {
            out.push_str(&format!("等 {} 个", shown.len()));
        }
        if !self.fields.is_empty() {
            let parts: Vec<String> = self
                .fields
                .iter()
                .map(|f| format!("{} {:.2}", f.field.label_zh(), f.score))
                .collect();
            out.push_str(&format!(
                "；文本得分 {:.2}（{}）",
                self.text_score(),
                parts.join("、")
            ));
        }
        for b in &self.bonuses {
            out.push_str(&format!("；{} +{:.2}", b.agreement.label_zh(), b.score));
        }
        out
    }
}
