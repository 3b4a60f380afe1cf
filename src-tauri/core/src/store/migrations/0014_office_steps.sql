-- The office's later steps: finance's second approval (the office's rule,
-- set by an administrator, and who gave it on each shared requisition) and
-- what is still to be received on each shared requisition, so that every
-- laptop can hold receipts to what was ordered.

ALTER TABLE office ADD COLUMN finance_from INTEGER;  -- cents; NULL: finance never approves

ALTER TABLE office_requisitions ADD COLUMN finance_key TEXT;  -- finance's approval of the current version
ALTER TABLE office_requisitions ADD COLUMN outstanding TEXT NOT NULL DEFAULT '[]';  -- JSON [[line, quantity], …]
