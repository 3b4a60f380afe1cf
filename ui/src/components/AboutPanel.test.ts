import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import AboutPanel from "./AboutPanel.svelte";
import { setInvoker, type DownloadProgress, type UpdateStatus } from "../lib/api";

const checking: UpdateStatus = {
  current: "0.1.0",
  policy: { kind: "check", endpoint: "https://it.harbor.gov/coopdesk/latest.json", settings: "/etc/coopdesk/updates.toml" },
  installed: null,
};

afterEach(() => {
  cleanup();
  document.body.innerHTML = "";
});

// jsdom has no modal dialogs: opening one is enough for these tests.
HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
  this.open = true;
};

describe("AboutPanel", () => {
  it("finds a newer release, installs it with progress, and restarts only without unsaved edits", async () => {
    const restarts: unknown[] = [];
    setInvoker(async <T,>(cmd: string, args?: Record<string, unknown>): Promise<T> => {
      if (cmd === "update_status") return checking as T;
      if (cmd === "update_check")
        return { kind: "available", current: "0.1.0", version: "0.1.1", notes: "Invoices from files.", date: "2026-12-07" } as T;
      if (cmd === "update_install") {
        const channel = args?.onProgress as { onMessage: (p: DownloadProgress) => void };
        channel.onMessage({ received: 1_048_576, total: 2_097_152 });
        return "0.1.1" as T;
      }
      if (cmd === "update_restart") {
        restarts.push(args?.unsaved);
        if (args?.unsaved) throw { code: "unsaved", message: "Save or discard the changes you are making first, then restart." };
        return undefined as T;
      }
      throw new Error(cmd);
    });
    const { component } = render(AboutPanel);
    await component.show(true);
    expect((await screen.findByTestId("update-policy")).textContent).toContain("it.harbor.gov");
    expect((await screen.findByTestId("update-available")).textContent).toContain("coopdesk 0.1.1 is available (2026-12-07)");
    expect(screen.getByTestId("update-notes").textContent).toBe("Invoices from files.");
    await fireEvent.click(screen.getByTestId("update-install"));
    expect((await screen.findByTestId("update-installed")).textContent).toContain("coopdesk 0.1.1 is installed");

    // A form with something typed and not saved holds the restart.
    const form = document.createElement("form");
    form.dataset.unsaved = "true";
    document.body.appendChild(form);
    await fireEvent.click(screen.getByTestId("update-restart"));
    expect((await screen.findByTestId("update-error")).textContent).toContain("Save or discard");
    form.remove();
    await fireEvent.click(screen.getByTestId("update-restart"));
    expect(restarts).toEqual([true, false]);
  });

  it("says why nothing is checked, and that an older release is not installed", async () => {
    let policy: UpdateStatus["policy"] = { kind: "off", reason: "Your IT staff turned off the update check." };
    setInvoker(async <T,>(cmd: string): Promise<T> => {
      if (cmd === "update_status") return { ...checking, policy } as T;
      if (cmd === "update_check") return { kind: "up_to_date", current: "0.1.1", offered: "0.1.0" } as T;
      throw new Error(cmd);
    });
    const { component } = render(AboutPanel);
    await component.show(true);
    expect((await screen.findByTestId("update-policy")).textContent).toContain("turned off");
    expect(screen.queryByTestId("update-check")).toBeNull();

    policy = checking.policy;
    await component.show(true);
    const none = await screen.findByTestId("update-none");
    expect(none.textContent).toContain("offers 0.1.0, which is not newer than this 0.1.1; nothing was installed");
  });
});
