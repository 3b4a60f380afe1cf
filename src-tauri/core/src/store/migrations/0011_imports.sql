-- Contract data brought in from outside the feeds: OCDS publications and
-- vendor price files.

-- Where an imported contract came from (JSON Origin: ocid, source, kind, ...)
-- and the amendments published for it (JSON array, oldest first).
ALTER TABLE contracts ADD COLUMN origin TEXT;
ALTER TABLE contracts ADD COLUMN amendments TEXT NOT NULL DEFAULT '[]';

-- A supplier's office-hours contact person (JSON Contact).
ALTER TABLE suppliers ADD COLUMN contact TEXT;

-- Feeds price in US dollars; an OCDS publication may price in another
-- currency, which is kept rather than silently taken for dollars.
ALTER TABLE items ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';

-- The column mapping a clerk confirmed for a supplier's price files, so the
-- next file from the same supplier maps the same way.
CREATE TABLE price_mappings (
    supplier  TEXT PRIMARY KEY,   -- normalised supplier name
    mapping   TEXT NOT NULL,      -- JSON {field: header name}
    saved_at  TEXT NOT NULL
) STRICT;

-- One row per import, with its summary, for the clerk's record of what came
-- in from where.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('ocds', 'prices')),
    source      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    summary     TEXT NOT NULL     -- JSON
) STRICT;
