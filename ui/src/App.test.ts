import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import App from "./App.svelte";
import { setInvoker, type CatalogueStatus, type SearchHit, type SearchPage, type SearchQuery } from "./lib/api";

const battery: SearchHit = {
  item_id: "i1",
  description: "UPS replacement battery <b>cartridge</b>",
  supplier_sku: "PEL-000001",
  manufacturer_part: "VO123-4567",
  supplier: "Pelican Supply Co.",
  cooperative: "Gulf States Purchasing Cooperative",
  contract_id: "ctr-1",
  contract_number: "GUL-2501-101",
  unit: "EA",
  list_price: 10000,
  contract_price: 7000,
  currency: "USD",
  saving_bps: 3000,
  term_end: "2027-06-30",
  days_left: 220,
  eligibility: "not_eligible",
  eligibility_note: "no membership agreement with Gulf States Purchasing Cooperative on file",
};

const status: CatalogueStatus = { feeds: [], cooperatives: 5, suppliers: 30, contracts: 30, dealers: 60, items: 1 };

let feeds: unknown[] = [];
// How many items the catalog pretends to hold (for paging).
let catalogueSize = 1;

// A backend that answers like the real one, over a one-item catalogue.
function backend(fail = false) {
  setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
    if (fail) throw { code: "db_too_new", message: "The database was written by a newer version of coopdesk." };
    if (cmd === "catalogue_status") return status as T;
    if (cmd === "feeds_list") return feeds as T;
    if (cmd === "facets") return { cooperatives: [], suppliers: [], attributes: [], classifications: [] } as T;
    if (cmd === "req_list") return { requisitions: [], total: 0 } as T;
    if (cmd === "incident_active") return null as T;
    if (cmd === "search" && catalogueSize > 1) {
      const q = args?.query as SearchQuery;
      const hits = Array.from({ length: Math.max(0, Math.min(q.limit, catalogueSize - q.offset)) }, (_, i) => ({
        ...battery,
        item_id: `i${q.offset + i}`,
        description: `Battery ${q.offset + i}`,
      }));
      return { text: q.text, total: catalogueSize, total_capped: false, offset: q.offset, hits, suggestions: [], nearest_dealer: null, showing_for: null } as T;
    }
    if (cmd === "search") {
      const q = args?.query as SearchQuery;
      const match = q.text === "" || battery.description.toLowerCase().includes(q.text.toLowerCase());
      const page: SearchPage = {
        text: q.text,
        total: match ? 1 : 0,
        total_capped: false,
        offset: 0,
        hits: match ? [battery] : [],
        suggestions: match ? [] : ["battery"],
        nearest_dealer: null,
        showing_for: null,
      };
      return page as T;
    }
    throw new Error(`unexpected command ${cmd}`);
  });
}

afterEach(() => {
  cleanup();
  catalogueSize = 1;
});

