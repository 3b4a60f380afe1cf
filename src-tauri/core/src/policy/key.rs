//! The stable key of a finding: what an acknowledgement sticks to. A typed
//! key instead of text built in many places; its text form is exactly the
//! one acknowledgements have always been stored under, so databases written
//! before it keep their acknowledgements (and their history's state hashes).

use crate::money::Cents;
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

/// Which situation a finding is about. The same situation gives the same
/// key, so an acknowledgement sticks to it; a changed one (a new price, a
/// new end date) gives a new key and needs a new acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingKey {
    NoLines,
    /// A header field left empty: `department`, `requester`, `deliver_to`, `date_needed`.
    Missing(String),
    DateNeededPast,
    ContractGone(String),
    ContractExpired(String),
    ContractNotStarted(String),
    ContractExpiring {
        contract: String,
        ends: NaiveDate,
    },
    NotEligible(String),
    EligibilityUnknown,
    /// The cooperative whose membership is not on file. No longer raised
    /// (eligibility says what must be filed); kept so that acknowledgements
    /// stored by earlier versions still read.
    Membership(String),
    /// Line positions from here on.
    Account(u32),
    ItemGone(u32),
    PriceChanged {
        line: u32,
        now: Cents,
    },
    OffContractQuote(u32),
    FormalBid,
    QuotesRequired,
    BoardApproval,
    /// No approver's limit covers this total.
    NoApprover(Cents),
    ApprovalRoute,
    EmergencyDoc(String),
    OutsideWaiver(NaiveDate),
    /// Purchases under the incident would pass its spend limit.
    SpendLimit(Cents),
    FemaCoverage(String),
    /// The other requisitions of a possible split purchase.
    Split(Vec<String>),
    /// A key this version does not make, as stored by another: kept and
    /// shown, never matched by a current finding.
    Other(String),
}

impl fmt::Display for FindingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FindingKey::*;
        match self {
            NoLines => f.write_str("no_lines"),
            Missing(field) => write!(f, "missing:{field}"),
            DateNeededPast => f.write_str("date_needed_past"),
            ContractGone(id) => write!(f, "contract_gone:{id}"),
            ContractExpired(id) => write!(f, "contract_expired:{id}"),
            ContractNotStarted(id) => write!(f, "contract_not_started:{id}"),
            ContractExpiring { contract, ends } => write!(f, "contract_expiring:{contract}:{ends}"),
            NotEligible(id) => write!(f, "not_eligible:{id}"),
            EligibilityUnknown => f.write_str("eligibility_unknown"),
            Membership(coop) => write!(f, "membership:{coop}"),
            Account(line) => write!(f, "account:{line}"),
            ItemGone(line) => write!(f, "item_gone:{line}"),
            PriceChanged { line, now } => write!(f, "price_changed:{line}:{}", now.0),
            OffContractQuote(line) => write!(f, "off_contract_quote:{line}"),
            FormalBid => f.write_str("formal_bid"),
            QuotesRequired => f.write_str("quotes_required"),
            BoardApproval => f.write_str("board_approval"),
            NoApprover(total) => write!(f, "no_approver:{}", total.0),
            ApprovalRoute => f.write_str("approval_route"),
            EmergencyDoc(field) => write!(f, "emergency_doc:{field}"),
            OutsideWaiver(end) => write!(f, "outside_waiver:{end}"),
            SpendLimit(limit) => write!(f, "spend_limit:{}", limit.0),
            FemaCoverage(id) => write!(f, "fema_coverage:{id}"),
            Split(numbers) => write!(f, "split:{}", numbers.join(",")),
            Other(text) => f.write_str(text),
        }
    }
}

impl FromStr for FindingKey {
    type Err = std::convert::Infallible;

    /// Never fails: text this version does not make is kept as `Other`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(parse(text).unwrap_or_else(|| FindingKey::Other(text.to_owned())))
    }
}

