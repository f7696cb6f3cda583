//! The `coded!` macro: enums stored as a snake_case code with a Chinese
//! label (events, matchmaking). Declared first in `lib.rs` with
//! `#[macro_use]`, so every module after it can use it.

/// An enum stored as a snake_case code with a Chinese label: `ALL`,
/// `as_str`, `label_zh`, and `parse` (the code or the label, trimmed).
/// The codes must be the variants' names in snake_case (serde uses those).
macro_rules! coded {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// Stable snake_case code, as stored in the database and used in serde.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }

            /// Chinese label shown to users.
            pub fn label_zh(self) -> &'static str {
                match self { $( $name::$variant => $label, )+ }
            }

            /// The code or the Chinese label (surrounding spaces ignored).
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == s || k.label_zh() == s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.label_zh())
            }
        }
    };
}
