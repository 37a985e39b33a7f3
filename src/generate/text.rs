//! Prose for synthetic maps: sentences about health-service reform built from word banks,
//! so sources read like articles, searches find realistic words and quotes are real
//! sentences of their segments.

use rand::Rng;
use rand::seq::IndexedRandom;

const SUBJECTS: &[&str] = &[
    "Integrated care boards",
    "Local commissioners",
    "The national regulator",
    "Hospital trusts",
    "Primary care networks",
    "Foundation trusts",
    "Clinical leaders",
    "The health secretary",
    "Regional teams",
    "Community services",
    "Social care providers",
    "General practices",
    "Mental health trusts",
    "Public health teams",
    "The treasury",
    "Patient groups",
    "Ambulance services",
    "Provider collaboratives",
    "Health and wellbeing boards",
    "Specialist commissioners",
];

const VERBS: &[&str] = &[
    "should take responsibility for",
    "cannot deliver",
    "have repeatedly failed to fund",
    "would be better placed to manage",
    "are being asked to absorb",
    "need statutory powers over",
    "must be held accountable for",
    "were never designed to coordinate",
    "risk undermining",
    "could finally unlock",
    "will struggle to sustain",
    "depend on stable funding for",
    "have quietly abandoned",
    "ought to publish data on",
    "are competing rather than collaborating on",
];

const OBJECTS: &[&str] = &[
    "the integration of health and social care",
    "waiting times for elective surgery",
    "the workforce plan",
    "capital investment in buildings",
    "prevention and public health",
    "competition between providers",
    "local autonomy over budgets",
    "national targets and league tables",
    "the reconfiguration of emergency departments",
    "digital records shared across services",
    "the market in community contracts",
    "population health management",
    "the pooled budgets of the area",
    "the recovery of cancer services",
    "continuity of care in general practice",
    "the outcomes framework",
    "pay restraint for nurses",
    "the reorganisation of commissioning",
    "procurement rules",
    "the closure of small district hospitals",
];

const QUALIFIERS: &[&str] = &[
    "without a decade of stable funding",
    "because every reorganisation seeds the next",
    "as the evidence from the last reforms shows",
    "unless accountability is made clear",
    "while ministers still take the blame",
    "in spite of the consensus on integration",
    "if the regulator keeps its current duties",
    "now that demand rises faster than budgets",
    "when clinicians are given real authority",
    "before the next spending review",
    "given how fragmented the system has become",
    "according to the government's own figures",
];

const CONNECTIVES: &[&str] = &[
    "However,",
    "In practice,",
    "Critics argue that",
    "Put simply,",
    "Even so,",
    "By contrast,",
    "Above all,",
    "In other words,",
    "Meanwhile,",
    "Yet",
];

const FIRST_NAMES: &[&str] = &[
    "Alex", "Priya", "Tom", "Grace", "Samir", "Helen", "Owen", "Fatima", "Ruth", "Daniel", "Aisha",
    "Chris", "Nadia", "Peter", "Maya", "Imran",
];
const LAST_NAMES: &[&str] = &[
    "Walker", "Shah", "Morgan", "Okafor", "Price", "Evans", "Hughes", "Begum", "Clarke", "Turner",
    "Nolan", "Reid", "Patel", "Baker", "Lloyd", "Ahmed",
];
const BODIES: &[&str] = &[
    "Royal College",
    "Health Foundation",
    "Patients' Association",
    "Confederation",
    "Policy Institute",
    "Think Tank",
    "Nursing Council",
    "Trust Providers Forum",
];
const OFFICES: &[&str] = &[
    "Minister of State",
    "Chief Executive",
    "Chief Medical Officer",
    "Permanent Secretary",
];
const OUTLETS: &[&str] = &[
    "The Guardian",
    "Health Service Journal",
    "BMJ Opinion",
    "Twitter",
    "The King's Fund blog",
    "Nuffield Trust",
];

