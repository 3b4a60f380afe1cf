//! May this agency use this contract? A pure function of the contract's
//! eligibility clause, its cooperative and the agency's profile, returning a
//! verdict with reasons in words a clerk (and an auditor) can act on. One
//! answer for the catalog, its filter, the requisition and the packet:
//! eligible; eligible once a membership or addendum is filed (saying
//! which); or not eligible.

use crate::agency::{in_force, AgencyProfile};
use crate::model::{Cooperative, Eligibility, EntityType};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Eligible,
    /// Eligible once the agency files the paperwork `to_file` names (a
    /// cooperative's membership agreement, a state's participating
    /// addendum); until then it may not buy on the contract.
    EligibleOnceFiled,
    NotEligible,
    /// No agency profile yet: nothing to judge against.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EligibilityCheck {
    pub verdict: Verdict,
    /// Why not (for `NotEligible` and `Unknown`).
    pub reasons: Vec<String>,
    /// What the eligibility rests on (for `Eligible`): what a packet cites.
    pub basis: Vec<String>,
    /// For `EligibleOnceFiled`: what to file ("the membership agreement with
    /// Sourcewell").
    pub to_file: Vec<String>,
}

impl EligibilityCheck {
    /// The answer in a few words, the same on every screen: "yes", "once
    /// the membership agreement with Sourcewell is on file", "no: …".
    pub fn summary(&self) -> String {
        match self.verdict {
            Verdict::Eligible => "yes".into(),
            Verdict::EligibleOnceFiled => match self.to_file.as_slice() {
                [one] => format!("once {one} is on file"),
                [rest @ .., last] => format!("once {} and {last} are on file", rest.join(", ")),
                [] => "yes".into(),
            },
            Verdict::NotEligible => format!("no: {}", self.reasons.join("; ")),
            Verdict::Unknown => format!("unknown: {}", self.reasons.join("; ")),
        }
    }
}

fn list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

fn types(t: &[EntityType]) -> String {
    list(&t.iter().map(|t| t.plural_label().to_owned()).collect::<Vec<_>>())
}

