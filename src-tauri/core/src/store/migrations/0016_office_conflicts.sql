-- Two people changing one shared requisition while apart: the version the
-- office did not take first is kept beside the current one until a person
-- resolves them, and this laptop remembers which office version each of
-- its own shared requisitions was last made from, so that a change shared
-- from an older one is seen as the conflict it is.

-- JSON {"version", "author", "requisition"}: the other version, by its key.
ALTER TABLE office_requisitions ADD COLUMN conflict TEXT;

-- This laptop's own shared requisitions: the office version its copy is
-- made from (the one it shared, or one it took in from a colleague), and
-- the hash of its header and lines then, to tell whether it has been
-- changed here since.
CREATE TABLE office_bases (
    number   TEXT PRIMARY KEY,
    version  TEXT NOT NULL,
    content  TEXT NOT NULL
) STRICT;
