import { describe, expect, it } from "vitest";
import { centsInput, formatCents, formatPrice, formatSaving, parseCents, parseDate, plural, statusLabel } from "./format";

describe("formatCents", () => {
  it.each([
    [0, "$0.00"],
    [5, "$0.05"],
    [123456, "$1,234.56"],
    [100000000, "$1,000,000.00"],
    [-250, "-$2.50"],
  ])("%i cents is %s", (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});

describe("formatPrice", () => {
  it("prints dollars with a sign and other currencies with their code", () => {
    expect(formatPrice(123456, "USD")).toBe("$1,234.56");
    expect(formatPrice(123456, undefined)).toBe("$1,234.56");
    expect(formatPrice(13_700_000, "GBP")).toBe("137,000.00 GBP");
  });
});

describe("formatSaving", () => {
  it.each([
    [3125, "31.3%"],
    [3000, "30.0%"],
    [-2000, "-20.0%"],
    [0, "0.0%"],
    [4, "0.0%"],
    [null, "—"],
  ])("%s basis points is %s", (bps, text) => {
    expect(formatSaving(bps)).toBe(text);
  });
});

describe("plural", () => {
  it("groups thousands and picks the form", () => {
    expect(plural(1, "item", "items")).toBe("1 item");
    expect(plural(5200, "item", "items")).toBe("5,200 items");
    expect(plural(0, "item", "items")).toBe("0 items");
  });
});

describe("money typed by a clerk", () => {
  it("parses the ways people write amounts", () => {
    expect(parseCents("1,234.50")).toBe(123450);
    expect(parseCents("$12")).toBe(1200);
    expect(parseCents("0.5")).toBe(50);
    expect(parseCents(".05")).toBe(5);
    expect(parseCents("")).toBeNull();
    expect(parseCents("1.234")).toBeNull();
    expect(parseCents("ten")).toBeNull();
    expect(centsInput(123450)).toBe("1234.50");
    expect(centsInput(5)).toBe("0.05");
  });

  it("labels statuses", () => {
    expect(statusLabel("partially_received")).toBe("Partially received");
  });
});

describe("parseDate", () => {
  it("reads ISO and US dates, keeps blank blank, refuses what is not a date", () => {
    expect(parseDate("2026-12-15")).toBe("2026-12-15");
    expect(parseDate("12/15/2026")).toBe("2026-12-15");
    expect(parseDate("1/5/26")).toBe("2026-01-05");
    expect(parseDate("  ")).toBe("");
    for (const bad of ["2026-02-30", "13/01/2026", "15.12.2026", "0015-12-12", "tomorrow"]) expect(parseDate(bad)).toBeNull();
  });
});
