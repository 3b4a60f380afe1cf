//! The one error shape that crosses into the UI: a stable `code` to branch on
//! and a `message` written for the clerk. Never a Rust debug string.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
}

impl From<coopdesk_core::Error> for IpcError {
    fn from(e: coopdesk_core::Error) -> Self {
        IpcError { code: e.code(), message: e.to_string() }
    }
}

impl IpcError {
    pub fn internal(what: &str) -> IpcError {
        IpcError {
            code: "internal",
            message: format!("coopdesk could not finish {what}. Try again; if it keeps failing, restart coopdesk."),
        }
    }
}
