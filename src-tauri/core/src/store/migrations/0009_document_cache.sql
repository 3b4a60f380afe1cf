-- Contract documents kept for offline use, by content hash: a copy is
-- stored only when its bytes match the hash the feed published.
CREATE TABLE document_cache (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    content    BLOB NOT NULL,
    source_url TEXT NOT NULL,
    fetched_at TEXT NOT NULL
) STRICT;
