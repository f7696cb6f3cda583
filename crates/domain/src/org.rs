//! Organisations in the zone and their statistics.

use serde::{Deserialize, Serialize};

/// What kind of organisation a record describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// Enterprise (企业).
    Enterprise,
    /// University (高校).
    University,
    /// Research institute (科研机构).
    Institute,
    /// Government functional department (职能部门).
    Government,
    /// Financial institution (金融机构).
    Finance,
    /// Intermediary service agency (中介机构).
    Intermediary,
    /// Industry association (协会).
    Association,
    /// Anything else (其他).
    Other,
}

impl OrgKind {
    /// Every kind, in declaration order.
    pub const ALL: [OrgKind; 8] = [
        OrgKind::Enterprise,
        OrgKind::University,
        OrgKind::Institute,
        OrgKind::Government,
        OrgKind::Finance,
        OrgKind::Intermediary,
        OrgKind::Association,
        OrgKind::Other,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Enterprise => "enterprise",
            OrgKind::University => "university",
            OrgKind::Institute => "institute",
            OrgKind::Government => "government",
            OrgKind::Finance => "finance",
            OrgKind::Intermediary => "intermediary",
            OrgKind::Association => "association",
            OrgKind::Other => "other",
        }
    }

    /// Parses a code produced by [`OrgKind::as_str`].
    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            OrgKind::Enterprise => "企业",
            OrgKind::University => "高校",
            OrgKind::Institute => "科研机构",
            OrgKind::Government => "职能部门",
            OrgKind::Finance => "金融机构",
            OrgKind::Intermediary => "中介机构",
            OrgKind::Association => "协会",
            OrgKind::Other => "其他",
        }
    }

    /// Parses either a code or a Chinese label, ignoring surrounding
    /// whitespace and the case of codes (for spreadsheet import).
    pub fn parse_label(s: &str) -> Option<OrgKind> {
        let s = s.trim();
        OrgKind::ALL
            .into_iter()
            .find(|k| k.label_zh() == s || k.as_str().eq_ignore_ascii_case(s))
    }
}

/// Position of an organisation in an industry chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainPosition {
    /// Upstream: materials, components, basic research (上游).
    Upstream,
    /// Midstream: manufacturing and integration (中游).
    Midstream,
    /// Downstream: applications and services (下游).
    Downstream,
}

impl ChainPosition {
    /// Every position, from upstream to downstream.
    pub const ALL: [ChainPosition; 3] = [
        ChainPosition::Upstream,
        ChainPosition::Midstream,
        ChainPosition::Downstream,
    ];

    /// Stable snake_case code, as stored in the database and used in serde.
    pub fn as_str(self) -> &'static str {
        match self {
            ChainPosition::Upstream => "upstream",
            ChainPosition::Midstream => "midstream",
            ChainPosition::Downstream => "downstream",
        }
    }

    /// Parses a code produced by [`ChainPosition::as_str`].
    pub fn parse(s: &str) -> Option<ChainPosition> {
        ChainPosition::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Chinese label shown to users.
    pub fn label_zh(self) -> &'static str {
        match self {
            ChainPosition::Upstream => "上游",
            ChainPosition::Midstream => "中游",
            ChainPosition::Downstream => "下游",
        }
    }

    /// Parses either a code or a Chinese label, ignoring surrounding
    /// whitespace and the case of codes (for spreadsheet import).
    pub fn parse_label(s: &str) -> Option<ChainPosition> {
        let s = s.trim();
        ChainPosition::ALL
            .into_iter()
            .find(|p| p.label_zh() == s || p.as_str().eq_ignore_ascii_case(s))
    }
}

/// Year-on-year growth (同比增长) in per-mille (‰), rounded half away from
/// zero: `(current - previous) / previous * 1000`.
///
/// Returns `None` when `previous <= 0`, where growth is not meaningful.
pub fn yoy_growth_permille(current: i64, previous: i64) -> Option<i64> {
    if previous <= 0 {
        return None;
    }
    let numerator = (i128::from(current) - i128::from(previous)) * 1000;
    let denominator = i128::from(previous);
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    // Truncation went toward zero; step away from zero when the dropped part
    // is at least one half.
    let rounded = if 2 * remainder.abs() >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    };
    i64::try_from(rounded).ok()
}

