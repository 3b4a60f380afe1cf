//! Building a requisition: creating it, its header, catalogue and
//! off-contract lines, accepting a changed price, attachments, and
//! acknowledging policy warnings. Only drafts are edited.

use super::model::*;
use super::{history, numbering, require_actor};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::money::Cents;
use crate::store::Store;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The largest attachment accepted: a scanned quote is a few MB.
pub const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;

/// An off-contract line typed by hand.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ManualLine {
    pub description: String,
    pub unit: String,
    pub quantity: u32,
    pub unit_price: Cents,
    pub vendor: String,
    #[serde(default)]
    pub supplier_sku: String,
    #[serde(default)]
    pub manufacturer_part: String,
    #[serde(default)]
    pub account: String,
    #[serde(default = "yes")]
    pub tax_exempt: bool,
}

fn yes() -> bool {
    true
}

/// A change to a line; `None` leaves the field as it is. Description, unit
/// and price can be changed only on off-contract lines.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
pub struct LineEdit {
    #[serde(default)]
    pub quantity: Option<u32>,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub tax_exempt: Option<bool>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub unit_price: Option<Cents>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewAttachment {
    pub file_name: String,
    pub kind: AttachmentKind,
    #[serde(default)]
    pub quote: QuoteInfo,
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttachOutcome {
    pub attachment: Attachment,
    /// Other requisitions the same file is attached to.
    pub also_on: Vec<String>,
}

fn quantity(q: u32) -> Result<u32> {
    if q == 0 || q > 1_000_000 {
        return Err(Error::Invalid("A quantity must be a whole number from 1 to 1,000,000.".into()));
    }
    Ok(q)
}

/// What the file's first bytes say it is, else its extension.
fn media_type(name: &str, bytes: &[u8]) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if bytes.starts_with(b"%PDF-") {
        "application/pdf"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        "image/jpeg"
    } else {
        match ext.as_str() {
            "txt" => "text/plain",
            "csv" => "text/csv",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "eml" => "message/rfc822",
            _ => "application/octet-stream",
        }
    }
}

impl Store {
    /// Captures what the catalogue says about `item_id` now.
    pub(crate) fn capture_evidence(&self, item_id: &str) -> Result<Evidence> {
        let detail = self.item_detail(item_id)?;
        let gone = || Error::database(format!("item '{item_id}' refers to a contract that is missing"));
        let contract = self.contract(&detail.item.contract_id)?.ok_or_else(gone)?;
        let cooperative = self.cooperative(&contract.cooperative_id)?.ok_or_else(gone)?;
        let (feed_id, feed_sequence, feed_applied_at): (String, i64, String) = self.conn().query_row(
            "SELECT f.id, f.sequence, f.applied_at FROM items i JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?1",
            [item_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let contract_json = serde_json::to_vec(&contract).expect("serialises");
        let contract_version = sha256_hex(&contract_json)[..16].to_owned();
        let document_sha256 = contract
            .documents
            .iter()
            .find(|d| d.kind == crate::model::DocumentKind::Contract)
            .or(contract.documents.first())
            .map(|d| d.sha256.clone());
        Ok(Evidence {
            item: detail.item,
            contract,
            cooperative,
            supplier_name: detail.supplier,
            contract_version,
            document_sha256,
            feed_id,
            feed_sequence,
            feed_applied_at,
            captured_at: self.clock().now().into(),
        })
    }

    /// Starts a draft requisition, numbered from the settings' pattern, and
    /// answers with its number.
    pub fn create_requisition(&mut self, header: &Header, actor: &str) -> Result<String> {
        self.create_requisition_for(header, None, actor)
    }

    /// Starts a draft requisition; under an incident, it is an emergency
    /// purchase and gets its authorisation number at once.
    pub fn create_requisition_for(&mut self, header: &Header, incident: Option<i64>, actor: &str) -> Result<String> {
        let actor = require_actor(actor)?.to_owned();
        let settings = self.purchasing_settings()?;
        let incident = incident.map(|id| self.incident(id)).transpose()?;
        if let Some(i) = incident.as_ref().filter(|i| i.closed_on.is_some()) {
            return Err(Error::InvalidState(format!("{} is closed: new purchases cannot be made under it.", i.name)));
        }
        let date = self.clock().today();
        let at = self.clock().now();
        let ctx = numbering::NumberContext {
            date,
            fiscal_year_start_month: settings.fiscal_year_start_month,
            department: &header.department,
        };
        let scope = numbering::scope(&settings.number_pattern, &ctx)?;
        let tx = self.conn_mut().transaction()?;
        let mut number = numbering::render(&settings.number_pattern, &ctx, next_in_sequence(&tx, &scope)?)?;
        // A number typed into an imported or restored database may already exist.
        while tx.query_row("SELECT 1 FROM requisitions WHERE number = ?1", [&number], |_| Ok(())).optional()?.is_some()
        {
            number = numbering::render(&settings.number_pattern, &ctx, next_in_sequence(&tx, &scope)?)?;
        }
        let stamp = crate::audit::stamp(at);
        tx.execute(
            "INSERT INTO requisitions (number, status, fiscal_year, department, requester, requester_phone, deliver_to,
                 date_needed, purpose, notes, created_at, updated_at)
             VALUES (?1, 'draft', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                number,
                numbering::fiscal_year(date, settings.fiscal_year_start_month),
                header.department.trim(),
                // The person starting a requisition is its requester unless
                // they name someone else.
                if header.requester.trim().is_empty() { actor.as_str() } else { header.requester.trim() },
                header.requester_phone.trim(),
                header.deliver_to.trim(),
                header.date_needed.map(|d| d.to_string()),
                header.purpose.trim(),
                header.notes.trim(),
                stamp,
            ],
        )?;
        let id = tx.last_insert_rowid();
        if let Some(incident) = &incident {
            let scope = numbering::scope(&settings.emergency_number_pattern, &ctx)?;
            let seq = next_in_sequence(&tx, &scope)?;
            let info = EmergencyInfo {
                incident_id: incident.id,
                incident_name: incident.name.clone(),
                authorization: numbering::render(&settings.emergency_number_pattern, &ctx, seq)?,
                project: None,
                docs: EmergencyDocs::default(),
            };
            tx.execute(
                "UPDATE requisitions SET emergency = ?1 WHERE id = ?2",
                params![serde_json::to_string(&info).expect("serialises"), id],
            )?;
        }
        if let Some(j) = header.justification.as_ref().filter(|j| !j.text.trim().is_empty()) {
            tx.execute(
                "UPDATE requisitions SET justification = ?1 WHERE id = ?2",
                params![serde_json::to_string(j).expect("serialises"), id],
            )?;
        }
        history::append(&tx, id, at, &actor, "created", json!({ "number": number, "header": header }))?;
        tx.commit()?;
        Ok(number)
    }

    /// Fills in (or corrects) an emergency purchase's documentation and the
    /// FEMA project it is charged to. Allowed at any stage but cancelled:
    /// documentation often comes after the purchase.
    pub fn set_emergency_docs(
        &mut self,
        number: &str,
        docs: &EmergencyDocs,
        project: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let open = [
            Status::Draft,
            Status::Submitted,
            Status::Approved,
            Status::Ordered,
            Status::PartiallyReceived,
            Status::Received,
            Status::Closed,
        ];
        let project = project.map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
        if let Some(p) = &project {
            let req = self.requisition(number)?;
            if let Some(info) = &req.emergency {
                let incident = self.incident(info.incident_id)?;
                if !incident.projects.iter().any(|x| &x.number == p) {
                    return Err(Error::Invalid(format!(
                        "{} has no project {p}: add it to the incident first.",
                        incident.name
                    )));
                }
            }
        }
        self.change_requisition(number, actor, "emergency_docs_changed", &open, |tx, req| {
            let Some(mut info) = req.emergency.clone() else {
                return Err(Error::Invalid(format!("{} is not an emergency purchase.", req.number)));
            };
            let trimmed = EmergencyDocs {
                need: docs.need.trim().to_owned(),
                duration: docs.duration.trim().to_owned(),
                competition: docs.competition.trim().to_owned(),
                price_reasonableness: docs.price_reasonableness.trim().to_owned(),
                conflict_of_interest: docs.conflict_of_interest.trim().to_owned(),
            };
            let mut changed = serde_json::Map::new();
            for (field, _) in EmergencyDocs::FIELDS {
                if info.docs.get(field) != trimmed.get(field) {
                    changed.insert(field.into(), json!({ "was": info.docs.get(field), "now": trimmed.get(field) }));
                }
            }
            if info.project != project {
                changed.insert("project".into(), json!({ "was": info.project, "now": project }));
            }
            info.docs = trimmed;
            info.project = project.clone();
            tx.execute(
                "UPDATE requisitions SET emergency = ?1 WHERE id = ?2",
                params![serde_json::to_string(&info).expect("serialises"), req.id],
            )?;
            Ok((serde_json::Value::Object(changed), ()))
        })?;
        Ok(())
    }

    /// Replaces the header's fields. The number stays as issued.
    pub fn update_header(&mut self, number: &str, header: &Header, actor: &str) -> Result<()> {
        self.change_requisition(number, actor, "header_changed", &[Status::Draft], |tx, req| {
            let old = &req.header;
            let mut changed = serde_json::Map::new();
            let pairs = [
                ("department", &old.department, &header.department),
                ("requester", &old.requester, &header.requester),
                ("requester_phone", &old.requester_phone, &header.requester_phone),
                ("deliver_to", &old.deliver_to, &header.deliver_to),
                ("purpose", &old.purpose, &header.purpose),
                ("notes", &old.notes, &header.notes),
            ];
            for (field, was, now) in pairs {
                if was.trim() != now.trim() {
                    changed.insert(field.into(), json!({ "was": was, "now": now.trim() }));
                }
            }
            if old.date_needed != header.date_needed {
                changed.insert("date_needed".into(), json!({ "was": old.date_needed, "now": header.date_needed }));
            }
            let justification = header
                .justification
                .as_ref()
                .map(|j| Justification { kind: j.kind, text: j.text.trim().to_owned() })
                .filter(|j| !j.text.is_empty());
            if old.justification != justification {
                changed.insert("justification".into(), json!({ "was": old.justification, "now": justification }));
            }
            tx.execute(
                "UPDATE requisitions SET justification = ?1 WHERE id = ?2",
                params![justification.map(|j| serde_json::to_string(&j).expect("serialises")), req.id],
            )?;
            tx.execute(
                "UPDATE requisitions SET department = ?1, requester = ?2, requester_phone = ?3, deliver_to = ?4,
                     date_needed = ?5, purpose = ?6, notes = ?7 WHERE id = ?8",
                params![
                    header.department.trim(),
                    header.requester.trim(),
                    header.requester_phone.trim(),
                    header.deliver_to.trim(),
                    header.date_needed.map(|d| d.to_string()),
                    header.purpose.trim(),
                    header.notes.trim(),
                    req.id
                ],
            )?;
            Ok((serde_json::Value::Object(changed), ()))
        })?;
        Ok(())
    }

    /// Adds a catalogue item, or adds to its quantity when it is already on
    /// the requisition. The line keeps the evidence of what was ordered.
    pub fn add_item(
        &mut self,
        number: &str,
        item_id: &str,
        qty: u32,
        account: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let qty = quantity(qty)?;
        let evidence = self.capture_evidence(item_id)?;
        if evidence.item.currency != crate::model::USD {
            return Err(Error::Invalid(format!(
                "'{}' is priced in {}, as its publisher listed it; requisitions are in US dollars. Ask the supplier for a dollar quote and enter it as a line of your own.",
                evidence.item.description, evidence.item.currency
            )));
        }
        let supplier = self.supplier(&evidence.contract.supplier_id)?;
        self.change_requisition(number, actor, "line_added", &[Status::Draft], |tx, req| {
            if let Some(existing) = req.lines.iter().find(|l| l.item_id() == Some(item_id)) {
                let new_qty = quantity(existing.quantity.saturating_add(qty))?;
                let ev = existing.evidence().expect("catalog lines carry evidence");
                let price = ev.item.unit_price_at(new_qty);
                tx.execute(
                    "UPDATE requisition_lines SET quantity = ?1, unit_cents = ?2 WHERE requisition_id = ?3 AND position = ?4",
                    params![new_qty, price.0, req.id, existing.position],
                )?;
                let detail = json!({ "line": existing.position, "item": item_id, "quantity": { "was": existing.quantity, "now": new_qty }, "unit_price": price });
                return Ok((detail, ()));
            }
            match &req.supplier_id {
                Some(s) if *s != evidence.contract.supplier_id => {
                    let vendor = req.vendor.as_ref().map(|v| v.name.as_str()).unwrap_or(s);
                    return Err(Error::Invalid(format!(
                        "Requisition {} is for {vendor}; items from {} go on a requisition of their own.",
                        req.number, evidence.supplier_name
                    )));
                }
                Some(_) => {}
                None => {
                    let vendor = supplier.as_ref().map(|s| Vendor {
                        name: s.legal_name.clone(),
                        address: s.address.clone(),
                        phone: s.phone.clone(),
                        email: s.email.clone(),
                        identifiers: s.identifiers.clone(),
                    });
                    tx.execute(
                        "UPDATE requisitions SET supplier_id = ?1, vendor = ?2 WHERE id = ?3",
                        params![evidence.contract.supplier_id, vendor.map(|v| serde_json::to_string(&v).expect("serialises")), req.id],
                    )?;
                }
            }
            let position = req.lines.last().map_or(1, |l| l.position + 1);
            let account = account.map(str::trim).map(str::to_owned).unwrap_or_else(|| req.lines.last().map(|l| l.account.clone()).unwrap_or_default());
            let item = &evidence.item;
            let price = item.unit_price_at(qty);
            tx.execute(
                "INSERT INTO requisition_lines (requisition_id, position, item_id, quantity, unit, description, supplier_sku,
                     manufacturer_part, unit_cents, account, tax_exempt, evidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11)",
                params![
                    req.id,
                    position,
                    item_id,
                    qty,
                    item.unit,
                    item.description,
                    item.supplier_sku,
                    item.manufacturer_part.clone().unwrap_or_default(),
                    price.0,
                    account,
                    serde_json::to_string(&evidence).expect("serialises"),
                ],
            )?;
            let detail = json!({
                "line": position, "item": item_id, "quantity": qty, "unit_price": price,
                "contract": evidence.contract.number, "contract_version": evidence.contract_version,
                "feed": evidence.feed_id, "feed_sequence": evidence.feed_sequence,
            });
            Ok((detail, ()))
        })?;
        Ok(())
    }

