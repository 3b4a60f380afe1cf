import { describe, expect, it } from "vitest";
import { formatCents, formatSaving, plural } from "./format";

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
