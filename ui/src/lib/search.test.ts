import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSearcher, type SearchOutcome } from "./search";
import type { SearchPage } from "./api";

function page(text: string): SearchPage {
  return { text, total: 1, total_capped: false, offset: 0, hits: [], suggestions: [], nearest_dealer: null, showing_for: null };
}

describe("createSearcher", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("waits for a pause in typing and searches once", async () => {
    const run = vi.fn(async (t: string) => page(t));
    const got: SearchOutcome[] = [];
    const s = createSearcher(run, (o) => got.push(o), 100);
    s.input("u");
    s.input("up");
    s.input("ups");
    await vi.advanceTimersByTimeAsync(99);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith("ups");
    expect(got).toEqual([{ ok: page("ups") }]);
  });

  it("drops an answer that arrives after a newer query", async () => {
    const resolvers: Array<(p: SearchPage) => void> = [];
    const run = (t: string) => new Promise<SearchPage>((r) => resolvers.push(() => r(page(t))));
    const got: SearchOutcome[] = [];
    const s = createSearcher(run, (o) => got.push(o), 0);
    s.now("slow");
    s.now("fast");
    resolvers[1]!(page("fast"));
    await Promise.resolve();
    resolvers[0]!(page("slow"));
    await Promise.resolve();
    await Promise.resolve();
    expect(got).toEqual([{ ok: page("fast") }]);
  });

  it("delivers backend errors as ApiError with the backend's message", async () => {
    const run = async () => {
      throw { code: "db_busy", message: "The database is in use by another coopdesk window." };
    };
    const got: SearchOutcome[] = [];
    const s = createSearcher(run, (o) => got.push(o), 0);
    s.now("x");
    await vi.runAllTimersAsync();
    const only = got[0]!;
    expect("err" in only && only.err.code).toBe("db_busy");
    expect("err" in only && only.err.message).toContain("in use by another");
  });

  it("never shows a raw exception to the clerk", async () => {
    const run = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    };
    const got: SearchOutcome[] = [];
    createSearcher(run, (o) => got.push(o), 0).now("x");
    await vi.runAllTimersAsync();
    const only = got[0]!;
    expect("err" in only && only.err.message).not.toContain("undefined");
  });
});
