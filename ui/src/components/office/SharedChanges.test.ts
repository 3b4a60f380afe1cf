import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import SharedChanges from "./SharedChanges.svelte";
import { setInvoker, type SharedRequisition } from "../../lib/api";

afterEach(() => cleanup());

const line = (quantity: number, account: string) => ({
  position: 1, item_id: null, vendor: "Pelican Power Supply", evidence: null, quantity, received: 0, unit: "EA",
  description: "UPS battery", supplier_sku: "B-1", manufacturer_part: "", unit_price: 15000, account, tax_exempt: false,
});

const shared = (conflict: boolean): SharedRequisition =>
  ({
    origin: "dev-c", number: "2027-PW-0001", requester: "Casey Clerk", requester_key: "k", version: "ab".repeat(32),
    status: "returned", total: 150000, department: "PW", approved_by: [], finance_approved_by: null, needs_finance: false,
    po_number: null, outstanding: [[1, 10]], shared_at: "2026-11-27T12:00:00.000Z", decided_by: null, note: null,
    attachments_received: [],
    requisition: { number: "2027-PW-0001", lines: [line(10, "100-210-01-5240")], attachments: [], header: { purpose: "UPS batteries" } },
    conflict: conflict
      ? { version: "cd".repeat(32), author: "Casey Clerk", requisition: { lines: [line(9, "100-210-01-5230")], attachments: [], header: { purpose: "UPS batteries" } } }
      : null,
  }) as unknown as SharedRequisition;

describe("SharedChanges", () => {
  it("shows both versions in conflict and keeps the one chosen, signed", async () => {
    const calls: [string, Record<string, unknown> | undefined][] = [];
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      calls.push([cmd, args]);
      return { waiting: 0 } as T;
    });
    let said = "";
    render(SharedChanges, { shared: shared(true), passphrase: "casey passphrase", signed: async (m: string) => void (said = m) });
    const block = screen.getByTestId("office-conflict").textContent ?? "";
    expect(block).toContain("10 × UPS battery, account 100-210-01-5240");
    expect(block).toContain("Casey Clerk's version");
    expect(block).toContain("9 × UPS battery, account 100-210-01-5230");
    await fireEvent.click(screen.getByTestId("office-keep-other"));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([
      ["office_resolve", { number: "2027-PW-0001", from: "Casey Clerk", keepOther: true, passphrase: "casey passphrase" }],
    ]);
    expect(said).toBe("Kept Casey Clerk's version of 2027-PW-0001; sent to the office.");
  });

  it("sends only what was changed", async () => {
    const calls: Record<string, unknown>[] = [];
    setInvoker(async <T,>(_cmd: string, args?: Record<string, unknown>): Promise<T> => {
      calls.push(args ?? {});
      return { waiting: 1 } as T;
    });
    render(SharedChanges, { shared: shared(false), passphrase: "jordan passphrase", signed: async () => {} });
    await fireEvent.click(screen.getByTestId("office-edit"));
    await fireEvent.input(screen.getByTestId("office-edit-qty"), { target: { value: "12" } });
    await fireEvent.submit(screen.getByTestId("office-edit-form"));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls[0]?.edit).toEqual({ quantities: [[1, 12]], accounts: [], purpose: null, notes: null });
  });
});
