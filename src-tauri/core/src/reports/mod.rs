//! Reports for the board and the auditors, computed from the requisitions.
//!
//! - [`savings`]: spend and what cooperative buying saved, for a period.
//! - [`board`]: that report as the PDF a purchasing agent hands the board.

pub mod board;
pub mod savings;
