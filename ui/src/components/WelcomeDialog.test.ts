import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import WelcomeDialog from "./WelcomeDialog.svelte";
import { setInvoker, type FirstRun } from "../lib/api";

afterEach(() => {
  cleanup();
  document.body.innerHTML = "";
});

// jsdom has no modal dialogs: opening one is enough for these tests.
HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
  this.open = false;
};

const fresh: FirstRun = {
  welcome: true,
  agency_set: false,
  purchasing_set: false,
  feeds: 0,
  imported_items: 0,
  sample_loaded: true,
  sample_removed: false,
};

function backend(first: FirstRun, calls: string[]) {
  setInvoker(async <T,>(cmd: string): Promise<T> => {
    calls.push(cmd);
    if (cmd === "first_run_get") return first as T;
    if (cmd === "first_run_done") return { ...first, welcome: false } as T;
    throw new Error(cmd);
  });
}

describe("WelcomeDialog", () => {
  it("opens for a new office, steps through skipped steps, and sends the clerk to the feeds", async () => {
    const calls: string[] = [];
    const chosen: string[] = [];
    backend(fresh, calls);
    const { component } = render(WelcomeDialog, { facets: null, onagency: () => {}, onsource: (w: string) => chosen.push(w) });
    await component.showIfNew();
    const dialog = screen.getByTestId("welcome") as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(dialog.dataset.checked).toBe("true");
    expect(screen.getByTestId("welcome-sample").textContent).toContain("made up");

    await fireEvent.click(screen.getByTestId("welcome-start"));
    expect(screen.getByTestId("welcome-step").textContent).toContain("Step 1 of 3: Your agency");
    await fireEvent.click(screen.getByTestId("welcome-skip-step"));
    expect(screen.getByTestId("welcome-step").textContent).toContain("Step 2 of 3: Purchasing rules");
    await fireEvent.click(screen.getByTestId("welcome-skip-step"));
    expect(screen.getByTestId("welcome-step").textContent).toContain("Step 3 of 3");
    expect(calls).not.toContain("first_run_done");
    await fireEvent.click(screen.getByTestId("welcome-feeds"));
    await Promise.resolve();
    expect(calls).toContain("first_run_done");
    expect(chosen).toEqual(["feeds"]);
    expect(dialog.open).toBe(false);
  });

  it("stays closed for an office past its first run, and Escape skips the whole walkthrough", async () => {
    const calls: string[] = [];
    backend({ ...fresh, welcome: false }, calls);
    const { component } = render(WelcomeDialog, { facets: null, onagency: () => {}, onsource: () => {} });
    await component.showIfNew();
    const dialog = screen.getByTestId("welcome") as HTMLDialogElement;
    expect(dialog.open).toBe(false);
    expect(dialog.dataset.checked).toBe("true");

    backend(fresh, calls);
    await component.showIfNew();
    expect(dialog.open).toBe(true);
    await fireEvent(dialog, new Event("cancel", { cancelable: true }));
    await Promise.resolve();
    expect(calls.filter((c) => c === "first_run_done")).toHaveLength(1);
  });
});
