-- Attachments of shared requisitions that this laptop has yet to receive
-- from the office's server: each named by the SHA-256 the signed snapshot
-- gives, fetched and checked at the next sync, then kept with this
-- laptop's own attachment files (attachment_blobs) and removed from here.
CREATE TABLE office_files_wanted (
    sha256     TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,  -- as the signed snapshot states it
    file_name  TEXT NOT NULL,     -- for messages
    number     TEXT NOT NULL,     -- the shared requisition that names it
    problem    TEXT               -- why the server's copy was refused, if it was
) STRICT;
