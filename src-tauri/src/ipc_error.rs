//! The one error shape that crosses into the UI: the core's `ErrorReply`, a
//! stable `code` to branch on and a `message` written for the clerk. Never a
//! Rust debug string.

pub use coopdesk_core::error::ErrorReply as IpcError;
