//! What text may enter the platform: valid UTF-8 without control
//! characters (tab, line feed and carriage return excepted). Checked once at
//! the edge (web `input` middleware, Excel import), so every database stores
//! and refuses the same things: PostgreSQL cannot store NUL at all, SQLite and
//! MariaDB would keep it.

use crate::ErrorCode;
/// Why a text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    /// The bytes are not UTF-8 (they would be replaced by U+FFFD, silently).
    InvalidUtf8,
    /// NUL or another control character (U+0000–U+001F but tab, LF, CR;
    /// U+007F–U+009F).
    ControlChar,
}

impl TextError {
    /// The API error code.
    pub fn code(self) -> crate::ErrorCode {
        match self {
            TextError::InvalidUtf8 => ErrorCode::InvalidUtf8,
            TextError::ControlChar => ErrorCode::InvalidText,
        }
    }
    /// What went wrong and what to do, in Chinese.
    pub fn message(self) -> &'static str {
        match self {
            TextError::InvalidUtf8 => "输入含有无效的 UTF-8 字节，请以 UTF-8 编码提交",
            TextError::ControlChar => {
                "输入含有不可见的控制字符（如 NUL），请删除后重试；换行和制表符可以保留"
            }
        }
    }
}

/// Whether a character is refused in any text.
pub fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Check a decoded text.
pub fn check(s: &str) -> Result<(), TextError> {
    if s.chars().any(is_forbidden) {
        Err(TextError::ControlChar)
    } else {
        Ok(())
    }
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Check percent-encoded text (a URL path or query, a urlencoded form body)
/// as it will read once decoded. A `%` not followed by two hex digits stays
/// as it is, as the decoders do.
pub fn check_percent_encoded(raw: &[u8]) -> Result<(), TextError> {
    let mut decoded = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'%' && i + 2 < raw.len() {
            if let (Some(h), Some(l)) = (hex(raw[i + 1]), hex(raw[i + 2])) {
                decoded.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        decoded.push(b);
        i += 1;
    }
    match std::str::from_utf8(&decoded) {
        Ok(s) => check(s),
        Err(_) => Err(TextError::InvalidUtf8),
    }
}

/// Check the strings of a JSON text without parsing it: raw control
/// characters and invalid UTF-8 are already errors of JSON itself (the
/// parser refuses them), so what remains are escapes (`\u0000`, `\b`, `\f`,
/// and `\uXXXX` naming a control character).
pub fn check_json(raw: &[u8]) -> Result<(), TextError> {
    let mut i = 0;
    while i < raw.len() {
        if raw[i] != b'\\' {
            i += 1;
            continue;
        }
        match raw.get(i + 1) {
            Some(b'b' | b'f') => return Err(TextError::ControlChar),
            Some(b'u') => {
                let code = raw.get(i + 2..i + 6).and_then(|h| {
                    h.iter()
                        .try_fold(0u32, |acc, &b| hex(b).map(|d| acc * 16 + u32::from(d)))
                });
                if let Some(c) = code.and_then(char::from_u32) {
                    if is_forbidden(c) {
                        return Err(TextError::ControlChar);
                    }
                }
                i += 6;
            }
            _ => i += 2,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_newlines_and_tabs_pass() {
        assert_eq!(check("研发用地\n第二行\t注"), Ok(()));
    }

    #[test]
    fn nul_del_and_c1_are_refused() {
        for s in ["a\0b", "a\u{7f}", "a\u{85}b", "\u{1b}[31m"] {
            assert_eq!(check(s), Err(TextError::ControlChar), "{s:?}");
        }
    }

    #[test]
    fn percent_encoded_nul_and_bad_utf8() {
        assert_eq!(
            check_percent_encoded(b"username=adm%00in"),
            Err(TextError::ControlChar)
        );
        assert_eq!(
            check_percent_encoded(b"/public/party/a%00b/x"),
            Err(TextError::ControlChar)
        );
        assert_eq!(
            check_percent_encoded(b"title=%FF%FE"),
            Err(TextError::InvalidUtf8)
        );
        assert_eq!(check_percent_encoded(b"q=%E7%A0%94%E5%8F%91&x=1"), Ok(()));
        // A lone or short % is kept as typed, like the decoders do.
        assert_eq!(check_percent_encoded(b"q=100%"), Ok(()));
        assert_eq!(check_percent_encoded(b"q=%4"), Ok(()));
        assert_eq!(
            check_percent_encoded(b"q=%%00"),
            Err(TextError::ControlChar)
        );
        assert_eq!(check_percent_encoded(b"a=%0A%09"), Ok(()));
    }

    #[test]
    fn json_escapes_of_control_characters() {
        assert_eq!(
            check_json(br#"{"title":"a\u0000b"}"#),
            Err(TextError::ControlChar)
        );
        assert_eq!(
            check_json(br#"{"title":"a\u001B"}"#),
            Err(TextError::ControlChar)
        );
        assert_eq!(check_json(br#"{"t":"\f"}"#), Err(TextError::ControlChar));
        assert_eq!(
            check_json(br#"{"t":"line\nnext\t\"q\" \\u0000 \u7814"}"#),
            Ok(())
        );
        assert_eq!(check_json(br#"{"t":"\\"}"#), Ok(()));
    }
}
