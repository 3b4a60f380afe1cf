import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import OfficeSettings from "./OfficeSettings.svelte";
import { setInvoker, type OfficeOverview, type RosterEntry } from "../lib/api";

afterEach(() => cleanup());

const entry = (name: string, key: string, extra: Partial<RosterEntry["person"]> = {}): RosterEntry => ({
  fingerprint: key,
  person: { key, name, title: "", roles: ["requester"], approval_limit: null, departments: [], active: true, ...extra },
  changed_at: "2026-11-27T12:00:00.000Z",
  changed_by: "Alex Admin",
});

const overview = (admitted: boolean): OfficeOverview => ({
  status: {
    office_id: "o1",
    name: "Harbor County Purchasing",
    url: "postgresql://coopdesk_app@db/office",
    fingerprint: "AAAA-BBBB-CCCC-DDDD-EEEE",
    key_in_keyring: false,
    me: admitted ? entry("Pat Lee", "AAAA-BBBB-CCCC-DDDD-EEEE", { roles: ["approver"], approval_limit: 500000, departments: ["Public Works"] }) : null,
    founder: "1111-2222-3333-4444-5555",
    waiting: admitted ? 0 : 2,
    last_contact: null,
    events: 3,
    head: "ab".repeat(32),
    problem: admitted ? null : "event number 7 that this laptop received is gone from the server",
    refused: [],
  },
  people: admitted ? [entry("Pat Lee", "AAAA-BBBB-CCCC-DDDD-EEEE", { roles: ["approver"], approval_limit: 500000, departments: ["Public Works"] })] : [],
});

