//! Reading whole entities back out of the catalogue, and the contract and item
//! detail a clerk opens from a search result.

use super::columns::{date_col, json_col};
use super::Store;
use crate::eligibility::{evaluate, EligibilityCheck};
use crate::error::{Error, Result};
use crate::geo::{miles_between, zip_centroid, Point};
use crate::model::{Address, CatalogueItem, Contract, Cooperative, DealerLocation, Supplier};
use crate::money::Cents;
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ContractStatus {
    NotStarted,
    Active,
    Expired,
}

impl ContractStatus {
    pub fn of(term_start: NaiveDate, term_end: NaiveDate, today: NaiveDate) -> ContractStatus {
        if today < term_start {
            ContractStatus::NotStarted
        } else if today > term_end {
            ContractStatus::Expired
        } else {
            ContractStatus::Active
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DealerDistance {
    pub dealer: DealerLocation,
    /// From the agency (or the ZIP asked for); `None` without a known origin.
    pub miles: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContractDetail {
    pub contract: Contract,
    pub cooperative: Cooperative,
    pub supplier: Supplier,
    pub status: ContractStatus,
    /// Days from today to the end of the term (negative once expired).
    pub days_left: i64,
    pub eligibility: EligibilityCheck,
    /// Nearest first.
    pub dealers: Vec<DealerDistance>,
    /// The ZIP distances are measured from.
    pub distance_from: Option<String>,
    pub items: u64,
    /// Hashes of the contract's documents that have a copy kept offline.
    pub documents_kept: Vec<String>,
    /// True when the clerk imported it (a price file or an OCDS
    /// publication) rather than a feed delivering it.
    pub local: bool,
    /// True when it is the bundled sample's: fictional, not for purchasing.
    pub sample: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemDetail {
    pub item: CatalogueItem,
    pub saving_bps: Option<i64>,
    pub contract_number: String,
    pub contract_title: String,
    pub term_end: NaiveDate,
    pub cooperative: String,
    pub supplier: String,
}

pub(crate) const CONTRACT_COLUMNS: &str = "id, cooperative_id, supplier_id, number, title, lead_agency, term_start,
    term_end, max_extension_end, eligibility, documents, origin, amendments";

pub(crate) fn contract_from_row(r: &Row) -> rusqlite::Result<Contract> {
    let ext: Option<String> = r.get(8)?;
    Ok(Contract {
        id: r.get(0)?,
        cooperative_id: r.get(1)?,
        supplier_id: r.get(2)?,
        number: r.get(3)?,
        title: r.get(4)?,
        lead_agency: r.get(5)?,
        term_start: date_col(r, 6)?,
        term_end: date_col(r, 7)?,
        max_extension_end: ext.and_then(|d| d.parse().ok()),
        eligibility: json_col(r, 9)?,
        documents: json_col(r, 10)?,
        origin: r.get::<_, Option<String>>(11)?.and_then(|o| serde_json::from_str(&o).ok()),
        amendments: json_col(r, 12)?,
    })
}

pub(crate) const COOPERATIVE_COLUMNS: &str = "id, name, lead_agency, membership_required, website";
pub(crate) const SUPPLIER_COLUMNS: &str =
    "id, legal_name, identifiers, street, city, state, zip, phone, email, emergency_contact, contact";
pub(crate) const DEALER_COLUMNS: &str = "id, supplier_id, name, street, city, state, zip, phone, latitude, longitude";
/// Item columns, for a query that names the items table `i`.
pub(crate) const ITEM_COLUMNS: &str = "i.id, i.contract_id, i.supplier_sku, i.manufacturer, i.manufacturer_part,
    i.description, i.classifications, i.unit, i.list_cents, i.contract_cents, i.price_tiers, i.attributes, i.currency";

pub(crate) fn item_from_row(r: &Row) -> rusqlite::Result<CatalogueItem> {
    Ok(CatalogueItem {
        id: r.get(0)?,
        contract_id: r.get(1)?,
        supplier_sku: r.get(2)?,
        manufacturer: r.get(3)?,
        manufacturer_part: r.get(4)?,
        description: r.get(5)?,
        classifications: json_col(r, 6)?,
        unit: r.get(7)?,
        list_price: Cents(r.get(8)?),
        contract_price: Cents(r.get(9)?),
        price_tiers: json_col(r, 10)?,
        attributes: json_col(r, 11)?,
        currency: r.get(12)?,
    })
}

pub(crate) fn cooperative_from_row(r: &Row) -> rusqlite::Result<Cooperative> {
    Ok(Cooperative {
        id: r.get(0)?,
        name: r.get(1)?,
        lead_agency: r.get(2)?,
        membership_required: r.get(3)?,
        website: r.get(4)?,
    })
}

pub(crate) fn supplier_from_row(r: &Row) -> rusqlite::Result<Supplier> {
    let emergency: Option<String> = r.get(9)?;
    Ok(Supplier {
        id: r.get(0)?,
        legal_name: r.get(1)?,
        identifiers: json_col(r, 2)?,
        address: Address { street: r.get(3)?, city: r.get(4)?, state: r.get(5)?, zip: r.get(6)? },
        phone: r.get(7)?,
        email: r.get(8)?,
        emergency_contact: emergency.and_then(|e| serde_json::from_str(&e).ok()),
        contact: r.get::<_, Option<String>>(10)?.and_then(|c| serde_json::from_str(&c).ok()),
    })
}

pub(crate) fn dealer_from_row(r: &Row) -> rusqlite::Result<DealerLocation> {
    Ok(DealerLocation {
        id: r.get(0)?,
        supplier_id: r.get(1)?,
        name: r.get(2)?,
        address: Address { street: r.get(3)?, city: r.get(4)?, state: r.get(5)?, zip: r.get(6)? },
        phone: r.get(7)?,
        latitude: r.get(8)?,
        longitude: r.get(9)?,
    })
}

/// Where distances are measured from: the ZIP asked for, else the agency's.
pub(crate) fn origin(store: &Store, near_zip: Option<&str>) -> Result<Option<(String, Point)>> {
    let zip = match near_zip {
        Some(z) => Some(z.trim().to_owned()),
        None => store.agency_profile()?.map(|a| a.address.zip),
    };
    match zip {
        None => Ok(None),
        Some(z) => zip_point(&z).map(|p| Some((z, p))),
    }
}

/// A ZIP code's centroid, or the error a clerk who typed it should see.
pub(crate) fn zip_point(zip: &str) -> Result<Point> {
    zip_centroid(zip).ok_or_else(|| Error::Invalid(format!("'{zip}' is not a US ZIP code this app knows.")))
}

impl Store {
    pub fn cooperative(&self, id: &str) -> Result<Option<Cooperative>> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COOPERATIVE_COLUMNS} FROM cooperatives WHERE id = ?1"),
                [id],
                cooperative_from_row,
            )
            .optional()?)
    }

    pub fn contract(&self, id: &str) -> Result<Option<Contract>> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT {CONTRACT_COLUMNS} FROM contracts WHERE id = ?1"), [id], contract_from_row)
            .optional()?)
    }

    pub fn supplier(&self, id: &str) -> Result<Option<Supplier>> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT {SUPPLIER_COLUMNS} FROM suppliers WHERE id = ?1"), [id], supplier_from_row)
            .optional()?)
    }

    pub fn dealers_of(&self, supplier_id: &str) -> Result<Vec<DealerLocation>> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {DEALER_COLUMNS} FROM dealers WHERE supplier_id = ?1 ORDER BY name"))?;
        let rows = stmt.query_map([supplier_id], dealer_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Everything about a contract a clerk needs before buying on it: term,
    /// eligibility for this agency and why, documents, contacts, and the
    /// supplier's dealers nearest the agency (or `near_zip`).
    pub fn contract_detail(&self, id: &str, near_zip: Option<&str>, today: NaiveDate) -> Result<ContractDetail> {
        let missing = || Error::not_found("contract", id);
        let contract = self.contract(id)?.ok_or_else(missing)?;
        let cooperative = self.cooperative(&contract.cooperative_id)?.ok_or_else(missing)?;
        let supplier = self.supplier(&contract.supplier_id)?.ok_or_else(missing)?;
        let agency = self.agency_profile()?;
        let eligibility = evaluate(&contract.id, &contract.eligibility, &cooperative, agency.as_ref(), today);
        let from = origin(self, near_zip)?;
        let mut dealers: Vec<DealerDistance> = self
            .dealers_of(&supplier.id)?
            .into_iter()
            .map(|d| {
                let miles = from
                    .as_ref()
                    .map(|(_, p)| miles_between(*p, Point { latitude: d.latitude, longitude: d.longitude }));
                DealerDistance { dealer: d, miles }
            })
            .collect();
        dealers.sort_by(|a, b| a.miles.unwrap_or(f64::MAX).total_cmp(&b.miles.unwrap_or(f64::MAX)));
        let items: i64 =
            self.conn().query_row("SELECT count(*) FROM items WHERE contract_id = ?1", [id], |r| r.get(0))?;
        let hashes: Vec<String> = contract.documents.iter().map(|d| d.sha256.clone()).collect();
        let mut documents_kept: Vec<String> = self.cached_documents(&hashes)?.into_iter().collect();
        documents_kept.sort();
        let feed: String = self.conn().query_row("SELECT feed_id FROM contracts WHERE id = ?1", [id], |r| r.get(0))?;
        Ok(ContractDetail {
            documents_kept,
            local: feed == crate::import::LOCAL_FEED,
            sample: feed == crate::sample::SAMPLE_FEED_ID,
            status: ContractStatus::of(contract.term_start, contract.term_end, today),
            days_left: (contract.term_end - today).num_days(),
            contract,
            cooperative,
            supplier,
            eligibility,
            dealers,
            distance_from: from.map(|(z, _)| z),
            items: items as u64,
        })
    }

    pub fn item_detail(&self, id: &str) -> Result<ItemDetail> {
        self.conn()
            .query_row(
                &format!(
                    "SELECT {ITEM_COLUMNS}, c.number, c.title, c.term_end, co.name, s.legal_name
                     FROM items i JOIN contracts c ON c.id = i.contract_id
                     JOIN cooperatives co ON co.id = c.cooperative_id JOIN suppliers s ON s.id = c.supplier_id
                     WHERE i.id = ?1"
                ),
                [id],
                |r| {
                    let item = item_from_row(r)?;
                    Ok(ItemDetail {
                        saving_bps: Cents::saving_bps(item.list_price, item.contract_price),
                        item,
                        contract_number: r.get(13)?,
                        contract_title: r.get(14)?,
                        term_end: date_col(r, 15)?,
                        cooperative: r.get(16)?,
                        supplier: r.get(17)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| Error::not_found("item", id))
    }
}
