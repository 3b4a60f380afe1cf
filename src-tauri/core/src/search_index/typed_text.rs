//! What the clerk typed, as a query of the index: each word must match, in
//! any of the weighted fields, as typed, in its other number (singular or
//! plural), as a beginning (the clerk is usually still typing), or as a part
//! number without its punctuation.

use super::{compact, join_thousands, number_forms, prefix_query, words, Fields, MAX_TERMS, SHORT_PREFIX};
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Index, Term};

type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// The query for `text`, or `None` when it has nothing searchable.
pub(super) fn query(index: &Index, f: Fields, text: &str) -> Option<Box<dyn Query>> {
    let mut clauses: Clauses = Vec::new();
    let text = join_thousands(text);
    for raw in text.split_whitespace().take(MAX_TERMS) {
        let parts = words(index, raw);
        let any = match parts.as_slice() {
            [] => continue,
            [word] => one_word(f, word),
            _ => punctuated(f, raw, &parts),
        };
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
}

/// Column weights, as the catalog search has always had them.
fn weighted(f: Fields) -> [(Field, f32); 6] {
    [
        (f.description, 4.0),
        (f.parts, 6.0),
        (f.supplier, 2.0),
        (f.contract, 2.0),
        (f.cooperative, 1.0),
        (f.classification, 1.0),
    ]
}

fn term(field: Field, text: &str, option: IndexRecordOption) -> TermQuery {
    TermQuery::new(Term::from_field_text(field, text), option)
}

/// A beginning of a word in the description, part numbers or supplier:
/// short ones are terms of their own; longer ones expand to the few words
/// they begin.
fn beginning(f: Fields, field: Field, start: &str) -> Box<dyn Query> {
    if start.chars().count() <= SHORT_PREFIX {
        Box::new(term(f.prefixes, start, IndexRecordOption::WithFreqs))
    } else {
        prefix_query(field, start)
    }
}

/// One word: as typed, in its other number a little behind, as a beginning,
/// or the beginning of a part number typed without its dashes.
fn one_word(f: Fields, w: &str) -> Clauses {
    let mut any: Clauses = Vec::new();
    for (field, weight) in weighted(f) {
        let exact = term(field, w, IndexRecordOption::WithFreqs);
        any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(exact), weight))));
        // "generators" finds "generator" and the other way round.
        for form in number_forms(w) {
            let other = term(field, &form, IndexRecordOption::WithFreqs);
            any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(other), weight * 0.9))));
        }
    }
    if w.chars().count() <= SHORT_PREFIX {
        // One term for all three fields.
        let start = term(f.prefixes, w, IndexRecordOption::WithFreqs);
        any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(start), 0.5))));
    } else {
        for field in [f.description, f.parts, f.supplier] {
            any.push((Occur::Should, Box::new(ConstScoreQuery::new(prefix_query(field, w), 0.5))));
        }
    }
    // Every item has its own part number, so a short beginning would expand
    // to thousands.
    if w.len() >= 4 || w.chars().any(|c| c.is_ascii_digit()) {
        any.push((Occur::Should, Box::new(ConstScoreQuery::new(prefix_query(f.compact, w), 6.0))));
    }
    any
}

/// A word with punctuation, such as a part or contract number: its parts in
/// a row among the part numbers, all of them in any one field, or the whole
/// as one run in the compact part numbers.
fn punctuated(f: Fields, raw: &str, parts: &[String]) -> Clauses {
    let mut any: Clauses = Vec::new();
    let terms: Vec<Term> = parts.iter().map(|p| Term::from_field_text(f.parts, p)).collect();
    any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), 6.0))));
    let all_in = |field: Field, parts: &[String], option| -> Clauses {
        parts.iter().map(|p| (Occur::Must, Box::new(term(field, p, option)) as Box<dyn Query>)).collect()
    };
    for (field, weight) in weighted(f) {
        let all = BooleanQuery::new(all_in(field, parts, IndexRecordOption::WithFreqs));
        any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(all), weight))));
    }
    let run = prefix_query(f.compact, &compact(raw));
    any.push((Occur::Should, Box::new(ConstScoreQuery::new(run, 6.0))));
    // A hyphenated word still being typed ("hot-swappab"): its last part is a
    // beginning. Not for a part number's digits, whose exact lookup must stay
    // cheap.
    let (last, before) = parts.split_last().expect("two parts or more");
    if !last.chars().any(|c| c.is_ascii_digit()) {
        for field in [f.description, f.parts, f.supplier] {
            let mut all = all_in(field, before, IndexRecordOption::Basic);
            all.push((Occur::Must, beginning(f, field, last)));
            any.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(all)), 0.5))));
        }
    }
    any
}
