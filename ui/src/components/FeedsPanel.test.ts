import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import FeedsPanel from "./FeedsPanel.svelte";
import { setInvoker, type Feed, type FeedSyncResult, type SyncProgress } from "../lib/api";

const feed: Feed = {
  id: "gulf-market",
  url: "https://feeds.example.org/gulf/manifest.json",
  public_keys: ["RWQ"],
  etag: null,
  manifest_expires_at: null,
  last_attempt_at: "2026-11-20T10:00:00Z",
  last_success_at: "2026-11-19T10:00:00Z",
  last_error: "Feed 'gulf-market' could not be synced: feeds.example.org could not be reached.",
  last_error_code: "sync_failed",
  key_rotated_at: null,
  added_at: "2026-11-01T00:00:00Z",
  sequence: 41,
  feed_name: "Gulf Marketplace",
  health: "stale",
};

afterEach(() => cleanup());

describe("FeedsPanel", () => {
  it("shows each feed's health and why its last sync failed", async () => {
    setInvoker(async <T,>(cmd: string): Promise<T> => {
      if (cmd === "feeds_list") return [feed] as T;
      throw new Error(cmd);
    });
    render(FeedsPanel, { onSynced: () => {} });
    const row = await screen.findByTestId("feed-row");
    expect(row.textContent).toContain("Gulf Marketplace");
    expect(row.textContent).toContain("stale: not synced for over a day");
    expect(row.textContent).toContain("publication 41");
    expect(row.textContent).toContain("could not be reached");
  });

  it("syncs with a progress bar and reports each feed's result", async () => {
    let release: () => void = () => {};
    let synced = 0;
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      if (cmd === "feeds_list") return [{ ...feed, last_error: null, health: "current" }] as T;
      if (cmd === "sync_now") {
        const channel = args?.onProgress as { onMessage: (p: SyncProgress) => void };
        channel.onMessage({
          feed_id: "gulf-market",
          phase: "downloading",
          bytes_done: 512 * 1024,
          bytes_total: 1024 * 1024,
          records_done: 0,
          records_total: 1000,
        });
        await new Promise<void>((r) => (release = r));
        const results: FeedSyncResult[] = [
          {
            feed_id: "gulf-market",
            report: {
              feed_id: "gulf-market",
              result: "updated",
              from_sequence: 41,
              sequence: 42,
              via: "deltas",
              bytes: 1,
              applied: [],
              key_rotated: false,
            },
            error: null,
          },
        ];
        return results as T;
      }
      throw new Error(cmd);
    });
    render(FeedsPanel, { onSynced: () => synced++ });
    await fireEvent.click(await screen.findByTestId("sync-now"));
    const bar = await screen.findByTestId("sync-progress");
    expect(bar.textContent).toContain("downloading 512.0 KB of 1.0 MB");
    expect(screen.getByTestId("sync-cancel")).toBeTruthy();
    release();
    const result = await screen.findByTestId("sync-result");
    expect(result.textContent).toContain("updated to publication 42");
    expect(synced).toBe(1);
  });

  it("shows the backend's reason when a feed cannot be added", async () => {
    setInvoker(async <T,>(cmd: string): Promise<T> => {
      if (cmd === "feeds_list") return [] as T;
      if (cmd === "feed_add") throw { code: "invalid_input", message: "That is not a minisign public key." };
      throw new Error(cmd);
    });
    render(FeedsPanel, { onSynced: () => {} });
    await fireEvent.click(await screen.findByTestId("feed-add-toggle"));
    const form = screen.getByTestId("feed-add-form");
    const [id, url, key] = Array.from(form.querySelectorAll("input"));
    await fireEvent.input(id!, { target: { value: "gulf" } });
    await fireEvent.input(url!, { target: { value: "https://x.example/manifest.json" } });
    await fireEvent.input(key!, { target: { value: "nonsense" } });
    await fireEvent.submit(form);
    expect((await screen.findByRole("alert")).textContent).toBe("That is not a minisign public key.");
  });
});
