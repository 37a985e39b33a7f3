//! What readers say about a claim (stances, reports) and how moderators close reports
//! and suggestions.

use super::vocabulary;

vocabulary! {
    /// Why a claim was reported for review.
    pub enum ReviewReason ("review reason") {
        Misquoted = "misquoted",
        Duplicate = "duplicate",
        Unclear = "unclear",
        Unsupported = "unsupported",
        OffTopic = "off-topic",
    }
}

vocabulary! {
    /// How a review was closed.
    pub enum ReviewResolution ("review resolution") {
        Hidden = "hidden",
        Merged = "merged",
        Dismissed = "dismissed",
    }
}

vocabulary! {
    /// An annotation's stance on its claim.
    pub enum Stance ("stance") {
        Agree = "agree",
        Disagree = "disagree",
        Unsure = "unsure",
    }
}

vocabulary! {
    /// Where a suggested claim stands: open, taken as a claim, or dismissed.
    pub enum SuggestionStatus ("suggestion status") {
        Open = "open",
        Accepted = "accepted",
        Dismissed = "dismissed",
    }
}
