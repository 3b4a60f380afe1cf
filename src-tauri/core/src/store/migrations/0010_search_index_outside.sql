-- Full-text search moves out of SQLite into a dedicated index kept beside
-- the database as a derived cache (see search_index.rs): FTS5 ranked every
-- match of a common word, too slow at a million items. SQLite now records
-- which items the index must refresh, in the same transaction as the change.

DROP TRIGGER IF EXISTS items_fts_insert;
DROP TRIGGER IF EXISTS items_fts_update;
DROP TRIGGER IF EXISTS items_fts_delete;
DROP TRIGGER IF EXISTS contracts_fts_insert;
DROP TRIGGER IF EXISTS contracts_fts_update;
DROP TRIGGER IF EXISTS suppliers_fts_insert;
DROP TRIGGER IF EXISTS suppliers_fts_update;
DROP TRIGGER IF EXISTS cooperatives_fts_insert;
DROP TRIGGER IF EXISTS cooperatives_fts_update;
DROP TABLE IF EXISTS item_fts_vocab;
DROP TABLE IF EXISTS item_fts;

-- Items whose index entry is out of date. Marks are cleared only after the
-- index has committed them, up to the last mark it read.
CREATE TABLE search_outbox (
    id         INTEGER PRIMARY KEY,
    item_rowid INTEGER NOT NULL
) STRICT;

-- A snapshot replaces a whole feed: the index is rebuilt rather than
-- refreshed item by item. The generation tells a rebuild asked for meanwhile
-- from the one just done.
CREATE TABLE search_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    rebuild    INTEGER NOT NULL,
    generation INTEGER NOT NULL
) STRICT;
INSERT INTO search_state (id, rebuild, generation) VALUES (1, 1, 1);

-- Per-row marks, skipped during a snapshot's bulk load (fts_control.bulk),
-- which asks for a rebuild instead.
CREATE TRIGGER items_search_insert AFTER INSERT ON items
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid) VALUES (new.rowid);
END;
CREATE TRIGGER items_search_update AFTER UPDATE ON items
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid) VALUES (old.rowid);
    INSERT INTO search_outbox (item_rowid) SELECT new.rowid WHERE new.rowid != old.rowid;
END;
CREATE TRIGGER items_search_delete AFTER DELETE ON items
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid) VALUES (old.rowid);
END;
CREATE TRIGGER contracts_search_insert AFTER INSERT ON contracts
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid) SELECT rowid FROM items WHERE contract_id = new.id;
END;
CREATE TRIGGER contracts_search_update AFTER UPDATE ON contracts
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid) SELECT rowid FROM items WHERE contract_id = new.id;
END;
CREATE TRIGGER suppliers_search_insert AFTER INSERT ON suppliers
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid)
        SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.supplier_id = new.id;
END;
CREATE TRIGGER suppliers_search_update AFTER UPDATE OF legal_name ON suppliers
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid)
        SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.supplier_id = new.id;
END;
CREATE TRIGGER cooperatives_search_insert AFTER INSERT ON cooperatives
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid)
        SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.cooperative_id = new.id;
END;
CREATE TRIGGER cooperatives_search_update AFTER UPDATE OF name, lead_agency ON cooperatives
    WHEN (SELECT bulk FROM fts_control) = 0 BEGIN
    INSERT INTO search_outbox (item_rowid)
        SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.cooperative_id = new.id;
END;
