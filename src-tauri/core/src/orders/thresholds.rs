//! The dollar thresholds a purchase is held to, and where each comes from.
//!
//! The defaults are the federal figures: 2 CFR 200.320 ties a local
//! government's purchases under federal awards (FEMA's reimbursements
//! among them) to the micro-purchase and simplified acquisition thresholds
//! of FAR 2.101. An agency may self-certify a higher micro-purchase
//! threshold (2 CFR 200.320(a)(1)(iv), up to $50,000), and its state law or
//! its own policy may set lower ones: the stricter figure applies, and the
//! finding says which rule it came from.

use crate::money::Cents;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// FAR 2.101's micro-purchase threshold since 2025-10-01.
pub const FEDERAL_MICRO_PURCHASE: Cents = Cents::dollars(15_000);
/// FAR 2.101's simplified acquisition threshold since 2025-10-01: above it,
/// a formal solicitation.
pub const FEDERAL_SIMPLIFIED_ACQUISITION: Cents = Cents::dollars(350_000);
/// The most a non-federal entity may self-certify as its micro-purchase
/// threshold (2 CFR 200.320(a)(1)(iv)).
pub const SELF_CERTIFIED_MAX: Cents = Cents::dollars(50_000);
/// Where the federal figures come from, as Settings and findings name it.
pub const FEDERAL_SOURCE: &str =
    "FAR 2.101 as amended effective 2025-10-01 (90 FR 41872), applied to federal awards by 2 CFR 200.320";

/// The purchasing policy thresholds. Amounts are requisition totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Thresholds {
    /// Up to this, a purchase needs no competition (2 CFR 200.320(a)(1)).
    pub micro_purchase: Cents,
    /// Off-contract purchases above this need written quotes ...
    pub quotes_above: Cents,
    /// ... this many of them.
    pub quotes_required: u32,
    /// Off-contract purchases above this need a formal solicitation.
    pub formal_bid: Cents,
    /// Requisitions above this need the governing board's approval.
    pub board_approval: Cents,
    /// Purchases from one supplier by one department within this many days
    /// are looked at together for splitting.
    pub split_window_days: u32,
    /// A higher micro-purchase threshold the agency self-certified.
    #[serde(default)]
    pub self_certified: Option<SelfCertification>,
    /// The state's or the agency's own thresholds, where they are lower.
    #[serde(default)]
    pub local: LocalThresholds,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            micro_purchase: FEDERAL_MICRO_PURCHASE,
            quotes_above: FEDERAL_MICRO_PURCHASE,
            quotes_required: 3,
            formal_bid: FEDERAL_SIMPLIFIED_ACQUISITION,
            board_approval: Cents::dollars(50_000),
            split_window_days: 30,
            self_certified: None,
            local: LocalThresholds::default(),
        }
    }
}

/// A micro-purchase threshold above the federal one, as the agency
/// self-certified it (annually, with its justification on file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SelfCertification {
    pub amount: Cents,
    pub certified_on: NaiveDate,
    /// Where it is on file: "Resolution 2025-14", say.
    pub reference: String,
}

/// Thresholds the state's law or the agency's own policy sets; each applies
/// where it is lower than the federal figure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct LocalThresholds {
    /// The rule they come from: "Fla. Stat. 287.017", "Purchasing policy 4.2".
    pub source: String,
    pub micro_purchase: Option<Cents>,
    pub quotes_above: Option<Cents>,
    pub formal_bid: Option<Cents>,
}

/// One threshold as it applies, and the rule it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Threshold {
    pub amount: Cents,
    /// "federal: FAR 2.101 …", "Fla. Stat. 287.017, stricter than the federal $15,000.00".
    pub basis: String,
}

/// The thresholds that apply, each the stricter of the agency's (federal
/// by default, or self-certified) and the state's or local one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InForce {
    pub micro_purchase: Threshold,
    pub quotes_above: Threshold,
    pub formal_bid: Threshold,
}

impl Thresholds {
    /// What applies to an everyday purchase.
    pub fn in_force(&self) -> InForce {
        let (micro, micro_basis) = match &self.self_certified {
            Some(c) => (c.amount, format!("self-certified on {} ({})", c.certified_on, c.reference.trim())),
            None => (self.micro_purchase, self.basis(self.micro_purchase, FEDERAL_MICRO_PURCHASE)),
        };
        InForce {
            micro_purchase: self.stricter(micro, micro_basis, self.local.micro_purchase),
            quotes_above: self.stricter(
                self.quotes_above,
                self.basis(self.quotes_above, FEDERAL_MICRO_PURCHASE),
                self.local.quotes_above,
            ),
            formal_bid: self.stricter(
                self.formal_bid,
                self.basis(self.formal_bid, FEDERAL_SIMPLIFIED_ACQUISITION),
                self.local.formal_bid,
            ),
        }
    }

