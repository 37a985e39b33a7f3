//! The two poles of a tension and which way a proposal leans between them.

use super::vocabulary;

vocabulary! {
    /// One of a tension's two poles (`pole_a`, `pole_b`).
    pub enum Pole ("pole") {
        A = "a",
        B = "b",
    }
}

vocabulary! {
    /// Which way a proposal leans on a tension it raises.
    pub enum Leaning ("leaning") {
        A = "a",
        B = "b",
        Balanced = "balanced",
    }
}

impl Pole {
    /// This pole's name among a tension's two.
    pub fn name<'a>(self, pole_a: &'a str, pole_b: &'a str) -> &'a str {
        match self {
            Pole::A => pole_a,
            Pole::B => pole_b,
        }
    }
}

impl Leaning {
    /// The pole it leans towards; none when balanced.
    pub fn pole(self) -> Option<Pole> {
        match self {
            Leaning::A => Some(Pole::A),
            Leaning::B => Some(Pole::B),
            Leaning::Balanced => None,
        }
    }

    /// How the leaning reads in a sentence: "leans towards Local autonomy" or "holds the
    /// balance". Pole names keep their case.
    pub fn phrase(self, pole_a: &str, pole_b: &str) -> String {
        self.phrase_with(pole_a, pole_b, str::to_owned)
    }

    /// [`Leaning::phrase`] with the pole's name written by `name` (e.g. escaped and
    /// emphasised for Markdown).
    pub fn phrase_with(
        self,
        pole_a: &str,
        pole_b: &str,
        name: impl FnOnce(&str) -> String,
    ) -> String {
        match self.pole() {
            Some(pole) => format!("leans towards {}", name(pole.name(pole_a, pole_b))),
            None => "holds the balance".to_owned(),
        }
    }

    /// The matrix cell's arrow: ◀ towards the first pole, ▶ towards the second, ◆ balanced.
    pub fn symbol(self) -> &'static str {
        match self {
            Leaning::A => "◀",
            Leaning::B => "▶",
            Leaning::Balanced => "◆",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaning_names_its_pole_as_written() {
        assert_eq!(
            Leaning::A.phrase("NHS England", "local control"),
            "leans towards NHS England"
        );
        assert_eq!(
            Leaning::B.phrase("x", "Local control"),
            "leans towards Local control"
        );
    }

    #[test]
    fn a_balanced_leaning_holds_the_balance() {
        assert_eq!(Leaning::Balanced.phrase("a", "b"), "holds the balance");
    }
}
