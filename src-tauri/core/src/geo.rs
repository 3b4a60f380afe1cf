//! Offline distances: US ZIP code centroids (from `assets/zip-centroids`,
//! compiled in) and great-circle distance in miles. Good for "which dealer
//! is nearest", not for driving directions.

use flate2::read::GzDecoder;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::sync::OnceLock;

const ZIP_TABLE_GZ: &[u8] = include_bytes!("../../../assets/zip-centroids/zip-centroids.csv.gz");
const EARTH_RADIUS_MILES: f64 = 3958.8;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
}

fn table() -> &'static HashMap<u32, Point> {
    static TABLE: OnceLock<HashMap<u32, Point>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::with_capacity(43_000);
        for line in BufReader::new(GzDecoder::new(ZIP_TABLE_GZ)).lines().skip(1) {
            let line = line.expect("the bundled ZIP table is valid gzip");
            let mut f = line.split(',');
            let (Some(zip), Some(_state), Some(lat), Some(lon)) = (f.next(), f.next(), f.next(), f.next()) else {
                continue;
            };
            if let (Ok(zip), Ok(latitude), Ok(longitude)) = (zip.parse(), lat.parse(), lon.parse()) {
                map.insert(zip, Point { latitude, longitude });
            }
        }
        map
    })
}

/// The centroid of a US ZIP code: five digits, or ZIP+4 ("32301-1234").
pub fn zip_centroid(zip: &str) -> Option<Point> {
    let five = zip.trim().get(..5)?;
    if !five.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    table().get(&five.parse().ok()?).copied()
}

/// Great-circle distance between two points, in miles (haversine).
pub fn miles_between(a: Point, b: Point) -> f64 {
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.longitude - a.longitude).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_MILES * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_zip_codes_with_or_without_plus_four() {
        assert!(zip_centroid("32301").is_some());
        assert_eq!(zip_centroid("32301-1234"), zip_centroid("32301"));
        assert!(zip_centroid("00000").is_none());
        assert!(zip_centroid("3230").is_none());
        assert!(zip_centroid("ABCDE").is_none());
        assert!(table().len() > 40_000);
    }

    #[test]
    fn distances_match_known_city_pairs() {
        // Straight-line distances between city centres, within a few miles.
        let rows = [("33130", "33602", 205.0), ("32301", "32202", 163.0), ("70112", "39530", 72.0)];
        for (a, b, want) in rows {
            let d = miles_between(zip_centroid(a).unwrap(), zip_centroid(b).unwrap());
            assert!((d - want).abs() < 8.0, "{a}-{b}: {d:.1} miles, want about {want}");
        }
        let p = zip_centroid("32301").unwrap();
        assert!(miles_between(p, p) < 1e-9);
    }
}
