//! `coopdesk agency ...`: the agency profile from the command line.

use crate::{print_json, stdout_error};
use clap::Subcommand;
use coopdesk_core::agency::{Addendum, AgencyProfile, Membership};
use coopdesk_core::model::{Address, EntityType};
use coopdesk_core::{Error, Result, Store};
use std::io::Write;

#[derive(Subcommand, Debug)]
pub enum AgencyAction {
    /// Show the profile.
    Show {},
    /// Create or replace the profile's identity and address (memberships and
    /// addenda already on file are kept).
    Set {
        #[arg(long)]
        name: String,
        /// city, county, school_district, special_district, higher_education,
        /// state_agency, tribal or nonprofit.
        #[arg(long = "type", value_name = "KIND")]
        entity_type: EntityType,
        /// Two-letter state code.
        #[arg(long)]
        state: String,
        #[arg(long)]
        zip: String,
        #[arg(long, default_value = "")]
        street: String,
        #[arg(long, default_value = "")]
        city: String,
        /// The agency's state does not allow using single-award cooperative contracts.
        #[arg(long)]
        single_award_prohibited: bool,
    },
    /// Set the logo printed on packets (a PNG or JPEG file), or --remove it.
    Logo {
        file: Option<std::path::PathBuf>,
        #[arg(long, conflicts_with = "file")]
        remove: bool,
    },
    /// Record a membership agreement with a cooperative.
    AddMembership {
        cooperative_id: String,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
        signed: chrono::NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
        expires: Option<chrono::NaiveDate>,
    },
    /// Record a participating addendum for a contract in a state.
    AddAddendum {
        contract_id: String,
        #[arg(long)]
        state: String,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
        signed: chrono::NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::values::date)]
        expires: Option<chrono::NaiveDate>,
    },
}

fn existing(store: &Store) -> Result<AgencyProfile> {
    store.agency_profile()?.ok_or_else(|| Error::Invalid("Set up the agency first with `coopdesk agency set`.".into()))
}

pub fn run(store: &mut Store, action: &AgencyAction, json: bool, out: &mut dyn Write) -> Result<()> {
    match action {
        AgencyAction::Show {} => {
            let profile = store.agency_profile()?;
            if json {
                return print_json(out, &profile);
            }
            let Some(p) = profile else {
                return writeln!(out, "No agency profile yet. Set one with `coopdesk agency set`.")
                    .map_err(stdout_error);
            };
            let a = &p.address;
            let mut text =
                format!("{} ({})\n{}, {}, {} {}\n", p.name, p.entity_type.label(), a.street, a.city, a.state, a.zip);
            for m in &p.memberships {
                text += &format!("Membership: {} signed {}\n", m.cooperative_id, m.signed_on);
            }
            for ad in &p.addenda {
                text +=
                    &format!("Participating addendum: {} in {} signed {}\n", ad.contract_id, ad.state, ad.signed_on);
            }
            out.write_all(text.as_bytes()).map_err(stdout_error)
        }
        AgencyAction::Set { name, entity_type, state, zip, street, city, single_award_prohibited } => {
            let previous = store.agency_profile()?;
            let profile = AgencyProfile {
                name: name.clone(),
                entity_type: *entity_type,
                address: Address {
                    street: street.clone(),
                    city: city.clone(),
                    state: state.to_uppercase(),
                    zip: zip.clone(),
                },
                memberships: previous.as_ref().map(|p| p.memberships.clone()).unwrap_or_default(),
                addenda: previous.map(|p| p.addenda).unwrap_or_default(),
                single_award_prohibited: *single_award_prohibited,
            };
            store.set_agency_profile(&profile)?;
            writeln!(out, "Saved the profile of {}.", profile.name).map_err(stdout_error)
        }
        AgencyAction::Logo { file, remove } => {
            if *remove || file.is_none() {
                store.set_agency_logo(None)?;
                return writeln!(out, "Removed the logo.").map_err(stdout_error);
            }
            let path = file.as_ref().expect("checked above");
            let bytes = std::fs::read(path)
                .map_err(|e| Error::io(path.display().to_string(), std::io::Error::other(e.to_string())))?;
            store.set_agency_logo(Some(&coopdesk_core::agency::Logo::from_bytes(bytes)?))?;
            writeln!(out, "Saved the logo from {}.", path.display()).map_err(stdout_error)
        }
        AgencyAction::AddMembership { cooperative_id, signed, expires } => {
            let mut p = existing(store)?;
            p.memberships.retain(|m| &m.cooperative_id != cooperative_id);
            p.memberships.push(Membership {
                cooperative_id: cooperative_id.clone(),
                signed_on: *signed,
                expires_on: *expires,
            });
            store.set_agency_profile(&p)?;
            writeln!(out, "Recorded the membership with {cooperative_id}.").map_err(stdout_error)
        }
        AgencyAction::AddAddendum { contract_id, state, signed, expires } => {
            let mut p = existing(store)?;
            let state = state.to_uppercase();
            p.addenda.retain(|a| !(&a.contract_id == contract_id && a.state == state));
            p.addenda.push(Addendum {
                contract_id: contract_id.clone(),
                state: state.clone(),
                signed_on: *signed,
                expires_on: *expires,
            });
            store.set_agency_profile(&p)?;
            writeln!(out, "Recorded the participating addendum for {contract_id} in {state}.").map_err(stdout_error)
        }
    }
}