    /// Adds an off-contract line, bought on the vendor's quote.
    pub fn add_manual_line(&mut self, number: &str, line: &ManualLine, actor: &str) -> Result<()> {
        let qty = quantity(line.quantity)?;
        let bad = |m: &str| Err(Error::Invalid(m.into()));
        if line.description.trim().is_empty() {
            return bad("An off-contract line needs a description.");
        }
        if line.vendor.trim().is_empty() {
            return bad("An off-contract line needs the vendor who quoted it.");
        }
        if line.unit.trim().is_empty() {
            return bad("An off-contract line needs a unit of measure, such as EA.");
        }
        if line.unit_price.0 < 0 {
            return bad("A unit price cannot be negative.");
        }
        self.change_requisition(number, actor, "line_added", &[Status::Draft], |tx, req| {
            let position = req.lines.last().map_or(1, |l| l.position + 1);
            tx.execute(
                "INSERT INTO requisition_lines (requisition_id, position, quantity, unit, description, supplier_sku,
                     manufacturer_part, unit_cents, account, tax_exempt, vendor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    req.id,
                    position,
                    qty,
                    line.unit.trim(),
                    line.description.trim(),
                    line.supplier_sku.trim(),
                    line.manufacturer_part.trim(),
                    line.unit_price.0,
                    line.account.trim(),
                    line.tax_exempt,
                    line.vendor.trim(),
                ],
            )?;
            if req.vendor.is_none() {
                let vendor = Vendor { name: line.vendor.trim().to_owned(), ..Vendor::default() };
                tx.execute(
                    "UPDATE requisitions SET vendor = ?1 WHERE id = ?2",
                    params![serde_json::to_string(&vendor).expect("serialises"), req.id],
                )?;
            }
            Ok((json!({ "line": position, "off_contract": line }), ()))
        })?;
        Ok(())
    }

