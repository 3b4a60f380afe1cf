-- The agency using coopdesk: who it is, where, and the cooperative
-- memberships and participating addenda it has on file. One row; the
-- profile is small and always read whole, so it is kept as JSON.
CREATE TABLE agency_profile (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    profile    TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
