//! The agency's purchasing settings: how requisitions are numbered, what an
//! account string looks like, the policy thresholds and who may approve what.
//! One row of JSON in the database, edited in Settings > Purchasing policy.

use super::numbering;
pub use super::thresholds::Thresholds;
use crate::error::{Error, Result};
use crate::money::Cents;
use crate::store::Store;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// One segment of the account string, e.g. the fund or the object code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountSegment {
    pub name: String,
    /// Exact number of digits, or 0 for free text.
    #[serde(default)]
    pub digits: u8,
    #[serde(default = "yes")]
    pub required: bool,
}

fn yes() -> bool {
    true
}

/// Someone who may approve requisitions, up to a limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Approver {
    pub name: String,
    #[serde(default)]
    pub title: String,
    /// The largest total this person may approve; `None` for no limit.
    #[serde(default)]
    pub limit: Option<Cents>,
}

/// A name and title printed under a signature line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Signer {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub title: String,
}

/// Who signs a packet besides the requester.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Signatories {
    #[serde(default)]
    pub department_head: Signer,
    #[serde(default)]
    pub finance: Signer,
    #[serde(default)]
    pub purchasing: Signer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PurchasingSettings {
    /// Requisition numbering, e.g. `{FY}-{DEPT}-{SEQ:04}`.
    pub number_pattern: String,
    /// First month (1-12) of the fiscal year.
    pub fiscal_year_start_month: u32,
    pub account_segments: Vec<AccountSegment>,
    /// Between segments of the account string.
    pub account_separator: String,
    pub thresholds: Thresholds,
    pub approvers: Vec<Approver>,
    /// Who uses this copy of coopdesk: the name changes made in the app are
    /// recorded under.
    #[serde(default)]
    pub operator: String,
    #[serde(default)]
    pub signatories: Signatories,
    /// A folder PDFs and CSVs are saved to without asking (a shared drive,
    /// say); `None` asks each time.
    #[serde(default)]
    pub save_folder: Option<String>,
    /// Emergency authorisation numbers, e.g. `EM-{DEPT}-{FY}-{SEQ:03}`.
    #[serde(default = "emergency_pattern")]
    pub emergency_number_pattern: String,
    /// Saved wording for the emergency documentation form.
    #[serde(default = "default_templates")]
    pub emergency_templates: Vec<WordingTemplate>,
}

fn emergency_pattern() -> String {
    "EM-{DEPT}-{FY}-{SEQ:03}".into()
}

/// Saved wording a clerk starts an emergency justification from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WordingTemplate {
    /// Which documentation field it is for (`need`, `duration`, ...).
    pub field: String,
    pub title: String,
    pub text: String,
}

fn default_templates() -> Vec<WordingTemplate> {
    let t = |field: &str, title: &str, text: &str| WordingTemplate {
        field: field.into(),
        title: title.into(),
        text: text.into(),
    };
    vec![
        t("need", "Life safety / continuity of operations", "Needed to protect life, public health and safety and to keep essential services running during the declared emergency. Waiting for competitive procurement would have put people and property at risk."),
        t("duration", "Until power and roads are restored", "The need lasts until utility power is restored and roads are cleared; expected within 14 days of the declaration."),
        t("competition", "Vendors called", "Called the vendors with local stock on the emergency vendor sheet; took the first that could deliver within the required time."),
        t("price_reasonableness", "Cooperative contract price", "Bought at the competed cooperative contract price, below the supplier's list price."),
        t("conflict_of_interest", "None", "No employee, officer or agent involved in this purchase has a financial or other interest in the vendor."),
    ]
}

impl Default for PurchasingSettings {
    /// Common values for a small US local government; every agency should
    /// review them in Settings.
    fn default() -> Self {
        let seg = |name: &str, digits| AccountSegment { name: name.into(), digits, required: true };
        PurchasingSettings {
            number_pattern: "{FY}-{DEPT}-{SEQ:04}".into(),
            fiscal_year_start_month: 10,
            account_segments: vec![
                seg("fund", 3),
                seg("department", 3),
                seg("program", 2),
                seg("object", 4),
                AccountSegment { name: "project".into(), digits: 0, required: false },
            ],
            account_separator: "-".into(),
            thresholds: Thresholds::default(),
            approvers: vec![],
            operator: String::new(),
            signatories: Signatories::default(),
            save_folder: None,
            emergency_number_pattern: emergency_pattern(),
            emergency_templates: default_templates(),
        }
    }
}

