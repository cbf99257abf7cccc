//! Closed lists of names: error codes, checks, inputs, token kinds, algorithms, claim failure
//! reasons, identity levels and userinfo claims. Each is declared once with [`named_list!`],
//! and everything else comes from that declaration: the Rust enum, its stable names, the
//! lookup by name and (for the npm package) the TypeScript union and the runtime list that
//! `lists()` hands out. Beside them, the spelling help every refusal of an unknown name gives
//! ([`nearest_name`]).

/// Declares a closed list as an enum, one variant a line with its stable name.
///
/// ```text
/// named_list! {
///     /// The enum's doc.
///     pub enum Name as "TypeScriptName", "The union's doc." {
///         /// A variant's doc.
///         Variant = "name",
///     }
/// }
/// ```
///
/// gives `Name::ALL` (declaration order), `Name::NAMES`, `Name::as_str`, `Name::named` (exact
/// lookup) and, with the `js` feature, `export type TypeScriptName = "name" | …` in the
/// package's types. A list whose entries carry more than a name gives each entry its facts,
/// and declares them after the enum as a struct: each field becomes a `const fn` of the same
/// name.
///
/// ```text
///     pub enum CheckId as "CheckId", "…" {
///         Format = "format" { label: "Token is a compact JWS…", reads_content: false },
///     }
///     struct CheckFacts {
///         /// The field's doc, which its method gets.
///         label: &'static str,
///         reads_content: bool,
///     }
/// ```
macro_rules! named_list {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $ts_name:literal, $ts_doc:literal {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal { $($fact:ident: $value:expr),* $(,)? } ),* $(,)?
        }
        struct $facts:ident {
            $( $(#[$field_meta:meta])* $field:ident: $field_ty:ty ),* $(,)?
        }
    ) => {
        $crate::lists::named_list! {
            $(#[$meta])*
            pub enum $name as $ts_name, $ts_doc {
                $( $(#[$variant_meta])* $variant = $text, )*
            }
        }

        /// What one entry of the list carries besides its name.
        #[derive(Clone, Copy)]
        struct $facts {
            $( $field: $field_ty, )*
        }

        impl $name {
            const fn facts(self) -> $facts {
                match self {
                    $( $name::$variant => $facts { $( $fact: $value, )* }, )*
                }
            }

            $(
                $(#[$field_meta])*
                pub const fn $field(self) -> $field_ty {
                    self.facts().$field
                }
            )*
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $ts_name:literal, $ts_doc:literal {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )*
        }

        impl $name {
            /// Every entry, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// Every entry's name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[ $( $text, )* ];

            /// The stable name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )*
                }
            }

            /// The entry with this name, exactly as written.
            pub fn named(name: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|entry| entry.as_str() == name)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // The union of every name, in the package's types.
        #[cfg(feature = "js")]
        const _: () = {
            #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
            const TYPESCRIPT: &'static str = concat!(
                "/** ", $ts_doc, " */\nexport type ", $ts_name, " =",
                $( "\n  | \"", $text, "\"", )*
                ";\n"
            );
        };
    };
}

pub(crate) use named_list;

/// Names as a sentence lists them: `A, B or C`.
pub fn in_words(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The known name closest to a misspelling: equal ignoring ASCII case and `_`/`-`, else within
/// an edit distance of a third of its length. (Known names are ASCII, so ASCII case is the case
/// that matters; Unicode's lowercase mapping would add an 11 KB table to the browser's .wasm.)
pub fn nearest_name(field: &str, known: &'static [&'static str]) -> Option<&'static str> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = squash(field);
    if let Some(exact) = known.iter().find(|k| squash(k) == wanted) {
        return Some(exact);
    }
    known
        .iter()
        .map(|k| (edit_distance(&wanted, &squash(k)), *k))
        .filter(|(d, k)| *d <= (k.len().max(3) / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let cost = diagonal + usize::from(ca != *cb);
            diagonal = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = cost.min(above + 1).min(left + 1);
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names() {
        const KNOWN: &[&str] = &["maxAge", "accessToken", "clockTolerance", "nonce"];
        assert_eq!(nearest_name("maxage", KNOWN), Some("maxAge"));
        assert_eq!(nearest_name("max_age", KNOWN), Some("maxAge"));
        assert_eq!(nearest_name("accesstoken", KNOWN), Some("accessToken"));
        assert_eq!(
            nearest_name("clocktolerance", KNOWN),
            Some("clockTolerance")
        );
        assert_eq!(nearest_name("nonse", KNOWN), Some("nonce"));
        assert_eq!(nearest_name("colour", KNOWN), None);
    }

    #[test]
    fn names_in_words() {
        assert_eq!(in_words(&[]), "");
        assert_eq!(in_words(&["P2"]), "P2");
        assert_eq!(in_words(&["P0", "P1", "P2"]), "P0, P1 or P2");
    }
}
