-- What the reports read of each requisition line, in a narrow table of its
-- own: the amount, and the cooperative, contract, list price and category
-- from the line's evidence. Read from the lines themselves, a year's report
-- would parse every line's evidence (a JSON copy of the item, contract and
-- cooperative) and read each wide row. Triggers keep it in step with every
-- insert, change and removal of a line, so no code path can leave it out;
-- the lines written before are copied here.
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

INSERT INTO requisition_line_facts
SELECT id, requisition_id, quantity * unit_cents,
       json_extract(evidence, '$.item.list_price') * quantity,
       coalesce(vendor, json_extract(evidence, '$.supplier_name')),
       json_extract(evidence, '$.cooperative.name'),
       json_extract(evidence, '$.contract.number'),
       json_extract(evidence, '$.contract.term_end'),
       coalesce(json_extract(evidence, '$.item.classifications[0].name'),
                json_extract(evidence, '$.item.classifications[0].code'))
FROM requisition_lines;

CREATE TRIGGER requisition_lines_facts_insert AFTER INSERT ON requisition_lines BEGIN
    INSERT OR REPLACE INTO requisition_line_facts
    VALUES (new.id, new.requisition_id, new.quantity * new.unit_cents,
            json_extract(new.evidence, '$.item.list_price') * new.quantity,
            coalesce(new.vendor, json_extract(new.evidence, '$.supplier_name')),
            json_extract(new.evidence, '$.cooperative.name'),
            json_extract(new.evidence, '$.contract.number'),
            json_extract(new.evidence, '$.contract.term_end'),
            coalesce(json_extract(new.evidence, '$.item.classifications[0].name'),
                     json_extract(new.evidence, '$.item.classifications[0].code')));
END;

CREATE TRIGGER requisition_lines_facts_update AFTER UPDATE ON requisition_lines BEGIN
    DELETE FROM requisition_line_facts WHERE line_id = old.id;
    INSERT OR REPLACE INTO requisition_line_facts
    VALUES (new.id, new.requisition_id, new.quantity * new.unit_cents,
            json_extract(new.evidence, '$.item.list_price') * new.quantity,
            coalesce(new.vendor, json_extract(new.evidence, '$.supplier_name')),
            json_extract(new.evidence, '$.cooperative.name'),
            json_extract(new.evidence, '$.contract.number'),
            json_extract(new.evidence, '$.contract.term_end'),
            coalesce(json_extract(new.evidence, '$.item.classifications[0].name'),
                     json_extract(new.evidence, '$.item.classifications[0].code')));
END;

CREATE TRIGGER requisition_lines_facts_delete AFTER DELETE ON requisition_lines BEGIN
    DELETE FROM requisition_line_facts WHERE line_id = old.id;
END;
