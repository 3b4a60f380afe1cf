import { describe, expect, it } from "vitest";
import { Outcome, Refusal } from "./outcome.svelte";

describe("Outcome", () => {
  it("shows the message an action returns, and is busy only while it runs", async () => {
    const o = new Outcome();
    let release: () => void = () => {};
    const running = o.run(() => new Promise<string>((r) => (release = () => r("Saved."))));
    expect(o.busy).toBe(true);
    release();
    expect(await running).toBe(true);
    expect([o.busy, o.message, o.error]).toEqual([false, "Saved.", null]);
  });

  it("shows the backend's message for a failure, never a debug string", async () => {
    const o = new Outcome();
    expect(await o.run(() => Promise.reject({ code: "invalid_input", message: "The agency needs a name." }))).toBe(false);
    expect([o.message, o.error]).toEqual([null, "The agency needs a name."]);
    expect(await o.run(() => Promise.reject(new TypeError("x is undefined")))).toBe(false);
    expect(o.error).not.toContain("undefined");
  });

  it("a refusal made by the screen shows in its own words", async () => {
    const o = new Outcome();
    expect(await o.run(() => Promise.reject(new Refusal("Spend limit: 'lots' is not an amount.")))).toBe(false);
    expect(o.error).toBe("Spend limit: 'lots' is not an amount.");
  });

  it("a new action clears the last outcome", async () => {
    const o = new Outcome();
    o.fail("'abc' is not an amount.");
    await o.run(async () => {});
    expect([o.message, o.error]).toEqual([null, null]);
  });
});