    /// Changes a line's quantity (the price tier applies itself), account
    /// string or tax flag; on off-contract lines also description and price.
    pub fn update_line(&mut self, number: &str, position: u32, edit: &LineEdit, actor: &str) -> Result<()> {
        self.change_requisition(number, actor, "line_changed", &[Status::Draft], |tx, req| {
            let line = req.line(position).ok_or_else(|| no_line(req, position))?;
            let mut changed = serde_json::Map::new();
            changed.insert("line".into(), json!(position));
            let qty = match edit.quantity {
                Some(q) => quantity(q)?,
                None => line.quantity,
            };
            let mut price = line.unit_price;
            match line.evidence() {
                Some(ev) => {
                    if edit.description.is_some() || edit.unit_price.is_some() {
                        return Err(Error::Invalid(format!(
                            "Line {position} is on contract: its description and price come from the catalog."
                        )));
                    }
                    price = ev.item.unit_price_at(qty);
                }
                None => {
                    if let Some(p) = edit.unit_price {
                        if p.0 < 0 {
                            return Err(Error::Invalid("A unit price cannot be negative.".into()));
                        }
                        price = p;
                    }
                }
            }
            if qty != line.quantity {
                changed.insert("quantity".into(), json!({ "was": line.quantity, "now": qty }));
            }
            if price != line.unit_price {
                changed.insert("unit_price".into(), json!({ "was": line.unit_price, "now": price }));
            }
            let account = edit.account.as_deref().map(str::trim).unwrap_or(&line.account).to_owned();
            if account != line.account {
                changed.insert("account".into(), json!({ "was": line.account, "now": account }));
            }
            let tax_exempt = edit.tax_exempt.unwrap_or(line.tax_exempt);
            if tax_exempt != line.tax_exempt {
                changed.insert("tax_exempt".into(), json!(tax_exempt));
            }
            let description = edit.description.as_deref().map(str::trim).unwrap_or(&line.description).to_owned();
            if description.is_empty() {
                return Err(Error::Invalid("A line needs a description.".into()));
            }
            if description != line.description {
                changed.insert("description".into(), json!({ "was": line.description, "now": description }));
            }
            tx.execute(
                "UPDATE requisition_lines SET quantity = ?1, unit_cents = ?2, account = ?3, tax_exempt = ?4, description = ?5
                 WHERE requisition_id = ?6 AND position = ?7",
                params![qty, price.0, account, tax_exempt, description, req.id, position],
            )?;
            Ok((serde_json::Value::Object(changed), ()))
        })?;
        Ok(())
    }

