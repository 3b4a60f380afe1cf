-- Requisition packets: a justification a requisition may carry (sole source,
-- emergency), and the agency's logo printed at the top of each packet.
ALTER TABLE requisitions ADD COLUMN justification TEXT;   -- JSON Justification

CREATE TABLE agency_logo (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    media_type TEXT NOT NULL,
    content    BLOB NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
