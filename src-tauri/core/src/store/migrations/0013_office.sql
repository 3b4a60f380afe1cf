-- The office: this laptop's membership of an office whose shared history
-- lives on a PostgreSQL server. Every shared change is an event signed by
-- its author; this file keeps every event this laptop has verified or
-- written, in the server's order once the server has it.

-- At most one office per database.
CREATE TABLE office (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    office_id     TEXT NOT NULL,      -- the office's id, in every event
    name          TEXT NOT NULL,
    url           TEXT NOT NULL,      -- postgresql:// address, without a password
    person_key    TEXT NOT NULL,      -- this person's public key (minisign, base64)
    device        TEXT NOT NULL,      -- this laptop's id, the chain its events form
    joined_at     TEXT NOT NULL,
    -- The last event pulled from the server, by its place there and its id:
    -- a server whose row at that place is gone or different was changed or
    -- restored from an older copy.
    pulled_seq    INTEGER NOT NULL DEFAULT 0,
    pulled_id     TEXT,
    -- A hash over every verified event in the server's order: two laptops
    -- with the same head hold the same history.
    head          TEXT NOT NULL DEFAULT '',
    last_contact  TEXT,               -- when the server last answered
    problem       TEXT                -- what the last sync refused, if anything
) STRICT;

CREATE TABLE office_events (
    id          TEXT PRIMARY KEY,     -- SHA-256 of the envelope, hex
    server_seq  INTEGER UNIQUE,       -- NULL while it waits to be sent
    device      TEXT NOT NULL,
    device_seq  INTEGER NOT NULL,
    author      TEXT NOT NULL,        -- public key, base64
    envelope    TEXT NOT NULL,        -- the signed JSON, byte for byte
    signature   TEXT NOT NULL,        -- minisign signature of the envelope
    -- Why the change was not applied, for a genuine event whose author was
    -- not allowed to make it (removed, not an administrator); it still
    -- takes its place in its device's chain and in the history.
    refused     TEXT,
    UNIQUE (device, device_seq)
) STRICT;

-- The refused few, found without reading every event.
CREATE INDEX office_events_refused ON office_events (server_seq) WHERE refused IS NOT NULL;

-- Rows the server handed out that are not genuine events of this office
-- (altered, forged, out of their device's order): named, never applied.
CREATE TABLE office_rejects (
    server_seq  INTEGER PRIMARY KEY,
    id          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    seen_at     TEXT NOT NULL
) STRICT;

-- The roster as the verified events left it: derived, written with each
-- verified event in the same transaction.
CREATE TABLE office_people (
    person_key     TEXT PRIMARY KEY,
    fingerprint    TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    title          TEXT NOT NULL,
    roles          TEXT NOT NULL,     -- JSON array of role names
    approval_limit INTEGER,           -- cents; NULL when not an approver
    departments    TEXT NOT NULL,     -- JSON array; empty means every department
    active         INTEGER NOT NULL,
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL      -- the administrator's name
) STRICT;

-- Requisitions shared in the office, as the verified events left them:
-- derived, like the roster. The snapshot is the version shared last.
CREATE TABLE office_requisitions (
    origin       TEXT NOT NULL,       -- the device it was written on
    number       TEXT NOT NULL,       -- its number there
    owner_key    TEXT NOT NULL,       -- its requester's key
    version      TEXT NOT NULL,       -- hash of the version shared last
    status       TEXT NOT NULL,       -- submitted, approved, returned, ordered
    total_cents  INTEGER NOT NULL,
    department   TEXT NOT NULL,
    approvals    TEXT NOT NULL,       -- JSON array of approvers' keys, current version
    po_number    TEXT,
    requisition  TEXT NOT NULL,       -- the shared requisition, JSON
    shared_at    TEXT NOT NULL,
    decided_at   TEXT,
    decided_by   TEXT,                -- name of who decided last
    note         TEXT,                -- a return's note
    PRIMARY KEY (origin, number)
) STRICT;

-- Decisions on this laptop's own requisitions that arrived from the office
-- and are still to be written to the requisition itself (each in the same
-- transaction as its removal from here).
CREATE TABLE office_effects (
    event_id  TEXT PRIMARY KEY,
    number    TEXT NOT NULL,
    effect    TEXT NOT NULL           -- JSON: the decision, who, when
) STRICT;