    pub fn remove_line(&mut self, number: &str, position: u32, actor: &str) -> Result<()> {
        self.change_requisition(number, actor, "line_removed", &[Status::Draft], |tx, req| {
            let line = req.line(position).ok_or_else(|| no_line(req, position))?;
            tx.execute("DELETE FROM requisition_lines WHERE requisition_id = ?1 AND position = ?2", params![req.id, position])?;
            // Two steps, because positions are unique at every row update.
            tx.execute(
                "UPDATE requisition_lines SET position = -position WHERE requisition_id = ?1 AND position > ?2",
                params![req.id, position],
            )?;
            tx.execute(
                "UPDATE requisition_lines SET position = -position - 1 WHERE requisition_id = ?1 AND position < 0",
                params![req.id],
            )?;
            if req.lines.len() == 1 {
                tx.execute("UPDATE requisitions SET supplier_id = NULL, vendor = NULL WHERE id = ?1", [req.id])?;
            }
            let detail = json!({ "line": position, "description": line.description, "quantity": line.quantity, "unit_price": line.unit_price });
            Ok((detail, ()))
        })?;
        Ok(())
    }

    /// Takes today's catalogue price (and evidence) for a line whose price
    /// changed since it was added.
    pub fn accept_current_price(&mut self, number: &str, position: u32, actor: &str) -> Result<()> {
        let req = self.requisition(number)?;
        let line = req.line(position).ok_or_else(|| no_line(&req, position))?;
        let item_id = line.item_id().map(str::to_owned).ok_or_else(|| {
            Error::Invalid(format!("Line {position} is off contract: change its price by editing the line."))
        })?;
        let evidence = self.capture_evidence(&item_id).map_err(|_| {
            Error::Invalid(format!(
                "Line {position}'s item is no longer in the catalog, so there is no new price to accept. Keep the captured price or remove the line."
            ))
        })?;
        self.change_requisition(number, actor, "price_accepted", &[Status::Draft], |tx, req| {
            let line = req.line(position).ok_or_else(|| no_line(req, position))?;
            let price = evidence.item.unit_price_at(line.quantity);
            tx.execute(
                "UPDATE requisition_lines SET unit_cents = ?1, evidence = ?2, description = ?3, unit = ?4
                 WHERE requisition_id = ?5 AND position = ?6",
                params![
                    price.0,
                    serde_json::to_string(&evidence).expect("serialises"),
                    evidence.item.description,
                    evidence.item.unit,
                    req.id,
                    position
                ],
            )?;
            let detail = json!({ "line": position, "unit_price": { "was": line.unit_price, "now": price },
                "feed_sequence": evidence.feed_sequence, "contract_version": evidence.contract_version });
            Ok((detail, ()))
        })?;
        Ok(())
    }

