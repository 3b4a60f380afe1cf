//! Money as integer cents. Prices never pass through floating point, so totals
//! on a requisition add up to the cent the way an auditor adds them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in US cents. Negative amounts are representable (credits), but
/// catalogue prices are validated to be non-negative when they enter the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// Whole dollars, for thresholds and limits.
    pub const fn dollars(d: i64) -> Cents {
        Cents(d * 100)
    }

    /// Saving of `contract` against `list`, in basis points (1/100 of a percent),
    /// rounded half away from zero. `None` when the list price is zero, where a
    /// percentage means nothing.
    pub fn saving_bps(list: Cents, contract: Cents) -> Option<i64> {
        if list.0 <= 0 {
            return None;
        }
        let num = (list.0 - contract.0) as i128 * 10_000;
        let den = list.0 as i128;
        let q = num / den;
        let r = num % den;
        let rounded = if r.abs() * 2 >= den { q + num.signum() } else { q };
        Some(rounded as i64)
    }

    /// Parses "1234.5", "$1,234.50" or "1234" into cents. Rejects more than two
    /// decimals rather than rounding silently: a price file that says 0.125 is
    /// a price the clerk must look at.
    pub fn parse(text: &str) -> Option<Cents> {
        let t = text.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let t = t.strip_prefix('$').unwrap_or(t).replace(',', "");
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t.as_str(), ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return None;
        }
        if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
            return None;
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            _ => frac.parse().ok()?,
        };
        let cents = whole.checked_mul(100)?.checked_add(frac)?;
        Some(Cents(if neg { -cents } else { cents }))
    }
}

impl Cents {
    /// A plain decimal number ("98.74055415617129", as a spreadsheet
    /// computed it) rounded to the cent, half away from zero, on its
    /// decimal digits rather than its binary value; and whether anything
    /// beyond the cent was dropped.
    pub fn rounded(text: &str) -> Option<(Cents, bool)> {
        let t = text.trim();
        let (neg, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty() || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digit = |i: usize| frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        let up = digit(2) >= 5;
        let cents =
            whole.parse::<i64>().ok()?.checked_mul(100)?.checked_add(digit(0) * 10 + digit(1) + i64::from(up))?;
        let dropped = frac.len() > 2 && frac[2..].bytes().any(|b| b != b'0');
        Some((Cents(if neg { -cents } else { cents }), dropped))
    }
}

impl Cents {
    /// "1234.56": plain decimal for spreadsheets and machine-readable files.
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Cents {
    /// "$1,234.56" in US dollars, "1,234.56 GBP" in any other currency.
    pub fn in_currency(self, currency: Currency) -> String {
        if currency == Currency::USD {
            return self.to_string();
        }
        let text = self.to_string().replacen('$', "", 1);
        format!("{text} {currency}")
    }
}

impl fmt::Display for Cents {
    /// "$1,234.56", the way a price appears on a requisition.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let dollars = (abs / 100).to_string();
        let mut grouped = String::with_capacity(dollars.len() + dollars.len() / 3);
        for (i, ch) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}${grouped}.{:02}", abs % 100)
    }
}

/// Formats basis points as a percentage with one decimal: 3125 -> "31.3%".
pub fn format_bps(bps: i64) -> String {
    let tenths = (bps + 5 * bps.signum()) / 10;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.abs();
    format!("{sign}{}.{}%", t / 10, t % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computed_prices_round_to_the_cent_half_away_from_zero() {
        assert_eq!(Cents::rounded("98.74055415617129"), Some((Cents(9_874), true)));
        assert_eq!(Cents::rounded("130.125"), Some((Cents(13_013), true)), "half a cent goes up");
        assert_eq!(Cents::rounded("-130.125"), Some((Cents(-13_013), true)), "and away from zero");
        assert_eq!(Cents::rounded("99.995"), Some((Cents(10_000), true)));
        assert_eq!(Cents::rounded("125.4"), Some((Cents(12_540), false)));
        assert_eq!(Cents::rounded("125.4000"), Some((Cents(12_540), false)), "zeros are not rounding");
        assert_eq!(Cents::rounded("125"), Some((Cents(12_500), false)));
        for bad in ["", "call", "1e5", "$5", ".5", "1.2.3", "99999999999999999999"] {
            assert_eq!(Cents::rounded(bad), None, "{bad}");
        }
    }

    #[test]
    fn currency_codes_are_three_capitals_and_read_back_as_written() {
        let gbp: Currency = "GBP".parse().unwrap();
        assert_eq!((gbp.as_str(), gbp.to_string()), ("GBP", "GBP".to_owned()));
        assert_eq!(serde_json::to_string(&gbp).unwrap(), "\"GBP\"");
        assert_eq!(serde_json::from_str::<Currency>("\"PYG\"").unwrap(), "PYG");
        for bad in ["usd", "US", "USDX", "U$D", ""] {
            assert!(bad.parse::<Currency>().unwrap_err().contains("three-letter"), "{bad}");
            assert!(serde_json::from_str::<Currency>(&format!("\"{bad}\"")).is_err(), "{bad}");
        }
        assert_eq!(Cents(123_456).in_currency(Currency::USD), "$1,234.56");
        assert_eq!(Cents(123_456).in_currency(gbp), "1,234.56 GBP");
    }

    #[test]
    fn displays_with_grouping() {
        assert_eq!(Cents(0).to_string(), "$0.00");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(123456).to_string(), "$1,234.56");
        assert_eq!(Cents(100000000).to_string(), "$1,000,000.00");
        assert_eq!(Cents(-250).to_string(), "-$2.50");
        assert_eq!((Cents(123456).decimal(), Cents(-5).decimal()), ("1234.56".into(), "-0.05".into()));
    }

    #[test]
    fn parses_clerk_and_file_formats() {
        let cases = [
            ("12", Some(1200)),
            ("12.5", Some(1250)),
            ("$1,234.56", Some(123456)),
            (" 0.99 ", Some(99)),
            (".5", Some(50)),
            ("-3.00", Some(-300)),
            ("1.234", None),
            ("abc", None),
            ("", None),
            ("$", None),
            ("1.2.3", None),
        ];
        for (text, want) in cases {
            assert_eq!(Cents::parse(text).map(|c| c.0), want, "{text:?}");
        }
    }

    #[test]
    fn saving_is_rounded_basis_points() {
        assert_eq!(Cents::saving_bps(Cents(10000), Cents(7000)), Some(3000));
        assert_eq!(Cents::saving_bps(Cents(300), Cents(200)), Some(3333));
        assert_eq!(Cents::saving_bps(Cents(3), Cents(1)), Some(6667));
        assert_eq!(Cents::saving_bps(Cents(100), Cents(120)), Some(-2000));
        assert_eq!(Cents::saving_bps(Cents(0), Cents(0)), None);
        assert_eq!(format_bps(3125), "31.3%");
        assert_eq!(format_bps(-2000), "-20.0%");
        assert_eq!(format_bps(0), "0.0%");
    }
}

/// An ISO 4217 currency code: three capital letters. Prices keep the
/// currency they were published in; requisitions are in [`Currency::USD`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Currency([u8; 3]);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("three ASCII capitals")
    }
}

impl std::str::FromStr for Currency {
    type Err = String;

    /// Exactly three capital letters ("usd" is refused: a code is written as published).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(format!("'{text}' is not a three-letter currency code")),
        }
    }
}

crate::text_form::stored_as_text!(Currency);

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl PartialEq<&str> for Currency {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
