//! The sizes a benchmark measures, shared by the benchmarks that take a list.

/// The variable's comma-separated list of sizes, or `default`.
pub fn sizes(var: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(var)
        .ok()
        .map(|v| {
            v.split(',').map(|n| n.trim().parse().unwrap_or_else(|_| panic!("{var}: '{n}' is not a size"))).collect()
        })
        .unwrap_or_else(|| default.to_vec())
}
