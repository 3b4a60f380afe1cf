//! Integration tests of the core against real SQLite files in temporary
//! directories. One module per area.

// Applying record files: all or nothing, refusals leave the store untouched.
mod apply;
// Every import path holds the model's bounds, and one that reads nothing fails.
mod bounds;
// Contract documents kept for offline use.
mod documents;
// Emergency purchasing: incidents, gaps, tally, vendor sheet, FEMA packet.
mod emergency;
// Vendor price files (CSV, XLSX) imported as local contracts.
mod imports;
// Vendors' invoices checked against the order, held, acknowledged, approved.
mod invoices;
// The savings report and the board report's PDF.
mod reports;
// OCDS merging against the reference fixtures and real data.
mod ocds_merge;
// OCDS publications imported: mapping, messy input, one transaction.
mod ocds_import;
// Search filters, sorts, eligibility on hits, and contract detail.
mod filters;
// Shared builders for record files and stores.
mod fixture;
// Requisition packets read back with pdftotext.
mod packets;
// Requisitions: building, policy, lifecycle, evidence, history, backup.
mod requisitions;
// The bundled sample catalogue.
mod sample;
// Full-text search over the catalogue.
mod search;
// A database written by an earlier release opens, migrates and verifies.
mod upgrade;