/// Poles of lasting tensions in running a health service.
pub const POLES: &[(&str, &str)] = &[
    ("Local autonomy", "National control"),
    ("Competition", "Collaboration"),
    ("Integration", "Specialisation"),
    ("Prevention", "Treatment"),
    ("Clinical leadership", "Managerial control"),
    ("Patient choice", "Planned provision"),
    ("Stability", "Reorganisation"),
    ("Targets", "Professional judgement"),
    ("Large units", "Small units"),
    ("Public provision", "Independent providers"),
    ("Transparency", "Candour in private"),
    ("Short-term recovery", "Long-term reform"),
];

/// One sentence, ending with a full stop.
pub fn sentence(rng: &mut impl Rng) -> String {
    let mut text = String::new();
    if rng.random_bool(0.3) {
        let connective = CONNECTIVES.choose(rng).unwrap();
        text.push_str(connective);
        text.push(' ');
    }
    let subject = SUBJECTS.choose(rng).unwrap();
    if text.is_empty() {
        text.push_str(subject);
    } else {
        text.push_str(&lowercase_first(subject));
    }
    text.push(' ');
    text.push_str(VERBS.choose(rng).unwrap());
    text.push(' ');
    text.push_str(OBJECTS.choose(rng).unwrap());
    if rng.random_bool(0.6) {
        text.push(' ');
        text.push_str(QUALIFIERS.choose(rng).unwrap());
    }
    text.push('.');
    text
}

/// A paragraph of `sentences` sentences on one line.
pub fn paragraph(rng: &mut impl Rng, sentences: usize) -> Vec<String> {
    (0..sentences).map(|_| sentence(rng)).collect()
}

/// A short title-like phrase: no full stop, a few words.
pub fn title(rng: &mut impl Rng) -> String {
    let object = OBJECTS.choose(rng).unwrap();
    let lead = [
        "The case for",
        "Rethinking",
        "What next for",
        "The trouble with",
        "Why we need",
    ]
    .choose(rng)
    .unwrap();
    format!("{lead} {object}")
}

pub fn person(rng: &mut impl Rng) -> String {
    format!(
        "{} {}",
        FIRST_NAMES.choose(rng).unwrap(),
        LAST_NAMES.choose(rng).unwrap()
    )
}

pub fn organisation(rng: &mut impl Rng) -> String {
    format!(
        "The {} {}",
        LAST_NAMES.choose(rng).unwrap(),
        BODIES.choose(rng).unwrap()
    )
}

pub fn office(rng: &mut impl Rng) -> String {
    (*OFFICES.choose(rng).unwrap()).to_owned()
}

pub fn outlet(rng: &mut impl Rng) -> String {
    (*OUTLETS.choose(rng).unwrap()).to_owned()
}

/// A claim restating a quoted sentence in the map's voice (10 to 400 characters).
pub fn claim_from(quote: &str, rng: &mut impl Rng) -> String {
    let core = quote.trim_end_matches('.');
    let lead = [
        "",
        "The author argues that ",
        "It is claimed that ",
        "On this view, ",
    ]
    .choose(rng)
    .unwrap();
    let text = if lead.is_empty() {
        format!("{core}.")
    } else {
        format!("{lead}{}.", lowercase_first(core))
    };
    text.chars().take(400).collect()
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Keep acronyms and proper names ("The NHS" stays as is only when all-caps words).
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn the_same_seed_writes_the_same_prose() {
        let a: Vec<String> = {
            let mut rng = StdRng::seed_from_u64(7);
            (0..20).map(|_| sentence(&mut rng)).collect()
        };
        let b: Vec<String> = {
            let mut rng = StdRng::seed_from_u64(7);
            (0..20).map(|_| sentence(&mut rng)).collect()
        };
        assert_eq!(a, b);
    }

    #[test]
    fn claims_made_from_sentences_fit_the_length_rule() {
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..500 {
            let claim = claim_from(&sentence(&mut rng), &mut rng);
            let length = claim.trim().chars().count();
            assert!((10..=400).contains(&length), "{claim}");
        }
    }
}
