// The price-file fields the Import panel lets a clerk map, in the order a
// price list usually has them, and the mapping a preview used.

import type { PriceField, PricePreview } from "./api";

export const PRICE_FIELDS: PriceField[] = [
  "sku",
  "manufacturer",
  "manufacturer_part",
  "description",
  "unit",
  "list_price",
  "contract_price",
  "discount",
  "classification",
  "contract_number",
  "vendor",
  "effective",
  "expiration",
];

export const FIELD_LABELS: Record<PriceField, string> = {
  sku: "SKU or catalog number",
  manufacturer: "Manufacturer",
  manufacturer_part: "Manufacturer part number",
  description: "Description",
  unit: "Unit of measure",
  list_price: "List price",
  contract_price: "Contract price",
  discount: "Discount %",
  classification: "Commodity code",
  contract_number: "Contract number",
  vendor: "Vendor",
  effective: "Effective date",
  expiration: "Expiration date",
};

/** The header each field was read from in a preview. */
export function chosenColumns(preview: PricePreview): Partial<Record<PriceField, string>> {
  const out: Partial<Record<PriceField, string>> = {};
  for (const field of PRICE_FIELDS) {
    const i = preview.mapping.columns[field];
    if (i !== undefined && preview.headers[i]?.trim()) out[field] = preview.headers[i];
  }
  return out;
}
