//! Turning a ranking into a 0..1 score that reads roughly as the chance the candidate is right: a logistic curve per
//! catalog, fitted on the English dev statements. Measured on the German, French and Spanish dev statements, the
//! same curves keep auto-accepted matches right at least 95 % of the time in each language (docs/matching.md), so
//! every language shares them and the one `--min-score` threshold.

use crate::ids::Framework;

/// A logistic curve: intercept, margin × min(terms matched by the best, 3) / 3, ln evidence, ln(1 + terms matched
/// by the best).
pub type Curve = (f64, f64, f64, f64);

/// English, fitted on the English dev statements.
const CURVE_ISO: Curve = (-4.610, 6.633, 1.560, -0.628);
const CURVE_TSC: Curve = (0.036, 5.496, 0.200, -0.111);

/// The curve for a ranking of `to`.
pub fn curve(to: Framework) -> Curve {
    match to {
        Framework::Tsc2017 => CURVE_TSC,
        _ => CURVE_ISO,
    }
}

/// A 0..1 score from the rank value of a candidate, its strongest rival and the evidence behind the ranking.
pub fn confidence(value: f32, rival: f32, evidence: f32, hits: usize, to: Framework) -> f64 {
    confidence_on(curve(to), value, rival, evidence, hits)
}

/// As [`confidence`] on a given curve.
pub fn confidence_on(curve: Curve, value: f32, rival: f32, evidence: f32, hits: usize) -> f64 {
    if value <= 0.0 {
        return 0.0;
    }
    if hits == 0 {
        // Process words alone (`rules published on the intranet`): no topic to be confident about.
        return 0.25;
    }
    // A lead over the rivals counts fully only when it rests on three or more terms: one rare word alone makes a
    // clear but unreliable winner.
    let margin = f64::from((value - rival) / value) * hits.min(3) as f64 / 3.0;
    let evidence = f64::from(evidence.max(1e-3)).ln();
    let hits = (1.0 + hits as f64).ln();
    let (a, b, c, d) = curve;
    1.0 / (1.0 + (-(a + b * margin + c * evidence + d * hits)).exp())
}
