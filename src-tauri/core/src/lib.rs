//! coopdesk's domain core: everything the app does, with no GUI in it.
//!
//! - [`agency`]: the agency's profile, memberships and addenda.
//! - `bindings` (feature `ts`): the window's TypeScript types, generated.
//! - [`audit`]: the tamper-evident history of every audited change (a leaf).
//! - [`clock`]: the one clock the store reads.
//! - [`digest`]: SHA-256 as hex, how content is named.
//! - [`documents`]: contract documents kept for offline use.
//! - [`first_run`]: a new office's walkthrough and the sample's removal.
//! - [`eligibility`]: may this agency use this contract, and why (pure).
//! - [`emergency`]: incidents, emergency purchasing, vendor sheet, FEMA packet.
//! - [`import`]: vendor price files brought in as local contracts.
//! - [`model`]: cooperatives, contracts, suppliers, dealers, items.
//! - [`record`]: the NDJSON record format that feeds and the sample carry.
//! - [`store`]: the SQLite database, its migrations, and applying records.
//! - [`search`]: full-text catalogue search.
//! - [`feed`]: the signed feed manifest and its verification.
//! - [`sync`]: fetching, verifying and applying a followed feed.
//! - [`orders`]: requisitions, their evidence, lifecycle and history.
//! - [`packet`]: the printable requisition packet (PDF).
//! - [`policy`]: the purchasing policy checked against a requisition (pure).
//! - [`reports`]: spend and savings for the board.
//! - [`sample`]: the bundled sample catalogue.
//! - [`geo`]: ZIP code centroids and distances, offline.
//! - [`history`]: the kinds of subject the audit trail covers, verified together.
//! - [`history_words`]: a history entry in words, its internals set apart.
//! - [`paths`]: where the database lives.
//!
//! The Tauri shell and the command line are thin layers over this crate.

pub mod agency;
pub mod audit;
#[cfg(feature = "ts")]
pub mod bindings;
pub mod clock;
pub mod digest;
pub mod documents;
pub mod eligibility;
pub mod emergency;
pub mod error;
pub mod feed;
pub mod first_run;
pub mod geo;
pub mod history;
pub mod history_words;
pub mod import;
pub mod model;
pub mod money;
pub mod office;
pub mod orders;
pub mod packet;
pub mod paths;
pub mod policy;
pub mod record;
pub mod reports;
pub mod sample;
pub mod search;
mod search_index;
pub mod store;
pub mod sync;
mod text_form;
pub mod updates;

pub use error::{Error, Result};
pub use money::Cents;
pub use store::Store;
