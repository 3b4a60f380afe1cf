import { describe, expect, it } from "vitest";
import { formatSegments, parseSegments } from "./accounts";

describe("account segments", () => {
  it("round-trips the spec a clerk types", () => {
    const spec = "fund(3) department(3) program(2) object(4) project?";
    const parsed = parseSegments(spec);
    expect(parsed).toEqual([
      { name: "fund", digits: 3, required: true },
      { name: "department", digits: 3, required: true },
      { name: "program", digits: 2, required: true },
      { name: "object", digits: 4, required: true },
      { name: "project", digits: 0, required: false },
    ]);
    expect(formatSegments(parsed as never)).toBe(spec);
  });

  it("says which word is wrong", () => {
    expect(parseSegments("fund(3) 4x")).toBe("'4x' is not a segment like fund(3) or project?");
    expect(parseSegments("  ")).toBe("The account string needs at least one segment.");
  });
});
