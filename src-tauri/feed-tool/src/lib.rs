//! The publisher's side of coopdesk feeds: signing keys, building a signed
//! feed directory (from record files, OCDS publications or price files),
//! verifying one, serving one over HTTP, the synthetic catalog behind
//! the bundled sample and the benchmarks; and releases of coopdesk itself
//! for its updater.

pub mod convert;
pub mod keys;
pub mod publish;
pub mod release;
pub mod serve;
pub mod synth;