describe("OfficeSettings", () => {
  it("says how to set up an office when there is none", async () => {
    setInvoker(async <T,>(): Promise<T> => ({ status: null, people: [] }) as T);
    render(OfficeSettings);
    expect((await screen.findByTestId("office-none")).textContent).toContain("not part of an office");
  });

  it("creates an office from the window once the passphrase is typed the same twice", async () => {
    const calls: [string, Record<string, unknown> | undefined][] = [];
    let created = false;
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      calls.push([cmd, args]);
      if (cmd === "office_keyring_available") return false as T;
      if (cmd === "office_init") {
        created = true;
        return overview(true).status as T;
      }
      if (cmd === "office_inbox") return { waiting_for_me: [], waiting_for_finance: [], ready_to_order: [], shared: [] } as T;
      return (created ? overview(true) : { status: null, people: [] }) as T;
    });
    render(OfficeSettings);
    await fireEvent.click(await screen.findByTestId("office-mode-create"));
    const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });
    await type("office-url", "postgresql://coopdesk_owner@db.harbor.gov/coopdesk");
    await type("office-office", "Harbor County Purchasing");
    await type("office-my-name", "Alex Admin");
    await type("office-new-passphrase", "alex passphrase");
    await type("office-new-passphrase-again", "alex passphrse");
    await fireEvent.submit(screen.getByTestId("office-setup"));
    expect((await screen.findByTestId("office-setup-error")).textContent).toBe(
      "The two passphrases differ: type the same one twice.",
    );
    expect(calls.some(([c]) => c === "office_init")).toBe(false);
    await type("office-new-passphrase-again", "alex passphrase");
    await fireEvent.submit(screen.getByTestId("office-setup"));
    expect((await screen.findByTestId("office-name")).textContent).toBe("Harbor County Purchasing");
    expect(calls.find(([c]) => c === "office_init")?.[1]).toEqual({
      url: "postgresql://coopdesk_owner@db.harbor.gov/coopdesk",
      office: "Harbor County Purchasing",
      name: "Alex Admin",
      protection: { kind: "passphrase", passphrase: "alex passphrase" },
    });
  });

  it("joins with the key kept in the keyring when the computer has one, asking no passphrase", async () => {
    const calls: [string, Record<string, unknown> | undefined][] = [];
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      calls.push([cmd, args]);
      if (cmd === "office_keyring_available") return true as T;
      if (cmd === "office_join") return { ...overview(false).status, key_in_keyring: true } as T;
      return { status: null, people: [] } as T;
    });
    render(OfficeSettings);
    expect(((await screen.findByTestId("office-use-keyring")) as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId("office-new-passphrase")).toBeNull();
    const type = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } });
    await type("office-url", "postgresql://coopdesk_app@db.harbor.gov/coopdesk");
    await type("office-my-name", "Casey Clerk");
    await fireEvent.submit(screen.getByTestId("office-setup"));
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.find(([c]) => c === "office_join")?.[1]).toEqual({
      url: "postgresql://coopdesk_app@db.harbor.gov/coopdesk",
      office: null,
      name: "Casey Clerk",
      protection: { kind: "keyring" },
    });
  });

  it("shows what waits, the server's problem, and a sync bringing an admission in", async () => {
    let admitted = false;
    setInvoker(async <T,>(cmd: string): Promise<T> => {
      if (cmd === "office_sync") {
        admitted = true;
        return { sent: 2, received: 1, refused: [], head: "ab".repeat(32) } as T;
      }
      if (cmd === "office_inbox") return { waiting_for_me: [], waiting_for_finance: [], ready_to_order: [], shared: [] } as T;
      return overview(admitted) as T;
    });
    render(OfficeSettings);
    expect((await screen.findByTestId("office-me")).textContent).toContain("AAAA-BBBB-CCCC-DDDD-EEEE");
    expect(screen.getByTestId("office-waiting").textContent).toBe("2 changes");
    expect(screen.getByTestId("office-problem").textContent).toContain("gone from the server");
    await fireEvent.click(screen.getByTestId("office-sync"));
    expect((await screen.findByTestId("office-message")).textContent).toBe("Sent 2 changes, received 1.");
    expect(screen.getByTestId("office-me").textContent?.trim()).toBe("Pat Lee (approver, up to $5,000.00, for Public Works)");
    expect(screen.getByTestId("office-waiting").textContent).toBe("0 changes");
  });

  it("signs an approval of the version shown, with the passphrase typed for it, then forgets the passphrase", async () => {
    const shared = {
      origin: "dev-c", number: "2027-PW-0001", requester: "Casey Clerk", requester_key: "k", version: "cd".repeat(32),
      status: "submitted", total: 165210, department: "PW", approved_by: [], po_number: null,
      finance_approved_by: null, needs_finance: false, outstanding: [[1, 10]], attachments_received: [],
      shared_at: "2026-11-27T12:00:00.000Z", decided_by: null, note: null,
      requisition: { lines: [{}], attachments: [], header: { purpose: "Replace the 911 centre's UPS batteries" } },
    };
    const calls: Record<string, unknown>[] = [];
    let decided = false;
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      if (cmd === "office_decide") {
        calls.push(args ?? {});
        decided = true;
        return { ...overview(true).status, waiting: 0 } as T;
      }
      if (cmd === "office_inbox") {
        return { waiting_for_me: decided ? [] : [shared], waiting_for_finance: [], ready_to_order: [], shared: [shared] } as T;
      }
      return overview(true) as T;
    });
    render(OfficeSettings);
    const item = await screen.findByTestId("inbox-item");
    expect(item.textContent).toContain("2027-PW-0001 from Casey Clerk (PW): $1,652.10");
    expect((screen.getByTestId("inbox-approve") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(screen.getByTestId("inbox-passphrase"), { target: { value: "pat passphrase" } });
    await fireEvent.click(screen.getByTestId("inbox-approve"));
    expect((await screen.findByTestId("office-message")).textContent).toBe(
      "Approved 2027-PW-0001 of Casey Clerk: signed, sent to the office.",
    );
    expect(calls).toEqual([{ number: "2027-PW-0001", from: "Casey Clerk", decision: { decision: "approved" }, passphrase: "pat passphrase" }]);
    expect(screen.getByTestId("inbox-empty").textContent).toContain("Nothing waits");
  });
});
