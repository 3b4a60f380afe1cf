-- Vendors' invoices, each checked against its requisition when it is
-- recorded (orders/invoice.rs). The findings are kept as found, with the
-- clerk's acknowledgements beside them; an invoice is approved for payment
-- only once every finding has one. `vendor_key` is the supplier's id, or
-- the off-contract vendor's name: an invoice number repeats only per vendor.
CREATE TABLE invoices (
    id               INTEGER PRIMARY KEY,
    requisition_id   INTEGER NOT NULL REFERENCES requisitions(id),
    number           TEXT NOT NULL,
    vendor_key       TEXT NOT NULL,
    invoice_date     TEXT NOT NULL,
    stated_total     INTEGER,
    lines            TEXT NOT NULL,
    findings         TEXT NOT NULL,
    acknowledgements TEXT NOT NULL DEFAULT '[]',
    recorded_by      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    approved_by      TEXT,
    approved_at      TEXT
) STRICT;

CREATE INDEX invoices_by_vendor_number ON invoices (vendor_key, number COLLATE NOCASE);
CREATE INDEX invoices_by_requisition ON invoices (requisition_id);
