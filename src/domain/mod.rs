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
/// map format, form values, the command line. An unknown spelling is refused in the same
/// words wherever it comes from ("unknown stance \"maybe\": expected agree, disagree or
/// unsure"); from the database it is an error the CHECK lists make impossible.
macro_rules! vocabulary {
    (
        $(#[doc = $doc:literal])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
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

        // Through `FromStr`, so that a word it does not know is refused in the same words
        // everywhere (a map file, a JSON body, a form, the database).
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::domain::Word(std::marker::PhantomData))
            }
        }

        // By hand: utoipa's derive does not see a `serde(rename)` a macro wrote, and would
        // list the variants' Rust names.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: Vec<&str> = [$($doc),*].iter().map(|line| line.trim()).collect();
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::ALL.iter().map(|word| word.as_str())))
                    .description(Some(doc.join(" ")).filter(|doc| !doc.is_empty()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

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

/// Reads a [`vocabulary!`] word from a string, inside the deserializer so that its error
/// carries the position (a JSON body's line and column).
#[doc(hidden)]
pub struct Word<W>(pub std::marker::PhantomData<W>);

impl<W: std::str::FromStr<Err = String>> serde::de::Visitor<'_> for Word<W> {
    type Value = W;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a word, as a string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<W, E> {
        text.parse().map_err(E::custom)
    }
}

/// A word that may be left blank (a form's "(none)" choice): none when blank, otherwise
/// one of `W`'s spellings.
pub fn blank_or<W: std::str::FromStr<Err = String>>(text: &str) -> Result<Option<W>, String> {
    match text.trim() {
        "" => Ok(None),
        word => word.parse().map(Some),
    }
}

/// [`blank_or`] for the input `field`: a value that is not one of `W`'s words (only a
/// hand-made request sends one) is a 422 naming the field and the words.
pub(crate) fn word_field<W: std::str::FromStr<Err = String>>(
    field: &str,
    text: &str,
) -> crate::Result<Option<W>> {
    blank_or(text).map_err(|message| crate::Error::invalid(field, message))
}

/// [`blank_or`] for a field: `#[serde(default, deserialize_with =
/// "crate::domain::blank_as_none")]`. A missing field or `null` is none too.
pub fn blank_as_none<'de, D, W>(deserializer: D) -> Result<Option<W>, D::Error>
where
    D: serde::Deserializer<'de>,
    W: std::str::FromStr<Err = String>,
{
    let text = <Option<String> as serde::Deserialize>::deserialize(deserializer)?;
    blank_or(text.as_deref().unwrap_or("")).map_err(serde::de::Error::custom)
}

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
        let unknown = serde_json::from_str::<Leaning>("\"left\"").unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "unknown leaning \"left\": expected a, b or balanced at line 1 column 6"
        );
    }

    #[derive(Debug, serde::Deserialize)]
    struct Annotated {
        #[serde(default, deserialize_with = "blank_as_none")]
        stance: Option<Stance>,
    }

    #[test]
    fn a_word_left_blank_is_none_and_an_unknown_one_is_refused() {
        let stance = |form: &str| serde_urlencoded::from_str::<Annotated>(form).map(|a| a.stance);
        assert_eq!(stance("stance=agree").unwrap(), Some(Stance::Agree));
        assert_eq!(stance("stance=").unwrap(), None);
        assert_eq!(stance("stance=+").unwrap(), None);
        assert_eq!(stance("").unwrap(), None);
        assert_eq!(
            stance("stance=maybe").unwrap_err().to_string(),
            "unknown stance \"maybe\": expected agree, disagree or unsure"
        );
    }
}
