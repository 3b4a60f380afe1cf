-- The marketplace feeds this agency follows: where each is published, the
-- public keys pinned for it, and how its last sync went. The records a feed
-- delivered live in the catalogue tables under the same id.
CREATE TABLE feed_subscriptions (
    id                  TEXT PRIMARY KEY,
    url                 TEXT NOT NULL,       -- the manifest's URL
    public_keys         TEXT NOT NULL,       -- JSON array of minisign public keys (base64)
    etag                TEXT,                -- of the last manifest fetched
    manifest_expires_at TEXT,
    last_attempt_at     TEXT,
    last_success_at     TEXT,
    last_error          TEXT,
    last_error_code     TEXT,
    key_rotated_at      TEXT,
    added_at            TEXT NOT NULL
) STRICT;
