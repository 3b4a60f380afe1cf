//! Tests of the finished program: the `coopdesk` binary as a user runs it.

// The UI's generated types match the Rust types they come from.
mod bindings;
// The headless command line, run with no display.
mod cli;
// tauri-driver and a WebDriver session on the window (also used by the
// window benchmark).
mod driver;
// The window's commands: one list, all used, granted as a set.
mod commands;
// An emergency run headless: incident, purchase, vendor sheet, FEMA packet.
mod emergency;
// A misbehaving HTTP server: errors, stalls, cut and endless bodies.
mod fault_server;
// HTTPS with a certificate authority made at test time: trusted, and refused.
mod https;
// The office on a real PostgreSQL server: people, keys, signed events, tampering.
mod office;
// The generated lists of bundled components and their licenses.
mod licenses;
// The installed .deb: apt install, the window, headless, removal (ignored
// unless `scripts/package --check` runs it after building the packages).
mod package;
// A PostgreSQL server of the tests' own, in a temporary folder.
mod postgres;
// Requisitions scripted headless: draft to closed, exports, backup, tampering.
mod requisitions;
// Signed feeds: publishing, syncing, and every attack and fault refused.
mod sync;
// Shared helpers: temporary databases, running the binary.
mod util;
// The real app window, driven over WebDriver (needs Xvfb and tauri-driver;
// `scripts/test` provides both).
mod window;