impl PurchasingSettings {
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Invalid(m));
        numbering::validate(&self.number_pattern)?;
        numbering::validate(&self.emergency_number_pattern)?;
        if !(1..=12).contains(&self.fiscal_year_start_month) {
            return bad("The fiscal year must start in a month from 1 to 12.".into());
        }
        if self.account_separator.is_empty() {
            return bad("The account string needs a separator between segments, such as '-'.".into());
        }
        if self.account_segments.iter().any(|s| s.name.trim().is_empty()) {
            return bad("Every account segment needs a name.".into());
        }
        if let Some(problem) = self.thresholds.problem() {
            return bad(problem);
        }
        for a in &self.approvers {
            if a.name.trim().is_empty() {
                return bad("Every approver needs a name.".into());
            }
            if a.limit.is_some_and(|l| l.0 < 0) {
                return bad(format!("{}'s approval limit cannot be negative.", a.name));
            }
        }
        Ok(())
    }

    /// What is wrong with an account string, in words; `None` when complete.
    pub fn account_problem(&self, account: &str) -> Option<String> {
        let parts: Vec<&str> = account.trim().split(self.account_separator.as_str()).map(str::trim).collect();
        let parts = if account.trim().is_empty() { vec![] } else { parts };
        if parts.len() > self.account_segments.len() {
            return Some(format!(
                "has {} segments; the account string has {} ({})",
                parts.len(),
                self.account_segments.len(),
                self.segment_names()
            ));
        }
        let mut missing = Vec::new();
        let mut wrong = Vec::new();
        for (i, seg) in self.account_segments.iter().enumerate() {
            match parts.get(i).filter(|p| !p.is_empty()) {
                None if seg.required => missing.push(seg.name.clone()),
                None => {}
                Some(p)
                    if seg.digits > 0 && (p.len() != seg.digits as usize || !p.bytes().all(|b| b.is_ascii_digit())) =>
                {
                    wrong.push(format!("{} must be {} digits", seg.name, seg.digits))
                }
                Some(_) => {}
            }
        }
        let mut why = Vec::new();
        if !missing.is_empty() {
            why.push(format!("is missing {}", missing.join(", ")));
        }
        why.extend(wrong);
        (!why.is_empty()).then(|| why.join("; "))
    }

    fn segment_names(&self) -> String {
        self.account_segments.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(self.account_separator.as_str())
    }
}

impl Store {
    /// The stored settings, or the defaults when none were saved yet.
    pub fn purchasing_settings(&self) -> Result<PurchasingSettings> {
        let text: Option<String> = self
            .conn()
            .query_row("SELECT settings FROM purchasing_settings WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        match text {
            None => Ok(PurchasingSettings::default()),
            Some(t) => serde_json::from_str(&t)
                .map_err(|e| Error::database(format!("the stored purchasing settings are unreadable ({e})"))),
        }
    }

    /// Where a file named `name` is saved: `chosen` if the clerk chose a
    /// path, else the settings' save folder.
    pub fn save_path(&self, chosen: Option<std::path::PathBuf>, name: &str) -> Result<std::path::PathBuf> {
        if let Some(p) = chosen {
            return Ok(p);
        }
        let folder = self.purchasing_settings()?.save_folder.filter(|f| !f.trim().is_empty()).ok_or_else(|| {
            Error::Invalid("Choose where to save the file, or set a save folder in the purchasing settings.".into())
        })?;
        let folder = std::path::PathBuf::from(folder.trim());
        if !folder.is_dir() {
            return Err(Error::Invalid(format!(
                "The save folder {} does not exist: change it in the purchasing settings.",
                folder.display()
            )));
        }
        let safe: String =
            name.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
        Ok(folder.join(safe))
    }

    /// The name the app records changes under: the operator in the settings.
    pub fn operator(&self) -> Result<String> {
        let name = self.purchasing_settings()?.operator;
        if name.trim().is_empty() {
            return Err(Error::NoActor);
        }
        Ok(name.trim().to_owned())
    }

    pub fn set_purchasing_settings(&mut self, settings: &PurchasingSettings) -> Result<()> {
        settings.validate()?;
        let json = serde_json::to_string(settings).expect("settings serialise");
        self.conn().execute(
            "INSERT INTO purchasing_settings (id, settings, updated_at) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
            rusqlite::params![json, self.clock().now().to_rfc3339()],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_strings_are_checked_segment_by_segment() {
        let s = PurchasingSettings::default();
        let cases: [(&str, Option<&str>); 7] = [
            ("100-210-01-5230", None),
            ("100-210-01-5230-STORM24", None),
            ("100-210-01", Some("is missing object")),
            ("", Some("is missing fund, department, program, object")),
            ("100-21-01-5230", Some("department must be 3 digits")),
            ("100-210-0A-5230", Some("program must be 2 digits")),
            ("1-2-3-4-5-6", Some("has 6 segments")),
        ];
        for (account, want) in cases {
            let got = s.account_problem(account);
            match (want, &got) {
                (None, None) => {}
                (Some(w), Some(g)) if g.contains(w) => {}
                _ => panic!("{account:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn defaults_are_valid_and_bad_settings_are_refused() {
        PurchasingSettings::default().validate().unwrap();
        let s = PurchasingSettings { fiscal_year_start_month: 13, ..Default::default() };
        assert!(s.validate().is_err());
        let mut s = PurchasingSettings::default();
        s.thresholds.formal_bid = Cents(1);
        assert!(s.validate().unwrap_err().to_string().contains("formal-bid"));
        let s = PurchasingSettings { number_pattern: "{FY}".into(), ..Default::default() };
        assert!(s.validate().is_err());
    }
}
