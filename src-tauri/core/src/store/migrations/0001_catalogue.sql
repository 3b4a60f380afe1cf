-- Catalogue tables, as delivered by feeds. Every row remembers which feed
-- owns it, so a feed can only change its own records.
-- Foreign keys are deferred: a feed may deliver records in any order, and the
-- whole apply is checked at commit.

CREATE TABLE feeds (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    sequence      INTEGER NOT NULL,
    generated_at  TEXT NOT NULL,
    applied_at    TEXT NOT NULL
) STRICT;

CREATE TABLE cooperatives (
    id                  TEXT PRIMARY KEY,
    feed_id             TEXT NOT NULL REFERENCES feeds(id) DEFERRABLE INITIALLY DEFERRED,
    name                TEXT NOT NULL,
    lead_agency         TEXT,
    membership_required INTEGER NOT NULL,
    website             TEXT
) STRICT;

CREATE TABLE suppliers (
    id                TEXT PRIMARY KEY,
    feed_id           TEXT NOT NULL REFERENCES feeds(id) DEFERRABLE INITIALLY DEFERRED,
    legal_name        TEXT NOT NULL,
    identifiers       TEXT NOT NULL,   -- JSON array of {scheme, value}
    street            TEXT NOT NULL,
    city              TEXT NOT NULL,
    state             TEXT NOT NULL,
    zip               TEXT NOT NULL,
    phone             TEXT,
    email             TEXT,
    emergency_contact TEXT             -- JSON {name, phone, email}
) STRICT;

CREATE TABLE contracts (
    id                TEXT PRIMARY KEY,
    feed_id           TEXT NOT NULL REFERENCES feeds(id) DEFERRABLE INITIALLY DEFERRED,
    cooperative_id    TEXT NOT NULL REFERENCES cooperatives(id) DEFERRABLE INITIALLY DEFERRED,
    supplier_id       TEXT NOT NULL REFERENCES suppliers(id) DEFERRABLE INITIALLY DEFERRED,
    number            TEXT NOT NULL,
    title             TEXT NOT NULL,
    lead_agency       TEXT,
    term_start        TEXT NOT NULL,   -- ISO date
    term_end          TEXT NOT NULL,
    max_extension_end TEXT,
    eligibility       TEXT NOT NULL,   -- JSON Eligibility
    documents         TEXT NOT NULL    -- JSON array of ContractDocument
) STRICT;
CREATE INDEX contracts_cooperative ON contracts(cooperative_id);
CREATE INDEX contracts_supplier ON contracts(supplier_id);

CREATE TABLE dealers (
    id          TEXT PRIMARY KEY,
    feed_id     TEXT NOT NULL REFERENCES feeds(id) DEFERRABLE INITIALLY DEFERRED,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id) DEFERRABLE INITIALLY DEFERRED,
    name        TEXT NOT NULL,
    street      TEXT NOT NULL,
    city        TEXT NOT NULL,
    state       TEXT NOT NULL,
    zip         TEXT NOT NULL,
    phone       TEXT,
    latitude    REAL NOT NULL,
    longitude   REAL NOT NULL
) STRICT;
CREATE INDEX dealers_supplier ON dealers(supplier_id);

-- Integer rowid keeps the full-text index compact; `id` is the feed's key.
CREATE TABLE items (
    rowid             INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    feed_id           TEXT NOT NULL REFERENCES feeds(id) DEFERRABLE INITIALLY DEFERRED,
    contract_id       TEXT NOT NULL REFERENCES contracts(id) DEFERRABLE INITIALLY DEFERRED,
    supplier_sku      TEXT NOT NULL,
    manufacturer      TEXT,
    manufacturer_part TEXT,
    description       TEXT NOT NULL,
    unit              TEXT NOT NULL,
    list_cents        INTEGER NOT NULL,
    contract_cents    INTEGER NOT NULL,
    classifications   TEXT NOT NULL,   -- JSON array of {scheme, code, name}
    price_tiers       TEXT NOT NULL,   -- JSON array of {min_quantity, unit_price}
    attributes        TEXT NOT NULL    -- JSON array of strings
) STRICT;
CREATE INDEX items_contract ON items(contract_id);
CREATE INDEX items_feed ON items(feed_id);