    /// What applies under an incident's relaxed terms: those, as its
    /// authority set them.
    pub fn under_incident(incident: &str, micro: Cents, quotes_above: Cents, formal_bid: Cents) -> InForce {
        let basis = || format!("relaxed for {incident}");
        InForce {
            micro_purchase: Threshold { amount: micro, basis: basis() },
            quotes_above: Threshold { amount: quotes_above, basis: basis() },
            formal_bid: Threshold { amount: formal_bid, basis: basis() },
        }
    }

    fn basis(&self, amount: Cents, federal: Cents) -> String {
        if amount == federal {
            "federal: FAR 2.101 since 2025-10-01".into()
        } else {
            "the agency's purchasing policy".into()
        }
    }

    fn stricter(&self, amount: Cents, basis: String, local: Option<Cents>) -> Threshold {
        match local {
            Some(l) if l < amount => {
                let source = self.local.source.trim();
                let source = if source.is_empty() { "state or local rule" } else { source };
                Threshold { amount: l, basis: format!("{source}, stricter than {amount} ({basis})") }
            }
            _ => Threshold { amount, basis },
        }
    }

    /// What is wrong with the thresholds, in words.
    pub fn problem(&self) -> Option<String> {
        let l = &self.local;
        let amounts = [self.micro_purchase, self.quotes_above, self.formal_bid, self.board_approval];
        let local = [l.micro_purchase, l.quotes_above, l.formal_bid];
        if amounts.iter().chain(local.iter().flatten()).any(|c| c.0 < 0) {
            return Some("Thresholds cannot be negative.".into());
        }
        if self.formal_bid < self.quotes_above {
            return Some("The formal-bid threshold must be at least the written-quotes threshold.".into());
        }
        if let Some(c) = &self.self_certified {
            if c.amount <= FEDERAL_MICRO_PURCHASE || c.amount > SELF_CERTIFIED_MAX {
                return Some(format!(
                    "A self-certified micro-purchase threshold is above the federal {FEDERAL_MICRO_PURCHASE} and at \
                     most {SELF_CERTIFIED_MAX} (2 CFR 200.320(a)(1)(iv))."
                ));
            }
            if c.reference.trim().is_empty() {
                return Some(
                    "Say where the self-certification is on file (a resolution or memo), so an auditor can find it."
                        .into(),
                );
            }
        }
        if local.iter().any(Option::is_some) && l.source.trim().is_empty() {
            return Some("Name the state law or policy the local thresholds come from.".into());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_today_s_federal_figures() {
        let f = Thresholds::default().in_force();
        assert_eq!(f.micro_purchase.amount, Cents::dollars(15_000));
        assert_eq!(f.formal_bid.amount, Cents::dollars(350_000));
        assert_eq!(f.micro_purchase.basis, "federal: FAR 2.101 since 2025-10-01");
    }

    #[test]
    fn a_self_certified_micro_purchase_threshold_replaces_the_federal_one() {
        let t = Thresholds {
            self_certified: Some(SelfCertification {
                amount: Cents::dollars(50_000),
                certified_on: "2025-11-03".parse().unwrap(),
                reference: "Resolution 2025-14".into(),
            }),
            ..Thresholds::default()
        };
        assert_eq!(t.problem(), None);
        let f = t.in_force();
        assert_eq!(f.micro_purchase.amount, Cents::dollars(50_000));
        assert_eq!(f.micro_purchase.basis, "self-certified on 2025-11-03 (Resolution 2025-14)");
        let mut too_high = t.clone();
        too_high.self_certified.as_mut().unwrap().amount = Cents::dollars(75_000);
        assert!(too_high.problem().unwrap().contains("at most $50,000.00"));
    }

    #[test]
    fn the_stricter_rule_wins_and_says_so() {
        let t = Thresholds {
            local: LocalThresholds {
                source: "Fla. Stat. 287.017".into(),
                micro_purchase: Some(Cents::dollars(10_000)),
                quotes_above: Some(Cents::dollars(35_000)),
                formal_bid: None,
            },
            ..Thresholds::default()
        };
        let f = t.in_force();
        assert_eq!(f.micro_purchase.amount, Cents::dollars(10_000));
        assert_eq!(
            f.micro_purchase.basis,
            "Fla. Stat. 287.017, stricter than $15,000.00 (federal: FAR 2.101 since 2025-10-01)"
        );
        assert_eq!(
            f.quotes_above.amount,
            Cents::dollars(15_000),
            "a higher local figure does not loosen the federal one"
        );
        assert_eq!(f.formal_bid.amount, Cents::dollars(350_000));
        let mut unnamed = t.clone();
        unnamed.local.source.clear();
        assert!(unnamed.problem().unwrap().contains("Name the state law"));
    }
}
