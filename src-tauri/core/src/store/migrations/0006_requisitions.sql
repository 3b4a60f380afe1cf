-- Requisitions: what a clerk orders, with the evidence of what the
-- catalogue said at the time, the attachments, the acknowledgements of policy
-- warnings, and one tamper-evident history for all of them.

-- Numbering, account string, thresholds and approvers: one row of JSON,
-- always read whole, like the agency profile.
CREATE TABLE purchasing_settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    settings   TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- The last sequence number used per numbering scope (the number with its
-- sequence left out, e.g. "2027-PW-"), so each year and department counts
-- from one.
CREATE TABLE requisition_sequences (
    scope TEXT PRIMARY KEY,
    last  INTEGER NOT NULL
) STRICT;

-- Requisitions are never deleted: a mistaken one is cancelled, and the
-- history keeps pointing at it.
CREATE TABLE requisitions (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    fiscal_year     INTEGER NOT NULL,
    department      TEXT NOT NULL,
    requester       TEXT NOT NULL,
    requester_phone TEXT NOT NULL,
    deliver_to      TEXT NOT NULL,
    date_needed     TEXT,             -- ISO date
    supplier_id     TEXT,             -- no foreign key: the supplier may leave the catalogue
    vendor          TEXT,             -- JSON vendor block, copied from the supplier record
    purpose         TEXT NOT NULL,
    notes           TEXT NOT NULL,
    po_number       TEXT,
    approved_by     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    submitted_at    TEXT,
    approved_at     TEXT,
    ordered_at      TEXT,
    closed_at       TEXT
) STRICT;
CREATE INDEX requisitions_status ON requisitions(status);
CREATE INDEX requisitions_supplier ON requisitions(supplier_id, department);

CREATE TABLE requisition_lines (
    id                INTEGER PRIMARY KEY,
    requisition_id    INTEGER NOT NULL REFERENCES requisitions(id),
    position          INTEGER NOT NULL,
    item_id           TEXT,             -- NULL for an off-contract line
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    received          INTEGER NOT NULL DEFAULT 0,
    unit              TEXT NOT NULL,
    description       TEXT NOT NULL,
    supplier_sku      TEXT NOT NULL,
    manufacturer_part TEXT NOT NULL,
    unit_cents        INTEGER NOT NULL CHECK (unit_cents >= 0),
    account           TEXT NOT NULL,
    tax_exempt        INTEGER NOT NULL,
    vendor            TEXT,             -- off-contract lines: who quoted it
    evidence          TEXT,             -- JSON Evidence, catalogue lines only
    UNIQUE (requisition_id, position)
) STRICT;

-- Attachment bytes, stored once per content hash however often attached.
CREATE TABLE attachment_blobs (
    sha256  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
) STRICT;

CREATE TABLE requisition_attachments (
    id             INTEGER PRIMARY KEY,
    requisition_id INTEGER NOT NULL REFERENCES requisitions(id),
    sha256         TEXT NOT NULL REFERENCES attachment_blobs(sha256),
    file_name      TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    kind           TEXT NOT NULL,
    vendor         TEXT,
    amount_cents   INTEGER,
    quoted_on      TEXT,
    note           TEXT NOT NULL,
    added_at       TEXT NOT NULL,
    UNIQUE (requisition_id, sha256)
) STRICT;

-- A policy warning the clerk has read and accepted, with who and why.
CREATE TABLE requisition_acks (
    requisition_id INTEGER NOT NULL REFERENCES requisitions(id),
    finding_key    TEXT NOT NULL,
    message        TEXT NOT NULL,
    by             TEXT NOT NULL,
    note           TEXT NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (requisition_id, finding_key)
) STRICT;

-- One hash chain over every change to every requisition. Each entry holds
-- the hash of the one before and a hash of the requisition's state after the
-- change, so an edit made behind the app's back, to the history or to the
-- requisition itself, no longer matches.
CREATE TABLE requisition_history (
    seq            INTEGER PRIMARY KEY,
    requisition_id INTEGER NOT NULL,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    detail         TEXT NOT NULL,   -- JSON
    state_hash     TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
) STRICT;
CREATE INDEX requisition_history_req ON requisition_history(requisition_id, seq);
