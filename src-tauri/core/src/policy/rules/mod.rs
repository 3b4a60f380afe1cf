//! The policy's rules, one file each. Each adds its findings for the
//! requisition in [`Ctx`](super::Ctx); none reads anything but what the context
//! holds, so each is a pure function that tests can feed data.

pub(super) mod approval;
pub(super) mod contracts;
pub(super) mod emergency;
pub(super) mod header;
pub(super) mod lines;
pub(super) mod split;
pub(super) mod thresholds;
