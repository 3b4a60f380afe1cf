//! A price row as the catalog's own records (item, contract, supplier), so
//! a price file meets the same bounds as a feed or an OCDS publication: a
//! row the model would refuse is refused with the reason, never stored, and
//! what is written is exactly the record that was checked.

use super::columns::Field;
use super::parse::PriceRow;
use crate::import::slug;
use crate::model::{Address, CatalogueItem, Classification, Contract, Cooperative, Invalid, Supplier};
use crate::money::Currency;
use chrono::NaiveDate;

pub(super) fn local_item_id(contract: &str, sku: &str) -> String {
    format!("local-{}-{}", slug(contract), slug(sku))
}

pub(super) fn local_contract_id(contract: &str) -> String {
    format!("local-{}", slug(contract))
}

pub(super) fn local_supplier_id(vendor: &str) -> String {
    format!("local-{}", slug(vendor))
}

pub(super) fn local_cooperative_id(name: &str) -> String {
    format!("local-{}", slug(name))
}

/// The catalog item a row becomes on the contract numbered `number`.
pub(super) fn item(row: &PriceRow, contract_id: &str, number: &str, scheme: &str) -> CatalogueItem {
    CatalogueItem {
        id: local_item_id(number, &row.sku),
        contract_id: contract_id.to_owned(),
        supplier_sku: row.sku.clone(),
        manufacturer: row.manufacturer.clone(),
        manufacturer_part: row.manufacturer_part.clone(),
        description: row.description.clone(),
        classifications: row
            .classification
            .iter()
            .map(|c| Classification { scheme: scheme.to_owned(), code: c.trim().to_owned(), name: None })
            .collect(),
        unit: row.unit.clone(),
        list_price: row.list_price,
        contract_price: row.contract_price,
        price_tiers: vec![],
        attributes: vec![],
        currency: Currency::USD,
    }
}

/// Why the rows of a contract numbered `number` from `vendor` cannot be
/// stored, if they cannot: the number and the vendor's name have the same
/// bounds as a feed's contract and supplier.
pub(super) fn contract_refusal(number: &str, vendor: &str) -> Option<String> {
    let day = NaiveDate::default();
    let supplier = Supplier {
        id: local_supplier_id(vendor),
        legal_name: vendor.to_owned(),
        identifiers: vec![],
        address: Address::default(),
        phone: None,
        email: None,
        emergency_contact: None,
        contact: None,
    };
    let contract = Contract {
        id: local_contract_id(number),
        cooperative_id: "local".into(),
        supplier_id: supplier.id.clone(),
        number: number.to_owned(),
        title: price_list_title(vendor),
        lead_agency: None,
        term_start: day,
        term_end: day,
        max_extension_end: None,
        eligibility: Default::default(),
        documents: vec![],
        origin: None,
        amendments: vec![],
    };
    supplier.validate().and_then(|()| contract.validate()).err().map(reason)
}

/// Why a cooperative of this name cannot be stored, if it cannot.
pub(super) fn cooperative_refusal(name: &str) -> Option<String> {
    let coop = Cooperative {
        id: local_cooperative_id(name),
        name: name.to_owned(),
        lead_agency: None,
        membership_required: false,
        website: None,
    };
    coop.validate().err().map(|e| format!("the cooperative name {}", e.reason))
}

/// A local contract's title: whose price list it is.
pub(super) fn price_list_title(vendor: &str) -> String {
    format!("{vendor} price list")
}

/// A model refusal in the words of the price file's columns.
pub(super) fn reason(invalid: Invalid) -> String {
    let what = match invalid.field {
        "description" => Field::Description.label(),
        "supplier_sku" => Field::Sku.label(),
        "manufacturer" => Field::Manufacturer.label(),
        "manufacturer_part" => Field::ManufacturerPart.label(),
        "unit" => Field::Unit.label(),
        "list_price" => Field::ListPrice.label(),
        "contract_price" => Field::ContractPrice.label(),
        "classifications.code" | "classifications.scheme" => Field::Classification.label(),
        "number" => Field::ContractNumber.label(),
        // The contract's title and the supplier are both the vendor's name.
        "title" | "legal_name" | "id" => "vendor name",
        other => other,
    };
    format!("the {what} {}", invalid.reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::limits;
    use crate::money::Cents;

    fn row() -> PriceRow {
        PriceRow {
            line: 2,
            sku: "A-1".into(),
            manufacturer: None,
            manufacturer_part: None,
            description: "Battery".into(),
            unit: "EA".into(),
            list_price: Cents(100),
            contract_price: Cents(90),
            classification: Some("43211500".into()),
            contract_number: None,
            vendor: None,
            effective: None,
            expiration: None,
        }
    }

    #[test]
    fn a_row_over_a_bound_is_refused_in_the_files_words() {
        assert_eq!(item(&row(), "local-c", "C", "UNSPSC").validate(), Ok(()));
        let long = PriceRow { description: "x".repeat(limits::LONG_TEXT + 1), ..row() };
        let err = item(&long, "local-c", "C", "UNSPSC").validate().unwrap_err();
        assert_eq!(reason(err), "the description is longer than 2000 characters");
        let bell = PriceRow { unit: "E\u{7}A".into(), ..row() };
        let err = item(&bell, "local-c", "C", "UNSPSC").validate().unwrap_err();
        assert_eq!(reason(err), "the unit of measure contains control characters");
        let dear = PriceRow { contract_price: Cents(limits::MAX_CENTS + 1), ..row() };
        let err = item(&dear, "local-c", "C", "UNSPSC").validate().unwrap_err();
        assert_eq!(reason(err), "the contract price must be between $0 and $10,000,000,000");
    }

    #[test]
    fn a_contract_number_or_vendor_over_a_bound_refuses_its_rows() {
        assert_eq!(contract_refusal("GS-35F-376CA", "Pink Frog"), None);
        assert_eq!(
            contract_refusal(&"9".repeat(201), "Pink Frog").as_deref(),
            Some("the contract number is longer than 200 characters")
        );
        assert_eq!(
            contract_refusal("GS-1", &"V".repeat(201)).as_deref(),
            Some("the vendor name is longer than 200 characters")
        );
        assert!(cooperative_refusal("Sourcewell").is_none());
        assert!(cooperative_refusal("a\u{0}b").unwrap().contains("control characters"));
    }
}
