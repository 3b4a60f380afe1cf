-- What the reports read of each requisition line, in a narrow table of its
-- own: the amount, and the cooperative, contract, list price and category
-- from the line's evidence. Read from the lines themselves, a year's report
-- would parse every line's evidence (a JSON copy of the item, contract and
-- cooperative) and read each wide row. Triggers keep it in step with every
-- insert, change and removal of a line, so no code path can leave it out;
-- the lines written before are copied here. The view says once how a line's
-- facts are read.
CREATE TABLE requisition_line_facts (
    line_id        INTEGER PRIMARY KEY,
    requisition_id INTEGER NOT NULL,
    spend_cents    INTEGER NOT NULL,
    list_cents     INTEGER,           -- list price times quantity, catalog lines only
    supplier       TEXT,              -- the quoting vendor, or the catalog's supplier
    cooperative    TEXT,
    contract       TEXT,
    contract_end   TEXT,              -- ISO date
    category       TEXT
) STRICT;

CREATE INDEX requisition_line_facts_by_requisition ON requisition_line_facts (requisition_id);

CREATE VIEW requisition_line_facts_source AS
SELECT id AS line_id, requisition_id, quantity * unit_cents AS spend_cents,
       json_extract(evidence, '$.item.list_price') * quantity AS list_cents,
       coalesce(vendor, json_extract(evidence, '$.supplier_name')) AS supplier,
       json_extract(evidence, '$.cooperative.name') AS cooperative,
       json_extract(evidence, '$.contract.number') AS contract,
       json_extract(evidence, '$.contract.term_end') AS contract_end,
       coalesce(json_extract(evidence, '$.item.classifications[0].name'),
                json_extract(evidence, '$.item.classifications[0].code')) AS category
FROM requisition_lines;

INSERT INTO requisition_line_facts SELECT * FROM requisition_line_facts_source;

CREATE TRIGGER requisition_lines_facts_insert AFTER INSERT ON requisition_lines BEGIN
    INSERT OR REPLACE INTO requisition_line_facts
        SELECT * FROM requisition_line_facts_source WHERE line_id = new.id;
END;

CREATE TRIGGER requisition_lines_facts_update AFTER UPDATE ON requisition_lines BEGIN
    DELETE FROM requisition_line_facts WHERE line_id = old.id;
    INSERT OR REPLACE INTO requisition_line_facts
        SELECT * FROM requisition_line_facts_source WHERE line_id = new.id;
END;

CREATE TRIGGER requisition_lines_facts_delete AFTER DELETE ON requisition_lines BEGIN
    DELETE FROM requisition_line_facts WHERE line_id = old.id;
END;