describe("App", () => {
  it("shows thousands of results a page at a time", async () => {
    catalogueSize = 120;
    backend();
    render(App);
    expect(await screen.findByText("120 items in the catalog")).toBeTruthy();
    // The rows a window shows come first; the rest of the page a frame later.
    expect(screen.getAllByTestId("result-row").length).toBeLessThanOrEqual(16);
    await waitFor(() => expect(screen.getAllByTestId("result-row")).toHaveLength(50));
    expect(screen.getByTestId("pager").textContent).toContain("Page 1 of 3");
    await fireEvent.click(screen.getByTestId("page-next"));
    expect(await screen.findByText("Battery 50")).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId("result-row")).toHaveLength(50));
    expect(screen.getByTestId("pager").textContent).toContain("items 51–100");
    await fireEvent.click(screen.getByTestId("page-next"));
    expect(await screen.findByText("Battery 119")).toBeTruthy();
    expect(screen.getAllByTestId("result-row")).toHaveLength(20);
    expect((screen.getByTestId("page-next") as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows the catalog with prices and saving on start", async () => {
    backend();
    render(App);
    expect(await screen.findByText("1 item in the catalog")).toBeTruthy();
    const row = screen.getByTestId("result-row");
    expect(row.textContent).toContain("$100.00");
    expect(row.textContent).toContain("$70.00");
    expect(row.textContent).toContain("30.0%");
    expect(row.textContent).toContain("GUL-2501-101");
    const elig = screen.getByTestId("eligibility-cell");
    expect(elig.textContent?.trim()).toBe("no");
    expect(elig.getAttribute("title")).toContain("no membership agreement");
    // Feed text is text: markup in a description is not interpreted.
    expect(row.querySelector("b")).toBeNull();
    expect(row.textContent).toContain("<b>cartridge</b>");
  });

  it("answers as the clerk types, and says plainly when nothing matches", async () => {
    backend();
    render(App);
    await screen.findByText("1 item in the catalog");
    const input = screen.getByTestId("search-input") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "battery" } });
    expect(await screen.findByText(/1 item matches “battery”/)).toBeTruthy();
    await fireEvent.input(input, { target: { value: "batery" } });
    expect(await screen.findByTestId("no-results")).toBeTruthy();
    // A spelling suggestion is one click away.
    await fireEvent.click(await screen.findByTestId("suggestion"));
    expect(await screen.findByText(/1 item matches “battery”/)).toBeTruthy();
  });

  it("shows the backend's message, not a debug string, when the catalog cannot open", async () => {
    backend(true);
    render(App);
    const alert = await screen.findByRole("alert");
    // The core's message, then the window's own way forward for that code.
    expect(alert.textContent).toBe(
      "The database was written by a newer version of coopdesk. Start coopdesk with another database file (COOPDESK_DB).",
    );
  });

  it("always shows when each feed last synced, and warns when it is stale", async () => {
    feeds = [
      {
        id: "gulf-market",
        feed_name: "Gulf Marketplace",
        last_success_at: "2026-11-01T00:00:00Z",
        last_error: null,
        health: "stale",
      },
    ];
    backend();
    render(App);
    const line = await screen.findByTestId("footer-feed");
    expect(line.textContent).toContain("Gulf Marketplace: synced");
    expect(line.textContent).toContain("stale");
    feeds = [];
  });

  it("focuses the search box with / and Ctrl+K", async () => {
    backend();
    render(App);
    await screen.findByText("1 item in the catalog");
    const input = screen.getByTestId("search-input");
    input.blur();
    await fireEvent.keyDown(window, { key: "/" });
    expect(document.activeElement).toBe(input);
    input.blur();
    await fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    expect(document.activeElement).toBe(input);
  });

  it("leaves Enter on a button to the button, and opens the selected result from the search box", async () => {
    // jsdom lays nothing out, so it has no scrollIntoView for the selection.
    Element.prototype.scrollIntoView ??= function () {};
    backend();
    render(App);
    await screen.findByText("1 item in the catalog");
    const input = screen.getByTestId("search-input");
    await fireEvent.keyDown(input, { key: "ArrowDown" });
    const button = screen.getByTestId("settings-toggle");
    button.focus();
    // fireEvent answers false when a handler prevented the default.
    expect(await fireEvent.keyDown(button, { key: "Enter" })).toBe(true);
    expect(await fireEvent.keyDown(input, { key: "Enter" })).toBe(false);
  });

  it("moves through the results with the keyboard: one Tab stop, arrows, Home and End, Escape back", async () => {
    Element.prototype.scrollIntoView ??= function () {};
    catalogueSize = 120;
    backend();
    render(App);
    await screen.findByText("120 items in the catalog");
    const input = screen.getByTestId("search-input");
    const row = (i: number) => screen.getAllByTestId("result-row")[i]!;
    const rows = () => screen.getAllByTestId("result-row");
    // The list is one Tab stop: the selected row.
    expect(rows().filter((r) => r.tabIndex === 0)).toHaveLength(1);
    expect(screen.getByTestId("skip-to-results").getAttribute("href")).toBe("#results");

    await fireEvent.keyDown(input, { key: "ArrowDown" });
    await waitFor(() => expect(document.activeElement).toBe(row(0)));
    await fireEvent.keyDown(row(0), { key: "ArrowDown" });
    await waitFor(() => expect(document.activeElement).toBe(row(1)));
    expect(row(1).getAttribute("aria-selected")).toBe("true");
    expect(row(1).tabIndex).toBe(0);
    expect(row(0).tabIndex).toBe(-1);
    await fireEvent.keyDown(row(1), { key: "End" });
    await waitFor(() => expect(document.activeElement).toBe(row(49)));
    await fireEvent.keyDown(row(49), { key: "Home" });
    await waitFor(() => expect(document.activeElement).toBe(row(0)));
    await fireEvent.keyDown(row(0), { key: "Escape" });
    expect(document.activeElement).toBe(input);
  });
});
