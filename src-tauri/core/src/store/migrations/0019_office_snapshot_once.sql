-- A shared requisition's version is the snapshot in the signed event that
-- shared it, which this laptop keeps anyway: point at that event instead of
-- storing the snapshot a second time (an office's history is mostly
-- snapshots). Rows written before keep their copy in `requisition`.
ALTER TABLE office_requisitions ADD COLUMN snapshot_event TEXT;
