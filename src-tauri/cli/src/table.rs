//! Plain-text tables for the terminal: columns padded to their widest cell,
//! long cells cut with an ellipsis so a row fits a terminal line.

use std::io::{self, Write};

const MAX_CELL: usize = 42;

fn cut(cell: &str) -> String {
    if cell.chars().count() <= MAX_CELL {
        cell.to_owned()
    } else {
        let mut s: String = cell.chars().take(MAX_CELL - 1).collect();
        s.push('…');
        s
    }
}

/// Writes `rows` under `headers`; columns listed in `right` are right-aligned
/// (amounts line up on the decimal point).
pub fn write(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>], right: &[usize]) -> io::Result<()> {
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| cut(c)).collect()).collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| cells.iter().map(|r| r[i].chars().count()).chain([headers[i].chars().count()]).max().unwrap_or(0))
        .collect();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i] - c.chars().count());
                if right.contains(&i) {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let header_cells: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    writeln!(out, "{}", line(&header_cells))?;
    writeln!(out, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "))?;
    for r in &cells {
        writeln!(out, "{}", line(r))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn pads_and_aligns() {
        let mut out = Vec::new();
        let rows = vec![vec!["Battery".to_owned(), "$1.00".to_owned()], vec!["UPS".to_owned(), "$100.00".to_owned()]];
        super::write(&mut out, &["Item", "Price"], &rows, &[1]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "Item       Price\n-------  -------\nBattery    $1.00\nUPS      $100.00\n");
    }

    #[test]
    fn long_cells_are_cut() {
        assert_eq!(super::cut(&"x".repeat(100)).chars().count(), super::MAX_CELL);
    }
}
