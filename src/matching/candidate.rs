//! What the matcher proposes for a row or statement: one ranked control with its score and the reasons for it.

use serde::Serialize;

use crate::ids::ControlId;

/// A runner-up candidate from the text matcher, shown for review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub id: ControlId,
    pub score: f64,
    pub title: String,
    /// Terms and fields that made the match.
    pub why: Vec<String>,
}
