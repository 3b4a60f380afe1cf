//! The publisher's side of coopdesk feeds. For now: the synthetic catalogue
//! generator behind the bundled sample feed and the benchmarks.

pub mod synth;