    /// Stores a file with the requisition, by its hash. The same file twice on
    /// one requisition is refused; on others it is reported.
    pub fn attach(&mut self, number: &str, new: &NewAttachment, bytes: &[u8], actor: &str) -> Result<AttachOutcome> {
        let name = new.file_name.trim();
        let name = name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
        if name.is_empty() {
            return Err(Error::Invalid("An attachment needs a file name.".into()));
        }
        if bytes.is_empty() {
            return Err(Error::Invalid(format!("'{name}' is empty: attach the file that holds the document.")));
        }
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(Error::Invalid(format!(
                "'{name}' is {} MB; attachments are limited to {} MB. Scan it at a lower resolution.",
                bytes.len() / (1024 * 1024),
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            )));
        }
        if new.quote.amount.is_some_and(|a| a.0 < 0) {
            return Err(Error::Invalid("A quoted amount cannot be negative.".into()));
        }
        let sha = sha256_hex(bytes);
        let media = media_type(&name, bytes);
        let allowed = [
            Status::Draft,
            Status::Submitted,
            Status::Approved,
            Status::Ordered,
            Status::PartiallyReceived,
            Status::Received,
        ];
        let (id, also_on) = self.change_requisition(number, actor, "attachment_added", &allowed, |tx, req| {
            if let Some(a) = req.attachments.iter().find(|a| a.sha256 == sha) {
                return Err(Error::Conflict(format!(
                    "This file is already attached to {} as '{}' (same content).",
                    req.number, a.file_name
                )));
            }
            let also_on: Vec<String> = tx
                .prepare(
                    "SELECT DISTINCT r.number FROM requisition_attachments a JOIN requisitions r ON r.id = a.requisition_id
                     WHERE a.sha256 = ?1 ORDER BY r.number",
                )?
                .query_map([&sha], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            tx.execute(
                "INSERT INTO attachment_blobs (sha256, size, content) VALUES (?1, ?2, ?3) ON CONFLICT(sha256) DO NOTHING",
                params![sha, bytes.len() as i64, bytes],
            )?;
            tx.execute(
                "INSERT INTO requisition_attachments (requisition_id, sha256, file_name, media_type, kind, vendor,
                     amount_cents, quoted_on, note, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    req.id,
                    sha,
                    name,
                    media,
                    new.kind.as_str(),
                    new.quote.vendor.as_deref().map(str::trim).filter(|v| !v.is_empty()),
                    new.quote.amount.map(|a| a.0),
                    new.quote.quoted_on.map(|d| d.to_string()),
                    new.note.trim(),
                    tx.at,
                ],
            )?;
            let id = tx.last_insert_rowid();
            let detail = json!({ "file": name, "sha256": sha, "size": bytes.len(), "kind": new.kind, "quote": new.quote, "duplicate_of": also_on });
            Ok((detail, (id, also_on)))
        })?;
        let req = self.requisition(number)?;
        let attachment = req.attachments.into_iter().find(|a| a.id == id).expect("just attached");
        Ok(AttachOutcome { attachment, also_on })
    }

    /// The bytes of an attachment, checked against its hash.
    pub fn attachment_bytes(&self, number: &str, attachment_id: i64) -> Result<(Attachment, Vec<u8>)> {
        let req = self.requisition(number)?;
        let a = req
            .attachments
            .into_iter()
            .find(|a| a.id == attachment_id)
            .ok_or_else(|| Error::not_found_on("attachment", attachment_id, format!("requisition {number}")))?;
        let bytes = attachment_file(self.conn(), &a)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        Ok((a, bytes))
    }

    pub fn remove_attachment(&mut self, number: &str, attachment_id: i64, actor: &str) -> Result<()> {
        self.change_requisition(number, actor, "attachment_removed", &[Status::Draft], |tx, req| {
            let a = req.attachments.iter().find(|a| a.id == attachment_id).ok_or_else(|| {
                Error::not_found_on("attachment", attachment_id, format!("requisition {}", req.number))
            })?;
            tx.execute("DELETE FROM requisition_attachments WHERE id = ?1", [attachment_id])?;
            // The bytes stay while the history mentions them; an auditor may ask.
            Ok((json!({ "file": a.file_name, "sha256": a.sha256 }), ()))
        })?;
        Ok(())
    }
}