-- What the search index holds for each item: its own text plus the names of
-- its contract, supplier and cooperative, so a clerk can search by any of them.
-- `parts_compact` drops punctuation so "APC-BR1500" is found as "apcbr1500".
CREATE VIEW item_search_text AS
SELECT
    i.rowid AS item_rowid,
    i.description AS description,
    i.supplier_sku || ' ' || ifnull(i.manufacturer, '') || ' ' || ifnull(i.manufacturer_part, '') AS parts,
    lower(replace(replace(replace(replace(i.supplier_sku, '-', ''), '/', ''), '.', ''), ' ', ''))
        || ' ' ||
    lower(replace(replace(replace(replace(ifnull(i.manufacturer_part, ''), '-', ''), '/', ''), '.', ''), ' ', ''))
        AS parts_compact,
    ifnull(s.legal_name, '') AS supplier,
    ifnull(c.number, '') || ' ' || ifnull(c.title, '') AS contract,
    ifnull(co.name, '') || ' ' || ifnull(co.lead_agency, '') AS cooperative,
    ifnull((SELECT group_concat(json_extract(j.value, '$.code') || ' ' || ifnull(json_extract(j.value, '$.name'), ''), ' ')
            FROM json_each(i.classifications) AS j), '')
        || ' ' ||
    ifnull((SELECT group_concat(j.value, ' ') FROM json_each(i.attributes) AS j), '') AS classification
FROM items i
LEFT JOIN contracts c ON c.id = i.contract_id
LEFT JOIN suppliers s ON s.id = c.supplier_id
LEFT JOIN cooperatives co ON co.id = c.cooperative_id;

CREATE VIRTUAL TABLE item_fts USING fts5(
    description, parts, parts_compact, supplier, contract, cooperative, classification,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- Triggers keep item_fts in step with every table whose text it holds,
-- whoever writes to them.
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
    SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification
    FROM item_search_text WHERE item_rowid = new.rowid;
END;
CREATE TRIGGER items_fts_update AFTER UPDATE ON items BEGIN
    DELETE FROM item_fts WHERE rowid = old.rowid;
    INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
    SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification
    FROM item_search_text WHERE item_rowid = new.rowid;
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    DELETE FROM item_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER contracts_fts_insert AFTER INSERT ON contracts BEGIN
    DELETE FROM item_fts WHERE rowid IN (SELECT rowid FROM items WHERE contract_id = new.id);
    INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
    SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification
    FROM item_search_text WHERE item_rowid IN (SELECT rowid FROM items WHERE contract_id = new.id);
END;
CREATE TRIGGER contracts_fts_update AFTER UPDATE OF number, title, supplier_id, cooperative_id ON contracts BEGIN
    DELETE FROM item_fts WHERE rowid IN (SELECT rowid FROM items WHERE contract_id = new.id);
    INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
    SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification
    FROM item_search_text WHERE item_rowid IN (SELECT rowid FROM items WHERE contract_id = new.id);
END;

CREATE TRIGGER suppliers_fts_insert AFTER INSERT ON suppliers BEGIN
    DELETE FROM item_fts WHERE rowid IN
        (SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.supplier_id = new.id);
    INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
    SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification
    FROM item_search_text WHERE item_rowid IN
        (SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.supplier_id = new.id);
END;
CREATE TRIGGER suppliers_fts_update AFTER UPDATE OF legal_name ON suppliers BEGIN
    DELETE FROM item_fts WHERE rowid IN
        (SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.supplier_id = new.id);
    INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
    SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification
    FROM item_search_text WHERE item_rowid IN
        (SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.supplier_id = new.id);
END;

CREATE TRIGGER cooperatives_fts_insert AFTER INSERT ON cooperatives BEGIN
    DELETE FROM item_fts WHERE rowid IN
        (SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.cooperative_id = new.id);
    INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
    SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification
    FROM item_search_text WHERE item_rowid IN
        (SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.cooperative_id = new.id);
END;
CREATE TRIGGER cooperatives_fts_update AFTER UPDATE OF name, lead_agency ON cooperatives BEGIN
    DELETE FROM item_fts WHERE rowid IN
        (SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.cooperative_id = new.id);
    INSERT INTO item_fts(rowid, description, parts, parts_compact, supplier, contract, cooperative, classification)
    SELECT item_rowid, description, parts, parts_compact, supplier, contract, cooperative, classification
    FROM item_search_text WHERE item_rowid IN
        (SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.cooperative_id = new.id);
END;