fn parse(text: &str) -> Option<FindingKey> {
    use FindingKey::*;
    let line = |s: &str| s.parse::<u32>().ok();
    let (kind, rest) = match text.split_once(':') {
        Some((k, r)) => (k, Some(r)),
        None => (text, None),
    };
    Some(match (kind, rest) {
        ("no_lines", None) => NoLines,
        ("date_needed_past", None) => DateNeededPast,
        ("eligibility_unknown", None) => EligibilityUnknown,
        ("formal_bid", None) => FormalBid,
        ("quotes_required", None) => QuotesRequired,
        ("board_approval", None) => BoardApproval,
        ("approval_route", None) => ApprovalRoute,
        ("missing", Some(field)) => Missing(field.to_owned()),
        ("contract_gone", Some(id)) => ContractGone(id.to_owned()),
        ("contract_expired", Some(id)) => ContractExpired(id.to_owned()),
        ("contract_not_started", Some(id)) => ContractNotStarted(id.to_owned()),
        ("contract_expiring", Some(rest)) => {
            // The contract id may itself hold colons; the date is last.
            let (contract, ends) = rest.rsplit_once(':')?;
            ContractExpiring { contract: contract.to_owned(), ends: ends.parse().ok()? }
        }
        ("not_eligible", Some(id)) => NotEligible(id.to_owned()),
        ("membership", Some(coop)) => Membership(coop.to_owned()),
        ("account", Some(p)) => Account(line(p)?),
        ("item_gone", Some(p)) => ItemGone(line(p)?),
        ("price_changed", Some(rest)) => {
            let (p, now) = rest.split_once(':')?;
            PriceChanged { line: line(p)?, now: Cents(now.parse().ok()?) }
        }
        ("off_contract_quote", Some(p)) => OffContractQuote(line(p)?),
        ("no_approver", Some(total)) => NoApprover(Cents(total.parse().ok()?)),
        ("emergency_doc", Some(field)) => EmergencyDoc(field.to_owned()),
        ("outside_waiver", Some(end)) => OutsideWaiver(end.parse().ok()?),
        ("spend_limit", Some(limit)) => SpendLimit(Cents(limit.parse().ok()?)),
        ("fema_coverage", Some(id)) => FemaCoverage(id.to_owned()),
        ("split", Some(numbers)) => Split(numbers.split(',').map(str::to_owned).collect()),
        _ => return None,
    })
}

crate::text_form::stored_as_text!(FindingKey);

/// Compares with a key's text form, as a clerk or a script gives it.
impl PartialEq<str> for FindingKey {
    fn eq(&self, other: &str) -> bool {
        let other: FindingKey = other.parse().unwrap_or_else(|never| match never {});
        *self == other
    }
}

impl PartialEq<&str> for FindingKey {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of key, in the text acknowledgements are stored under.
    const STORED: &[&str] = &[
        "no_lines",
        "missing:department",
        "missing:date_needed",
        "date_needed_past",
        "contract_gone:ctr-1",
        "contract_expired:ctr-1",
        "contract_not_started:ctr-1",
        "contract_expiring:sourcewell:121923-GSP:2026-12-31",
        "not_eligible:ctr-1",
        "eligibility_unknown",
        "membership:coop-a",
        "account:3",
        "item_gone:2",
        "price_changed:1:7700",
        "off_contract_quote:2",
        "formal_bid",
        "quotes_required",
        "board_approval",
        "no_approver:1250000",
        "approval_route",
        "emergency_doc:need",
        "outside_waiver:2026-10-28",
        "spend_limit:10000000",
        "fema_coverage:ctr-1",
        "split:2027-PW-0001,2027-PW-0002",
    ];

    #[test]
    fn stored_keys_read_back_typed_and_write_out_unchanged() {
        for text in STORED {
            let key: FindingKey = text.parse().unwrap();
            assert!(!matches!(key, FindingKey::Other(_)), "{text} was not recognized");
            assert_eq!(key.to_string(), *text);
            let json = serde_json::to_string(&key).unwrap();
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<FindingKey>(&json).unwrap(), key);
        }
    }

    #[test]
    fn an_unknown_key_is_kept_as_it_was() {
        for text in ["retired_rule:7", "account:x", "price_changed:1", ""] {
            let key: FindingKey = text.parse().unwrap();
            assert_eq!(key, FindingKey::Other(text.to_owned()));
            assert_eq!(key.to_string(), text);
        }
    }
}