/// The bytes of an attachment's file, if this database holds them, checked
/// against the hash the attachment names.
pub(crate) fn attachment_file(conn: &rusqlite::Connection, a: &Attachment) -> Result<Option<Vec<u8>>> {
    let bytes: Option<Vec<u8>> = conn
        .query_row("SELECT content FROM attachment_blobs WHERE sha256 = ?1", [&a.sha256], |r| r.get(0))
        .optional()?;
    match bytes {
        Some(b) if sha256_hex(&b) != a.sha256 => {
            Err(Error::Tampered { problems: vec![format!("attachment '{}' no longer matches its hash", a.file_name)] })
        }
        held => Ok(held),
    }
}

/// The next number in a numbering scope (one the first time).
fn next_in_sequence(tx: &Transaction, scope: &str) -> Result<u64> {
    let seq: i64 = tx.query_row(
        "INSERT INTO requisition_sequences (scope, last) VALUES (?1, 1)
         ON CONFLICT(scope) DO UPDATE SET last = last + 1 RETURNING last",
        [scope],
        |r| r.get(0),
    )?;
    Ok(seq as u64)
}

pub(crate) fn record_acknowledgement(
    tx: &super::Change,
    req: &Requisition,
    key: &crate::policy::FindingKey,
    message: &str,
    by: &str,
    note: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO requisition_acks (requisition_id, finding_key, message, by, note, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(requisition_id, finding_key) DO UPDATE SET message = excluded.message, by = excluded.by,
             note = excluded.note, at = excluded.at",
        params![req.id, key, message, by.trim(), note.trim(), tx.at],
    )?;
    Ok(())
}

