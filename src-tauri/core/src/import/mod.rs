//! Bringing contract data in from outside the feeds. Imported records are
//! local: they belong to the `local` feed, which no sync ever replaces.
//!
//! - [`table`]: reading CSV and XLSX files into rows of text.
//! - [`prices`]: vendor price files: header detection, column mapping,
//!   parsing with reasons for every row refused, preview and import.

pub mod prices;
pub mod table;

/// The feed that owns what a clerk imports.
pub const LOCAL_FEED: &str = "local";
