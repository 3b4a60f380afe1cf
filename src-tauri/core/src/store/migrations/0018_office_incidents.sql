-- Incidents shared in the office: the office's key for each (the laptop
-- that declared it, and its number there) and the incident it is on this
-- laptop, so that an update (the waiver extended, FEMA's number, a
-- project, the incident closed) reaches the same incident everywhere.
CREATE TABLE office_incidents (
    key          TEXT PRIMARY KEY,
    incident_id  INTEGER NOT NULL UNIQUE REFERENCES incidents(id)
) STRICT;
