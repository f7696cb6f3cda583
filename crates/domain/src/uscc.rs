//! Unified Social Credit Code (统一社会信用代码), GB 32100-2015.
//!
//! An 18-character identifier for every legal entity in mainland China. The
//! last character is a check character computed modulo 31 over the first 17.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The GB 32100-2015 character set; a character's value is its index here.
/// The letters I, O, Z, S and V are not used.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17: `3^(i-1) mod 31`.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Total length of a code, including the check character.
const LEN: usize = 18;

/// A validated Unified Social Credit Code.
///
/// Always 18 characters of the GB 32100-2015 character set in upper case,
/// with a correct check character. Serialises as a plain string; deserialising
/// validates it with [`Uscc::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

/// Why a string is not a valid Unified Social Credit Code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    /// The code does not have 18 characters (the count is in characters).
    #[error("统一社会信用代码应为18位，当前为{0}位，请核对后重新输入")]
    Length(usize),
    /// A character outside the GB 32100-2015 set; `position` is 1-based.
    #[error(
        "统一社会信用代码第{position}位字符“{ch}”无效：只能包含数字和大写字母（不含I、O、Z、S、V），请核对后重新输入"
    )]
    Charset {
        /// 1-based position of the offending character.
        position: usize,
        /// The offending character (after upper-casing).
        ch: char,
    },
    /// The 18th character does not match the computed check character.
    #[error(
        "统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{found}”，请核对是否有录入错误"
    )]
    CheckChar {
        /// The check character computed from the first 17 characters.
        expected: char,
        /// The 18th character that was supplied.
        found: char,
    },
}

/// Value of a character in the charset, if it belongs to it.
fn value_of(ch: char) -> Option<u32> {
    let byte = u8::try_from(ch).ok()?;
    CHARSET
        .iter()
        .position(|&c| c == byte)
        .and_then(|i| u32::try_from(i).ok())
}

/// Computes the check character for 17 charset values.
fn check_char(values: &[u32; 17]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    char::from(CHARSET[check as usize])
}

/// Trims, upper-cases and validates the charset of `s`, returning the
/// normalised characters with their values.
fn normalise(s: &str) -> Result<(Vec<char>, Vec<u32>), UsccError> {
    let chars: Vec<char> = s.trim().chars().map(|c| c.to_ascii_uppercase()).collect();
    let values = chars
        .iter()
        .enumerate()
        .map(|(i, &ch)| {
            value_of(ch).ok_or(UsccError::Charset {
                position: i + 1,
                ch,
            })
        })
        .collect::<Result<Vec<u32>, UsccError>>()?;
    Ok((chars, values))
}

impl Uscc {
    /// Parses and validates a code.
    ///
    /// Surrounding whitespace is ignored and ASCII letters are upper-cased, so
    /// `" 91350100m000100y43 "` is accepted.
    pub fn parse(s: &str) -> Result<Uscc, UsccError> {
        let len = s.trim().chars().count();
        if len != LEN {
            return Err(UsccError::Length(len));
        }
        let (chars, values) = normalise(s)?;
        let first17: &[u32; 17] = values[..17]
            .try_into()
            .expect("length was checked to be 18");
        let expected = check_char(first17);
        let found = chars[17];
        if expected != found {
            return Err(UsccError::CheckChar { expected, found });
        }
        Ok(Uscc(chars.into_iter().collect()))
    }

