//! Password policy for local accounts.

/// Minimum length, in characters.
pub const MIN_LEN: usize = 8;
/// Maximum length, in characters.
pub const MAX_LEN: usize = 128;

const TOO_WEAK: &str = "密码至少8位，且须同时包含字母和数字";
const TOO_LONG: &str = "密码不能超过128位";

/// Checks a new password against the policy: 8 to 128 characters, with at
/// least one ASCII letter and one ASCII digit.
///
/// The error is a Chinese message suitable for showing to the user.
pub fn check_strength(p: &str) -> Result<(), &'static str> {
    let len = p.chars().count();
    if len > MAX_LEN {
        return Err(TOO_LONG);
    }
    let has_letter = p.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = p.chars().any(|c| c.is_ascii_digit());
    if len < MIN_LEN || !has_letter || !has_digit {
        return Err(TOO_WEAK);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_good_passwords() {
        assert_eq!(check_strength("abc12345"), Ok(()));
        assert_eq!(check_strength("Kechuang2026!"), Ok(()));
        assert_eq!(check_strength("科创平台密码a1"), Ok(()));
        assert_eq!(check_strength(&format!("a1{}", "x".repeat(126))), Ok(()));
    }

    #[test]
    fn rejects_short_passwords() {
        assert_eq!(check_strength(""), Err(TOO_WEAK));
        assert_eq!(check_strength("abc1234"), Err(TOO_WEAK));
        assert_eq!(
            check_strength("abc1234"),
            Err("密码至少8位，且须同时包含字母和数字")
        );
    }

    #[test]
    fn requires_letter_and_digit() {
        assert_eq!(check_strength("12345678"), Err(TOO_WEAK));
        assert_eq!(check_strength("abcdefgh"), Err(TOO_WEAK));
        // Non-ASCII letters and digits do not count.
        assert_eq!(check_strength("密码密码密码密码"), Err(TOO_WEAK));
        assert_eq!(check_strength("abcdefg１"), Err(TOO_WEAK));
    }

    #[test]
    fn rejects_long_passwords() {
        assert_eq!(
            check_strength(&format!("a1{}", "x".repeat(127))),
            Err(TOO_LONG)
        );
        // Length is counted in characters, not bytes.
        assert_eq!(check_strength(&format!("a1{}", "码".repeat(126))), Ok(()));
    }
}
