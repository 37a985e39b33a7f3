//! The domain's words as types: every enumerated value argmap stores (relation kinds,
//! leanings and poles, actor kinds, review reasons, stances, suggestion statuses) and the
//! validated claim text. Each word is stored as `text` (with a CHECK list in the schema)
//! and is a Rust enum everywhere else: [`vocabulary!`] gives each one `ALL`, `as_str`,
//! `Display`, `FromStr`, serde, `utoipa::ToSchema`, `clap::ValueEnum` and sqlx's text
//! encoding, so a query reads a column straight into it (`kind as "kind: RelationKind"`).
//!
//! The words that belong to one area live there: [`crate::standing::StandingLabel`],
//! [`crate::revisions::ObjectKind`] and [`crate::revisions::RevisionAction`],
//! [`crate::sources::SourceKind`].

mod actors;
mod claim_text;
mod relations;
mod reviews;
mod roles;
mod tensions;

pub use actors::ActorKind;
pub use claim_text::ClaimText;
pub use relations::RelationKind;
pub use reviews::{ReviewReason, ReviewResolution, Stance, SuggestionStatus};
pub use roles::Role;
pub use tensions::{Leaning, Pole};

/// Declares an enum of words stored as text: `vocabulary! { /// doc  pub enum Name
/// ("what it is, for errors") { Variant = "stored", .. } }`.
///
/// The stored spelling is the one everything outside Rust sees: the database, JSON, the
/// map format, form values, the command line. Decoding an unknown spelling from the
/// database is an error (the CHECK lists make it impossible).
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in the order forms and lists show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored spelling.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == text)
                    .ok_or_else(|| {
                        format!(
                            "unknown {} {text:?}: expected {}",
                            $what,
                            $crate::domain::one_of($name::ALL.iter().map(|v| v.as_str()))
                        )
                    })
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                $name::ALL
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()))
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl sqlx::postgres::PgHasArrayType for $name {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Postgres>>::encode_by_ref(&self.as_str(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&str as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?;
                Ok(text.parse::<$name>()?)
            }
        }
    };
}
pub(crate) use vocabulary;

/// "a, b or c".
pub(crate) fn one_of<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let words: Vec<&str> = words.collect();
    match words.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_from_its_stored_spelling() {
        for kind in RelationKind::ALL {
            assert_eq!(kind.as_str().parse::<RelationKind>(), Ok(*kind));
        }
        for reason in ReviewReason::ALL {
            assert_eq!(reason.to_string().parse::<ReviewReason>(), Ok(*reason));
        }
    }

    #[test]
    fn an_unknown_word_is_refused_with_the_choices() {
        assert_eq!(
            "contradicts".parse::<RelationKind>(),
            Err(
                "unknown relation kind \"contradicts\": expected supports, attacks or undercuts"
                    .to_owned()
            )
        );
    }

    #[test]
    fn serde_uses_the_stored_spelling() {
        assert_eq!(
            serde_json::to_string(&ReviewReason::OffTopic).unwrap(),
            "\"off-topic\""
        );
        let leaning: Leaning = serde_json::from_str("\"balanced\"").unwrap();
        assert_eq!(leaning, Leaning::Balanced);
    }
}
