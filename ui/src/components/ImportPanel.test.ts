import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import ImportPanel from "./ImportPanel.svelte";
import { setInvoker, type ImportOutcome, type ImportProgress, type ImportRequest } from "../lib/api";

afterEach(() => cleanup());

const toner = {
  line: 2, sku: "A-100", manufacturer: null, manufacturer_part: null, description: "Copier toner black", unit: "EA",
  list_price: 6450, contract_price: 6450, classification: null, contract_number: null, vendor: null, effective: null, expiration: null,
};

const preview = (request: ImportRequest): ImportOutcome => ({
  kind: "prices",
  file: "acme.csv",
  headers: ["Item", "What it is", "Cost each"],
  mapping: {
    sheet: "acme.csv",
    header_row: 0,
    columns: request.prices?.columns?.contract_price ? { sku: 0, description: 1, contract_price: 2 } : { sku: 0, description: 1 },
  },
  mapping_source: request.prices?.columns && Object.keys(request.prices.columns).length ? "chosen" : "detected",
  supplier: "Acme Supply",
  dry_run: request.dry_run,
  missing: request.prices?.columns?.contract_price ? [] : ["contract_price"],
  contracts: [
    { contract_number: "ACME-1", vendor: "Acme Supply", contract_id: "local-acme-1", existing: false, note: null, added: [toner], changed: [], unchanged: 0 },
  ],
  refused: [{ line: 3, reason: "the price 'call' is not a number" }],
  instructions: [],
  skipped: [{ lines: [5, 6, 7], summary: "Rows 5–7: notes or blank template rows, with no description or price; skipped" }],
  rounded: [2],
  rounded_note: "1 price was a computed number with more than two decimals, rounded to the cent (row 2)",
  empty_note: null,
  duplicates: [],
});

describe("ImportPanel", () => {
  it("previews a price file, takes a chosen column, then imports with it saved", async () => {
    const calls: ImportRequest[] = [];
    let imported = 0;
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      if (cmd === "import_log") return [] as T;
      if (cmd === "import_run") {
        const request = args?.request as ImportRequest;
        calls.push(request);
        return preview(request) as T;
      }
      throw new Error(cmd);
    });
    render(ImportPanel, { onImported: () => imported++ });
    await fireEvent.input(screen.getByTestId("import-location"), { target: { value: "/data/acme.csv" } });
    await fireEvent.click(screen.getByTestId("import-preview"));
    const summary = await screen.findByTestId("import-summary");
    expect(summary.textContent).toContain("Would import acme.csv");
    expect(screen.getByTestId("import-refused").textContent).toContain("Row 3: the price 'call' is not a number");
    expect(screen.getByTestId("import-refused").textContent).toContain("Rows 5–7: notes or blank template rows");
    expect(screen.getByTestId("import-rounded").textContent).toContain("1 price was a computed number");
    expect(screen.getByTestId("import-missing").textContent).toContain("Contract price");
    expect((screen.getByTestId("import-run") as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.change(screen.getByTestId("column-contract_price"), { target: { value: "Cost each" } });
    await screen.findByText(/columns as chosen/);
    expect(calls[1]?.prices?.columns).toEqual({ contract_price: "Cost each" });
    expect(calls[1]?.dry_run).toBe(true);

    await fireEvent.click(screen.getByTestId("import-save-mapping"));
    await fireEvent.click(screen.getByTestId("import-run"));
    await screen.findByText(/^Imported$/);
    expect(calls[2]).toMatchObject({ location: "/data/acme.csv", dry_run: false, prices: { save_mapping: true, columns: { contract_price: "Cost each" } } });
    expect(imported).toBe(1);
  });

  it("offers no Import when every row was refused, and says why", async () => {
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      if (cmd === "import_log") return [] as T;
      const request = args?.request as ImportRequest;
      const all = preview({ ...request, prices: { ...request.prices, columns: { contract_price: "Cost each" } } });
      if (all.kind !== "prices") throw new Error("a price preview");
      return { ...all, contracts: [{ ...all.contracts[0], added: [] }] } as T;
    });
    render(ImportPanel, { onImported: () => {} });
    await fireEvent.input(screen.getByTestId("import-location"), { target: { value: "/data/acme.csv" } });
    await fireEvent.click(screen.getByTestId("import-preview"));
    expect((await screen.findByTestId("import-nothing")).textContent).toContain("No row can be imported");
    expect((screen.getByTestId("import-run") as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows an OCDS import's progress, counts and what was skipped", async () => {
    let release: () => void = () => {};
    const summary: ImportOutcome = {
      kind: "ocds",
      source: "https://data.example.gov/ocds.json",
      sha256: "ab",
      read: { documents: 2, release_packages: 0, record_packages: 2, releases: 0, records: 2, encoding: "UTF-8" },
      processes: 2,
      cooperatives: { created: 1, updated: 0 },
      suppliers: { created: 1, updated: 0 },
      contracts: { created: 1, updated: 0 },
      items: { created: 3, updated: 0 },
      unpriced_items: 1,
      not_awarded: 0,
      skipped: [{ source: "x", record: "ocid ocds-1", field: "releases", reason: "the record links to its releases" }],
      dry_run: true,
    };
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      if (cmd === "import_log") return [] as T;
      if (cmd === "import_run") {
        (args?.onProgress as { onMessage: (p: ImportProgress) => void }).onMessage({ done: 1, total: 2 });
        await new Promise<void>((r) => (release = r));
        return summary as T;
      }
      throw new Error(cmd);
    });
    render(ImportPanel, { onImported: () => {} });
    await fireEvent.input(screen.getByTestId("import-location"), { target: { value: summary.source } });
    await fireEvent.click(screen.getByTestId("import-preview"));
    expect((await screen.findByTestId("import-progress")).textContent).toContain("1 of 2 processes");
    release();
    await screen.findByTestId("import-summary");
    expect(screen.getByTestId("created-items").textContent).toBe("3");
    expect(screen.getByTestId("import-skipped").textContent).toContain("ocid ocds-1 [releases]: the record links");
    expect(screen.getByText(/1 item has no unit price/)).toBeTruthy();
  });

  it("asks for a source before previewing", async () => {
    setInvoker(async <T,>(cmd: string): Promise<T> => {
      if (cmd === "import_log") return [] as T;
      throw new Error(cmd);
    });
    render(ImportPanel, { onImported: () => {} });
    await fireEvent.click(screen.getByTestId("import-preview"));
    expect((await screen.findByTestId("import-error")).textContent).toContain("Choose a file");
  });
});
