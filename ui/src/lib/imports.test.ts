import { describe, expect, it } from "vitest";
import type { PricePreview } from "./api";
import { chosenColumns, FIELD_LABELS, PRICE_FIELDS } from "./imports";

describe("chosenColumns", () => {
  it("names each mapped field by its header and leaves unmapped or blank ones out", () => {
    const preview = {
      headers: ["Item", "What it is", "", "Cost each"],
      mapping: { sheet: "acme.csv", header_row: 0, columns: { sku: 0, description: 1, unit: 2, contract_price: 3 } },
    } as unknown as PricePreview;
    expect(chosenColumns(preview)).toEqual({ sku: "Item", description: "What it is", contract_price: "Cost each" });
  });

  it("has a label for every field", () => {
    for (const f of PRICE_FIELDS) expect(FIELD_LABELS[f]).toBeTruthy();
  });
});
