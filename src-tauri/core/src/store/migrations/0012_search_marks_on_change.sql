-- A cooperative, supplier or contract written again without a change to what
-- the search index holds of it no longer marks its items for re-indexing.
-- An import meets the same buyer and suppliers in every process it reads, and
-- each unchanged upsert of a cooperative used to mark every item under it.

DROP TRIGGER contracts_search_update;
CREATE TRIGGER contracts_search_update AFTER UPDATE ON contracts
    WHEN (SELECT bulk FROM fts_control) = 0
     AND (old.number IS NOT new.number OR old.title IS NOT new.title
          OR old.supplier_id IS NOT new.supplier_id OR old.cooperative_id IS NOT new.cooperative_id
          OR old.term_start IS NOT new.term_start OR old.term_end IS NOT new.term_end) BEGIN
    INSERT INTO search_outbox (item_rowid) SELECT rowid FROM items WHERE contract_id = new.id;
END;

DROP TRIGGER suppliers_search_update;
CREATE TRIGGER suppliers_search_update AFTER UPDATE OF legal_name ON suppliers
    WHEN (SELECT bulk FROM fts_control) = 0 AND old.legal_name IS NOT new.legal_name BEGIN
    INSERT INTO search_outbox (item_rowid)
        SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.supplier_id = new.id;
END;

DROP TRIGGER cooperatives_search_update;
CREATE TRIGGER cooperatives_search_update AFTER UPDATE OF name, lead_agency ON cooperatives
    WHEN (SELECT bulk FROM fts_control) = 0
     AND (old.name IS NOT new.name OR old.lead_agency IS NOT new.lead_agency) BEGIN
    INSERT INTO search_outbox (item_rowid)
        SELECT i.rowid FROM items i JOIN contracts c ON c.id = i.contract_id WHERE c.cooperative_id = new.id;
END;