fn no_line(req: &Requisition, position: u32) -> Error {
    Error::not_found_on("line", position, format!("requisition {}", req.number))
}

/// Makes the requisition's header and lines those of `from` (a version
/// taken in from the office), and says what changed in words for the
/// history: each line's quantity, price, account or description, lines
/// added or removed, and header fields.
pub(crate) fn replace_content(tx: &super::Change, req: &Requisition, from: &Requisition) -> Result<serde_json::Value> {
    let h = &from.header;
    tx.execute(
        "UPDATE requisitions SET department = ?1, requester = ?2, requester_phone = ?3, deliver_to = ?4,
             date_needed = ?5, purpose = ?6, notes = ?7, justification = ?8 WHERE id = ?9",
        params![
            h.department,
            h.requester,
            h.requester_phone,
            h.deliver_to,
            h.date_needed.map(|d| d.to_string()),
            h.purpose,
            h.notes,
            h.justification.as_ref().map(|j| serde_json::to_string(j).expect("serialises")),
            req.id
        ],
    )?;
    tx.execute("DELETE FROM requisition_lines WHERE requisition_id = ?1", [req.id])?;
    for l in &from.lines {
        let (item_id, vendor, evidence) = match &l.source {
            LineSource::Catalogue { item_id, evidence } => {
                (Some(item_id.as_str()), None, Some(serde_json::to_string(evidence).map_err(Error::internal)?))
            }
            LineSource::OffContract { vendor } => (None, Some(vendor.as_str()), None),
        };
        tx.execute(
            "INSERT INTO requisition_lines (requisition_id, position, item_id, quantity, received, unit, description,
                 supplier_sku, manufacturer_part, unit_cents, account, tax_exempt, vendor, evidence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                req.id,
                l.position,
                item_id,
                l.quantity,
                l.received,
                l.unit,
                l.description,
                l.supplier_sku,
                l.manufacturer_part,
                l.unit_price.0,
                l.account,
                l.tax_exempt,
                vendor,
                evidence
            ],
        )?;
    }
    let mut changes = Vec::new();
    for old in &req.lines {
        match from.line(old.position) {
            None => changes.push(json!({ "line": old.position, "removed": old.description })),
            Some(new) => {
                let fields = [
                    ("quantity", json!(old.quantity), json!(new.quantity)),
                    ("unit_price", json!(old.unit_price), json!(new.unit_price)),
                    ("account", json!(old.account), json!(new.account)),
                    ("description", json!(old.description), json!(new.description)),
                ];
                for (field, was, now) in fields {
                    if was != now {
                        changes.push(json!({ "line": old.position, "field": field, "was": was, "now": now }));
                    }
                }
            }
        }
    }
    for new in from.lines.iter().filter(|n| req.line(n.position).is_none()) {
        changes.push(json!({ "line": new.position, "added": new.description, "quantity": new.quantity }));
    }
    let old = &req.header;
    for (field, was, now) in [
        ("department", &old.department, &h.department),
        ("deliver_to", &old.deliver_to, &h.deliver_to),
        ("purpose", &old.purpose, &h.purpose),
        ("notes", &old.notes, &h.notes),
    ] {
        if was != now {
            changes.push(json!({ "field": field, "was": was, "now": now }));
        }
    }
    Ok(json!({ "changes": changes, "total": { "was": req.total(), "now": from.total() } }))
}
