-- What a new office has been through (first_run.rs): when the welcome
-- walkthrough was finished or skipped, and when the fictional sample
-- catalog was removed, by the clerk or by the first sync of a real feed,
-- so that it never comes back on its own.
CREATE TABLE first_run (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    welcomed_at       TEXT,
    sample_removed_at TEXT
) STRICT;