/// Formats a growth rate from [`yoy_growth_permille`] as a percentage with
/// one decimal and an explicit sign: `"+58.6%"`, `"-3.0%"`, `"0.0%"`, and
/// `"—"` when unavailable.
pub fn format_growth(permille: Option<i64>) -> String {
    let Some(permille) = permille else {
        return "—".to_owned();
    };
    let sign = match permille.signum() {
        1 => "+",
        -1 => "-",
        _ => "",
    };
    let abs = permille.unsigned_abs();
    format!("{sign}{}.{}%", abs / 10, abs % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_kind_codes_and_labels() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Some(kind));
            assert_eq!(OrgKind::parse_label(kind.as_str()), Some(kind));
            assert_eq!(OrgKind::parse_label(kind.label_zh()), Some(kind));
        }
        assert_eq!(OrgKind::parse_label(" 高校 "), Some(OrgKind::University));
        assert_eq!(
            OrgKind::parse_label("Enterprise"),
            Some(OrgKind::Enterprise)
        );
        assert_eq!(OrgKind::parse_label("职能部门"), Some(OrgKind::Government));
        assert_eq!(OrgKind::parse("企业"), None);
        assert_eq!(OrgKind::parse_label("公司"), None);
        assert_eq!(OrgKind::parse_label(""), None);
    }

    #[test]
    fn chain_position_codes_and_labels() {
        for pos in ChainPosition::ALL {
            assert_eq!(ChainPosition::parse(pos.as_str()), Some(pos));
            assert_eq!(ChainPosition::parse_label(pos.label_zh()), Some(pos));
            assert_eq!(ChainPosition::parse_label(pos.as_str()), Some(pos));
        }
        assert_eq!(
            ChainPosition::parse_label("中游"),
            Some(ChainPosition::Midstream)
        );
        assert_eq!(ChainPosition::parse_label("中间"), None);
    }

    #[test]
    fn growth() {
        // 445 / 759 = 0.58629… → 586‰
        assert_eq!(yoy_growth_permille(1204, 759), Some(586));
        assert_eq!(format_growth(yoy_growth_permille(1204, 759)), "+58.6%");
        assert_eq!(yoy_growth_permille(97, 100), Some(-30));
        assert_eq!(format_growth(Some(-30)), "-3.0%");
        assert_eq!(yoy_growth_permille(100, 100), Some(0));
        assert_eq!(format_growth(Some(0)), "0.0%");
        assert_eq!(yoy_growth_permille(300, 100), Some(2000));
        assert_eq!(format_growth(Some(2000)), "+200.0%");
        assert_eq!(yoy_growth_permille(0, 100), Some(-1000));
        assert_eq!(format_growth(Some(-5)), "-0.5%");
    }

    #[test]
    fn growth_rounds_half_away_from_zero() {
        // 1/2000 = 0.5‰ → 1; -1/2000 = -0.5‰ → -1.
        assert_eq!(yoy_growth_permille(2001, 2000), Some(1));
        assert_eq!(yoy_growth_permille(1999, 2000), Some(-1));
        // 1/2001 = 0.49975‰ → 0, also when negative.
        assert_eq!(yoy_growth_permille(2002, 2001), Some(0));
        assert_eq!(yoy_growth_permille(2000, 2001), Some(0));
        // 2/3 = 666.67‰ → 667; -2/3 → -667.
        assert_eq!(yoy_growth_permille(5, 3), Some(667));
        assert_eq!(yoy_growth_permille(1, 3), Some(-667));
    }

    #[test]
    fn growth_needs_positive_base() {
        assert_eq!(yoy_growth_permille(100, 0), None);
        assert_eq!(yoy_growth_permille(100, -5), None);
        assert_eq!(format_growth(None), "—");
        // Extreme values do not overflow.
        assert_eq!(yoy_growth_permille(i64::MIN, 1), None);
        assert_eq!(yoy_growth_permille(i64::MAX, i64::MAX), Some(0));
        assert_eq!(format_growth(Some(i64::MIN)), "-922337203685477580.8%");
    }
}