/// Judges `agency` against a contract's `eligibility` clause on `today`.
pub fn evaluate(
    contract_id: &str,
    eligibility: &Eligibility,
    cooperative: &Cooperative,
    agency: Option<&AgencyProfile>,
    today: NaiveDate,
) -> EligibilityCheck {
    let Some(agency) = agency else {
        return EligibilityCheck {
            verdict: Verdict::Unknown,
            reasons: vec!["set up the agency profile to check eligibility".into()],
            basis: vec![],
            to_file: vec![],
        };
    };
    let state = &agency.address.state;
    let mut reasons = Vec::new();
    let mut basis = Vec::new();
    // Paperwork the agency can file: its reasons are kept apart from the
    // ones no form fixes.
    let mut to_file = Vec::new();
    let mut paperwork = Vec::new();

    if eligibility.states.is_empty() {
        basis.push("open to agencies in every state".to_owned());
    } else if eligibility.states.contains(state) {
        basis.push(format!("open to agencies in {state}"));
    } else {
        reasons.push(format!("open only to agencies in {} (this agency is in {state})", list(&eligibility.states)));
    }

    if eligibility.entity_types.is_empty() {
        basis.push("open to every kind of public entity".to_owned());
    } else if eligibility.entity_types.contains(&agency.entity_type) {
        basis.push(format!("open to {}", agency.entity_type.plural_label()));
    } else {
        reasons.push(format!(
            "open only to {} (this agency is a {})",
            types(&eligibility.entity_types),
            agency.entity_type.label()
        ));
    }

    if eligibility.requires_membership || cooperative.membership_required {
        let membership = agency.memberships.iter().find(|m| m.cooperative_id == cooperative.id);
        match membership {
            Some(m) if in_force(m.signed_on, m.expires_on, today) => {
                basis.push(format!("membership agreement with {} signed {}", cooperative.name, m.signed_on))
            }
            Some(m) if m.signed_on > today => reasons.push(format!(
                "the membership agreement with {} takes effect only on {}",
                cooperative.name, m.signed_on
            )),
            Some(m) => {
                paperwork.push(format!(
                    "the membership agreement with {} expired on {}",
                    cooperative.name,
                    m.expires_on.map_or(String::new(), |d| d.to_string())
                ));
                to_file.push(format!("a renewed membership agreement with {}", cooperative.name));
            }
            None => {
                paperwork.push(format!("no membership agreement with {} on file", cooperative.name));
                to_file.push(format!("the membership agreement with {}", cooperative.name));
            }
        }
    }

    if eligibility.single_award && agency.single_award_prohibited {
        reasons.push(format!("it is a single-award contract, which agencies in {state} may not piggyback on"));
    }

    if eligibility.requires_participating_addendum {
        let addendum = agency
            .addenda
            .iter()
            .find(|a| a.contract_id == contract_id && &a.state == state && in_force(a.signed_on, a.expires_on, today));
        match addendum {
            Some(a) => basis.push(format!("participating addendum for {state} signed {}", a.signed_on)),
            None => {
                paperwork.push(format!("no participating addendum on file for this contract in {state}"));
                to_file.push(format!("a participating addendum for this contract in {state}"));
            }
        }
    }

    let verdict = if !reasons.is_empty() {
        Verdict::NotEligible
    } else if !to_file.is_empty() {
        Verdict::EligibleOnceFiled
    } else {
        Verdict::Eligible
    };
    reasons.extend(paperwork);
    match verdict {
        Verdict::Eligible => EligibilityCheck { verdict, reasons, basis, to_file: vec![] },
        Verdict::EligibleOnceFiled => EligibilityCheck { verdict, reasons, basis, to_file },
        _ => EligibilityCheck { verdict, reasons, basis: vec![], to_file: vec![] },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agency::{Addendum, Membership};
    use crate::model::Address;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn agency(state: &str, kind: EntityType) -> AgencyProfile {
        AgencyProfile {
            name: "Harbor County".into(),
            entity_type: kind,
            address: Address {
                street: "1 Main St".into(),
                city: "Pensacola".into(),
                state: state.into(),
                zip: "32502".into(),
            },
            memberships: vec![],
            addenda: vec![],
            single_award_prohibited: false,
        }
    }

    fn coop(membership_required: bool) -> Cooperative {
        Cooperative {
            id: "coop-a".into(),
            name: "Atlantic Municipal Buying Alliance".into(),
            lead_agency: None,
            membership_required,
            website: None,
        }
    }

    #[test]
    fn verdicts() {
        let today = date("2026-11-22");
        let mut with_membership = agency("FL", EntityType::County);
        with_membership.memberships.push(Membership {
            cooperative_id: "coop-a".into(),
            signed_on: date("2025-01-10"),
            expires_on: None,
        });
        let mut lapsed = agency("FL", EntityType::County);
        lapsed.memberships.push(Membership {
            cooperative_id: "coop-a".into(),
            signed_on: date("2023-01-01"),
            expires_on: Some(date("2025-12-31")),
        });
        let mut with_pa = agency("FL", EntityType::City);
        with_pa.addenda.push(Addendum {
            contract_id: "c1".into(),
            state: "FL".into(),
            signed_on: date("2026-02-01"),
            expires_on: None,
        });
        let mut pa_other_state = agency("GA", EntityType::City);
        pa_other_state.addenda.push(Addendum {
            contract_id: "c1".into(),
            state: "FL".into(),
            signed_on: date("2026-02-01"),
            expires_on: None,
        });

        let open = Eligibility::default();
        let gulf = Eligibility { states: vec!["TX".into(), "LA".into(), "FL".into()], ..Default::default() };
        let schools = Eligibility {
            entity_types: vec![EntityType::SchoolDistrict, EntityType::HigherEducation],
            ..Default::default()
        };
        let members = Eligibility { requires_membership: true, ..Default::default() };
        let pa = Eligibility { requires_participating_addendum: true, ..Default::default() };
        let single = Eligibility { single_award: true, ..Default::default() };
        let mut restricted = agency("TX", EntityType::City);
        restricted.single_award_prohibited = true;

        type Row<'a> = (&'a str, &'a Eligibility, bool, Option<&'a AgencyProfile>, Verdict, &'a str);
        let fl_county = agency("FL", EntityType::County);
        let ga_county = agency("GA", EntityType::County);
        let rows: Vec<Row> = vec![
            ("no profile", &open, false, None, Verdict::Unknown, "set up the agency profile"),
            ("open contract", &open, false, Some(&fl_county), Verdict::Eligible, "open to agencies in every state"),
            ("state listed", &gulf, false, Some(&fl_county), Verdict::Eligible, "open to agencies in FL"),
            (
                "state not listed",
                &gulf,
                false,
                Some(&ga_county),
                Verdict::NotEligible,
                "open only to agencies in TX, LA or FL (this agency is in GA)",
            ),
            (
                "wrong entity type",
                &schools,
                false,
                Some(&fl_county),
                Verdict::NotEligible,
                "open only to school districts or colleges and universities (this agency is a county)",
            ),
            (
                "membership missing",
                &members,
                false,
                Some(&fl_county),
                Verdict::EligibleOnceFiled,
                "no membership agreement with Atlantic Municipal Buying Alliance on file",
            ),
            (
                "cooperative requires membership",
                &open,
                true,
                Some(&fl_county),
                Verdict::EligibleOnceFiled,
                "no membership agreement",
            ),
            (
                "membership on file",
                &members,
                false,
                Some(&with_membership),
                Verdict::Eligible,
                "membership agreement with Atlantic Municipal Buying Alliance signed 2025-01-10",
            ),
            ("membership lapsed", &members, false, Some(&lapsed), Verdict::EligibleOnceFiled, "expired on 2025-12-31"),
            (
                "addendum missing",
                &pa,
                false,
                Some(&fl_county),
                Verdict::EligibleOnceFiled,
                "no participating addendum on file for this contract in FL",
            ),
            (
                "addendum on file",
                &pa,
                false,
                Some(&with_pa),
                Verdict::Eligible,
                "participating addendum for FL signed 2026-02-01",
            ),
            ("addendum for another state", &pa, false, Some(&pa_other_state), Verdict::EligibleOnceFiled, "in GA"),
            (
                "single award, state allows",
                &single,
                false,
                Some(&fl_county),
                Verdict::Eligible,
                "open to agencies in every state",
            ),
            (
                "single award, state forbids",
                &single,
                false,
                Some(&restricted),
                Verdict::NotEligible,
                "single-award contract, which agencies in TX may not",
            ),
        ];
        for (what, elig, coop_requires, agency, verdict, text) in rows {
            let check = evaluate("c1", elig, &coop(coop_requires), agency, today);
            assert_eq!(check.verdict, verdict, "{what}: {check:?}");
            let words = if verdict == Verdict::Eligible { &check.basis } else { &check.reasons };
            assert!(words.iter().any(|w| w.contains(text)), "{what}: want {text:?} in {words:?}");
        }
    }

    #[test]
    fn every_failing_rule_is_reported() {
        let strict = Eligibility {
            states: vec!["TX".into()],
            entity_types: vec![EntityType::SchoolDistrict],
            requires_membership: true,
            requires_participating_addendum: true,
            single_award: true,
        };
        let mut agency = agency("FL", EntityType::County);
        agency.single_award_prohibited = true;
        let check = evaluate("c1", &strict, &coop(false), Some(&agency), date("2026-11-22"));
        assert_eq!(check.reasons.len(), 5, "{check:?}");
        assert!(check.basis.is_empty());
        assert_eq!(check.verdict, Verdict::NotEligible, "paperwork does not make up for the rest");
    }

    #[test]
    fn paperwork_alone_makes_it_eligible_once_filed_and_says_what_to_file() {
        let both =
            Eligibility { requires_membership: true, requires_participating_addendum: true, ..Default::default() };
        let check = evaluate("c1", &both, &coop(false), Some(&agency("FL", EntityType::County)), date("2026-11-22"));
        assert_eq!(check.verdict, Verdict::EligibleOnceFiled);
        assert_eq!(
            check.summary(),
            "once the membership agreement with Atlantic Municipal Buying Alliance and a participating addendum \
             for this contract in FL are on file"
        );
    }
}
