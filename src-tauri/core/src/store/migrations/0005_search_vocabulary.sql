-- The search index's vocabulary with document counts, so a search that finds
-- nothing can suggest the nearest words the catalogue does contain.
CREATE VIRTUAL TABLE item_fts_vocab USING fts5vocab(item_fts, row);
