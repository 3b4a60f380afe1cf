//! Requisition numbers from a pattern such as `{FY}-{DEPT}-{SEQ:04}`, and the
//! fiscal year a date falls in. Pure: the store supplies the sequence.

use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};

/// What a number is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberContext<'a> {
    pub date: NaiveDate,
    /// First month (1-12) of the fiscal year.
    pub fiscal_year_start_month: u32,
    pub department: &'a str,
}

/// The fiscal year `date` falls in, named by the calendar year it ends in
/// (a year starting 1 July 2026 is fiscal 2027). A January start makes it the
/// calendar year.
pub fn fiscal_year(date: NaiveDate, start_month: u32) -> i32 {
    if start_month <= 1 || date.month() < start_month {
        date.year()
    } else {
        date.year() + 1
    }
}

enum Token {
    Text(String),
    FiscalYear,
    FiscalYear2,
    Year,
    Month,
    Department,
    Sequence(usize),
}

fn parse(pattern: &str) -> Result<Vec<Token>> {
    let bad = |why: String| {
        Error::Invalid(format!(
            "The numbering pattern '{pattern}' {why}. Use tokens such as {{FY}}, {{DEPT}} and {{SEQ:04}}."
        ))
    };
    let mut tokens = Vec::new();
    let mut rest = pattern;
    let mut sequences = 0;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            tokens.push(Token::Text(rest[..open].to_owned()));
        }
        let close = rest[open..].find('}').ok_or_else(|| bad("has a '{' that is never closed".into()))? + open;
        let name = &rest[open + 1..close];
        tokens.push(match name {
            "FY" => Token::FiscalYear,
            "FY2" => Token::FiscalYear2,
            "YYYY" => Token::Year,
            "MM" => Token::Month,
            "DEPT" => Token::Department,
            "SEQ" => Token::Sequence(1),
            _ => match name.strip_prefix("SEQ:") {
                Some(width) => Token::Sequence(
                    width
                        .parse()
                        .ok()
                        .filter(|w| (1..=9).contains(w))
                        .ok_or_else(|| bad(format!("has a sequence width '{width}' that is not 1 to 9")))?,
                ),
                None => return Err(bad(format!("has an unknown token {{{name}}}"))),
            },
        });
        if matches!(tokens.last(), Some(Token::Sequence(_))) {
            sequences += 1;
        }
        rest = &rest[close + 1..];
    }
    if rest.contains('}') {
        return Err(bad("has a '}' without a '{'".into()));
    }
    if !rest.is_empty() {
        tokens.push(Token::Text(rest.to_owned()));
    }
    if sequences != 1 {
        return Err(bad("must hold exactly one {SEQ} token, so that numbers never repeat".into()));
    }
    Ok(tokens)
}

/// Checks a pattern without rendering it.
pub fn validate(pattern: &str) -> Result<()> {
    parse(pattern).map(|_| ())
}

fn render_with(pattern: &str, ctx: &NumberContext, seq: Option<u64>) -> Result<String> {
    let fy = fiscal_year(ctx.date, ctx.fiscal_year_start_month);
    let dept: String = ctx.department.trim().to_uppercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let mut out = String::new();
    for token in parse(pattern)? {
        match token {
            Token::Text(t) => out.push_str(&t),
            Token::FiscalYear => out.push_str(&fy.to_string()),
            Token::FiscalYear2 => out.push_str(&format!("{:02}", fy.rem_euclid(100))),
            Token::Year => out.push_str(&ctx.date.year().to_string()),
            Token::Month => out.push_str(&format!("{:02}", ctx.date.month())),
            Token::Department => {
                if dept.is_empty() {
                    return Err(Error::Invalid(
                        "The numbering pattern uses the department: give the requisition a department first.".into(),
                    ));
                }
                out.push_str(&dept)
            }
            Token::Sequence(width) => match seq {
                Some(n) => out.push_str(&format!("{n:0width$}")),
                None => out.push_str("{SEQ}"),
            },
        }
    }
    Ok(out)
}

/// The scope a sequence counts in: the number with its sequence left out, so
/// each fiscal year and department starts again at one.
pub fn scope(pattern: &str, ctx: &NumberContext) -> Result<String> {
    render_with(pattern, ctx, None)
}

/// The number for sequence `seq`.
pub fn render(pattern: &str, ctx: &NumberContext, seq: u64) -> Result<String> {
    render_with(pattern, ctx, Some(seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn fiscal_years_by_start_month() {
        let cases = [
            ("2026-06-30", 7, 2026),
            ("2026-07-01", 7, 2027),
            ("2026-11-22", 10, 2027),
            ("2026-09-30", 10, 2026),
            ("2026-11-22", 1, 2026),
            ("2026-01-01", 1, 2026),
        ];
        for (date, start, want) in cases {
            assert_eq!(fiscal_year(d(date), start), want, "{date} with FY starting in month {start}");
        }
    }

    #[test]
    fn renders_tokens() {
        let ctx = NumberContext { date: d("2026-11-22"), fiscal_year_start_month: 10, department: " pw " };
        let cases = [
            ("{FY}-{DEPT}-{SEQ:04}", 7, "2027-PW-0007"),
            ("REQ{FY2}{SEQ:5}", 42, "REQ2700042"),
            ("{YYYY}/{MM}/{SEQ}", 12345, "2026/11/12345"),
            ("EM-{DEPT}-{FY}-{SEQ:03}", 1, "EM-PW-2027-001"),
        ];
        for (pattern, seq, want) in cases {
            assert_eq!(render(pattern, &ctx, seq).unwrap(), want, "{pattern}");
        }
        assert_eq!(scope("{FY}-{DEPT}-{SEQ:04}", &ctx).unwrap(), "2027-PW-{SEQ}");
    }

    #[test]
    fn bad_patterns_say_why() {
        let cases = [
            ("{FY}-{DEPT}", "exactly one {SEQ}"),
            ("{SEQ}-{SEQ}", "exactly one {SEQ}"),
            ("{FY-{SEQ}", "unknown token"),
            ("{FY}-{SEQ", "never closed"),
            ("{NAME}-{SEQ}", "unknown token {NAME}"),
            ("{SEQ:0}", "width '0'"),
            ("{SEQ}}", "without a '{'"),
        ];
        for (pattern, why) in cases {
            let err = validate(pattern).unwrap_err().to_string();
            assert!(err.contains(why), "{pattern}: {err}");
        }
    }

    #[test]
    fn department_is_needed_only_when_the_pattern_uses_it() {
        let ctx = NumberContext { date: d("2026-11-22"), fiscal_year_start_month: 7, department: "" };
        assert!(render("{FY}-{DEPT}-{SEQ}", &ctx, 1).is_err());
        assert_eq!(render("{FY}-{SEQ:3}", &ctx, 1).unwrap(), "2027-001");
    }
}
