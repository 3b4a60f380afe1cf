-- Emergency purchasing: declared incidents, emergency requisitions under
-- them, and incident events in the same tamper-evident history.

CREATE TABLE incidents (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    declaration_number TEXT NOT NULL,
    declared_on        TEXT NOT NULL,     -- ISO date
    authority          TEXT NOT NULL,
    waiver_start       TEXT NOT NULL,
    waiver_end         TEXT NOT NULL,
    fema_disaster      TEXT,
    projects           TEXT NOT NULL,     -- JSON array of Project
    rules              TEXT NOT NULL,     -- JSON EmergencyRules
    active             INTEGER NOT NULL DEFAULT 0,
    closed_on          TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
) STRICT;
-- One incident at most is active.
CREATE UNIQUE INDEX incidents_one_active ON incidents(active) WHERE active = 1;

-- An emergency requisition: its incident, its authorisation number (issued
-- at creation so that buying can start before any approval), the FEMA
-- project it is charged to, and the emergency documentation.
ALTER TABLE requisitions ADD COLUMN emergency TEXT;   -- JSON EmergencyInfo

-- History entries are about a requisition or an incident; `requisition_id`
-- holds the id of whichever `subject` names.
ALTER TABLE requisition_history ADD COLUMN subject TEXT NOT NULL DEFAULT 'requisition';
