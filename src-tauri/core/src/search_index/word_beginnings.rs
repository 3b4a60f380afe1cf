//! A token filter that turns each word into its beginnings: the first 2, 3,
//! … up to `longest` characters (a shorter word is its own only beginning).
//! The index's word-beginnings field is analysed with it, so the beginnings
//! are made on tantivy's indexing thread, beside the other fields' words,
//! instead of as text built for every item on the thread that stores it.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Turns each word into its beginnings of 2 to `longest` characters.
#[derive(Clone)]
pub(crate) struct WordBeginnings {
    pub longest: usize,
}

impl TokenFilter for WordBeginnings {
    type Tokenizer<T: Tokenizer> = WordBeginningsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordBeginningsFilter<T> {
        WordBeginningsFilter { tokenizer, longest: self.longest }
    }
}

#[derive(Clone)]
pub(crate) struct WordBeginningsFilter<T> {
    tokenizer: T,
    longest: usize,
}

impl<T: Tokenizer> Tokenizer for WordBeginningsFilter<T> {
    type TokenStream<'a> = WordBeginningsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordBeginningsStream {
            tail: self.tokenizer.token_stream(text),
            longest: self.longest,
            word: String::new(),
            ends: Vec::new(),
            next: 0,
            token: Token::default(),
        }
    }
}

pub(crate) struct WordBeginningsStream<T> {
    tail: T,
    longest: usize,
    /// The word whose beginnings are being given, and where they end.
    word: String,
    ends: Vec<usize>,
    next: usize,
    token: Token,
}

impl<T: TokenStream> TokenStream for WordBeginningsStream<T> {
    fn advance(&mut self) -> bool {
        if self.next == self.ends.len() {
            if !self.tail.advance() {
                return false;
            }
            let tail = self.tail.token();
            self.word.clone_from(&tail.text);
            self.token.offset_from = tail.offset_from;
            self.token.offset_to = tail.offset_to;
            self.token.position = tail.position;
            // A beginning of n characters ends where the (n+1)th starts, or
            // at the word's end; a word shorter than two is its own.
            let starts = self.word.char_indices().map(|(i, _)| i);
            let ends = starts.skip(2).chain([self.word.len()]);
            self.ends.clear();
            self.ends.extend(ends.take(self.longest.saturating_sub(1).max(1)));
            self.next = 0;
        }
        let end = self.ends[self.next];
        self.next += 1;
        self.token.text.clear();
        self.token.text.push_str(&self.word[..end]);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

    fn beginnings(longest: usize, text: &str) -> Vec<String> {
        let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(WordBeginnings { longest })
            .build();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn each_word_gives_its_first_two_to_longest_characters() {
        assert_eq!(beginnings(3, "Generator 7500W"), ["ge", "gen", "75", "750"]);
        assert_eq!(beginnings(5, "Generator"), ["ge", "gen", "gene", "gener"]);
    }

    #[test]
    fn a_short_word_is_its_own_beginning() {
        assert_eq!(beginnings(3, "a LED ups"), ["a", "le", "led", "up", "ups"]);
        assert_eq!(beginnings(3, "to"), ["to"]);
    }

    #[test]
    fn beginnings_end_between_characters() {
        assert_eq!(beginnings(3, "éclair"), ["éc", "écl"]);
    }
}
