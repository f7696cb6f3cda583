//! Talent services (人才全周期服务): who a service item is for, which item
//! of a request leads, and how a talent's documents read when masked.

coded! {
    /// Whom a service item is for: every talent, international talents
    /// only (work permits, visas) or domestic ones only (落户).
    #[derive(Default)]
    pub enum Origin {
        #[default]
        Any = ("any", "不限"),
        International = ("international", "国际人才"),
        Domestic = ("domestic", "国内人才"),
    }
}

impl Origin {
    /// Whether a talent (international or not) is of this origin.
    pub fn admits(self, international: bool) -> bool {
        match self {
            Origin::Any => true,
            Origin::International => international,
            Origin::Domestic => !international,
        }
    }
}

/// Whether a talent of `tier` (a tier code) may ask for an item open to
/// `tier_codes` (comma-separated; empty: every tier) and of `origin`.
pub fn entitled(tier_codes: &str, tier: &str, origin: Origin, international: bool) -> bool {
    let tiers: Vec<&str> = tier_codes
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    origin.admits(international) && (tiers.is_empty() || tiers.contains(&tier))
}

/// The item that leads a request of several: the longest time limit (in
/// workdays), the first in the request on a tie. Its department answers
/// the talent; the others assist within their own limits, which are then
/// never longer than the case's. `None` for no items.
pub fn lead_item(limits: &[i32]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, l) in limits.iter().enumerate() {
        if best.is_none_or(|b| *l > limits[b]) {
            best = Some(i);
        }
    }
    best
}

/// "E*****678": a passport number with its first and last three characters.
pub fn mask_passport(s: &str) -> String {
    crate::party::mask(s, 1, 3)
}

/// A tier code: lowercase letters, digits and underscores, 1–30 long.
pub fn valid_tier_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 30
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entitlement_by_tier_and_origin() {
        assert!(entitled("", "young", Origin::Any, false));
        assert!(entitled("top, leading", "leading", Origin::Any, true));
        assert!(!entitled("top,leading", "young", Origin::Any, true));
        assert!(entitled("", "young", Origin::International, true));
        assert!(!entitled("", "young", Origin::International, false));
        assert!(!entitled("", "young", Origin::Domestic, true));
    }

    #[test]
    fn the_longest_item_leads_the_first_on_a_tie() {
        assert_eq!(lead_item(&[]), None);
        assert_eq!(lead_item(&[10, 15, 5]), Some(1));
        assert_eq!(lead_item(&[15, 15, 5]), Some(0));
    }

    #[test]
    fn passports_are_masked_and_codes_checked() {
        assert_eq!(mask_passport("E12345678"), "E*****678");
        assert_eq!(mask_passport(""), "");
        assert!(valid_tier_code("leading"));
        assert!(!valid_tier_code("领军"));
        assert!(!valid_tier_code(""));
        assert_eq!(Origin::parse("国际人才"), Some(Origin::International));
    }
}