    /// The code as an upper-case string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Completes the first 17 characters of a code with its check character.
///
/// Input is trimmed and upper-cased like in [`Uscc::parse`]. Returns `None`
/// unless it consists of exactly 17 charset characters. Mainly used to
/// generate demo and test data.
pub fn complete(first17: &str) -> Option<Uscc> {
    let (chars, values) = normalise(first17).ok()?;
    let values: [u32; 17] = values.try_into().ok()?;
    let mut code: String = chars.into_iter().collect();
    code.push(check_char(&values));
    Some(Uscc(code))
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Uscc {
    type Err = UsccError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

impl TryFrom<String> for Uscc {
    type Error = UsccError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Uscc::parse(&s)
    }
}

impl From<Uscc> for String {
    fn from(code: Uscc) -> String {
        code.0
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Real-world codes found on public business licences.
    const REAL: [&str; 2] = ["91350100M000100Y43", "91110000600037341L"];

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn accepts_real_codes() {
        for code in REAL {
            let parsed = Uscc::parse(code).unwrap();
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.to_string(), code);
            assert_eq!(complete(&code[..17]).unwrap(), parsed);
        }
    }

    #[test]
    fn accepts_generated_codes() {
        let code = complete("91440300MA5EXAMPL").unwrap();
        assert_eq!(Uscc::parse(code.as_str()).unwrap(), code);
        let code = complete("12100000400000000").unwrap();
        assert!(Uscc::parse(code.as_str()).is_ok());
    }

    #[test]
    fn check_value_31_maps_to_zero() {
        // All zeros: sum 0, 31 - 0 = 31, which becomes 0.
        assert_eq!(
            complete("00000000000000000").unwrap().as_str(),
            "000000000000000000"
        );
    }

    #[test]
    fn lowercase_and_whitespace_accepted() {
        let parsed = Uscc::parse("  91350100m000100y43\t").unwrap();
        assert_eq!(parsed.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn wrong_check_char_rejected() {
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(UsccError::CheckChar {
                expected: '3',
                found: '4'
            })
        );
        assert_eq!(
            Uscc::parse("91110000600037341M"),
            Err(UsccError::CheckChar {
                expected: 'L',
                found: 'M'
            })
        );
    }

    #[test]
    fn bad_charset_rejected() {
        assert_eq!(
            Uscc::parse("91350100O000100Y43"),
            Err(UsccError::Charset {
                position: 9,
                ch: 'O'
            })
        );
        assert_eq!(
            Uscc::parse("9135010０M000100Y43"),
            Err(UsccError::Charset {
                position: 8,
                ch: '０'
            })
        );
        assert!(matches!(
            Uscc::parse("91350100M000100Y4S"),
            Err(UsccError::Charset { position: 18, .. })
        ));
    }

    #[test]
    fn wrong_length_rejected() {
        assert_eq!(Uscc::parse(""), Err(UsccError::Length(0)));
        assert_eq!(Uscc::parse("91350100M000100Y4"), Err(UsccError::Length(17)));
        assert_eq!(
            Uscc::parse("91350100M000100Y433"),
            Err(UsccError::Length(19))
        );
        // Counted in characters, not bytes.
        assert_eq!(Uscc::parse("统一社会信用代码"), Err(UsccError::Length(8)));
        assert_eq!(complete("9135010"), None);
        assert_eq!(complete("91350100M000100Y43"), None);
    }

    #[test]
    fn error_messages_are_chinese() {
        assert_eq!(
            UsccError::Length(17).to_string(),
            "统一社会信用代码应为18位，当前为17位，请核对后重新输入"
        );
        assert!(UsccError::CheckChar {
            expected: '3',
            found: '4'
        }
        .to_string()
        .contains("第18位应为“3”"));
    }

    #[test]
    fn serde_as_plain_string() {
        let code = Uscc::parse(REAL[0]).unwrap();
        let toml = toml::to_string(&Wrapper { code: code.clone() }).unwrap();
        assert_eq!(toml.trim(), format!("code = \"{}\"", REAL[0]));
        let back: Wrapper = toml::from_str(&toml).unwrap();
        assert_eq!(back.code, code);
        assert!(toml::from_str::<Wrapper>("code = \"91350100M000100Y44\"").is_err());
    }

    #[derive(Serialize, Deserialize)]
    struct Wrapper {
        code: Uscc,
    }

    fn charset_char() -> impl Strategy<Value = char> {
        (0..CHARSET.len()).prop_map(|i| char::from(CHARSET[i]))
    }

    proptest! {
        #[test]
        fn completed_codes_parse_and_detect_single_substitutions(
            prefix in proptest::collection::vec(charset_char(), 17),
            position in 0..LEN,
            replacement in charset_char(),
        ) {
            let prefix: String = prefix.into_iter().collect();
            let code = complete(&prefix).unwrap();
            prop_assert_eq!(Uscc::parse(code.as_str()), Ok(code.clone()));

            let mut chars: Vec<char> = code.as_str().chars().collect();
            prop_assume!(chars[position] != replacement);
            chars[position] = replacement;
            let mutated: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&mutated).is_err());
        }
    }
}
