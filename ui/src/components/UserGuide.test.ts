import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/svelte";
import { flushSync } from "svelte";
import UserGuide from "./UserGuide.svelte";

afterEach(cleanup);

HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
  this.open = true;
};

describe("UserGuide", () => {
  it("opens the guide compiled into the window, with its sections", async () => {
    const { component } = render(UserGuide);
    await component.show();
    flushSync();
    const guide = screen.getByTestId("user-guide") as HTMLDialogElement;
    expect(guide.open).toBe(true);
    const sections = [...guide.querySelectorAll("h2")].map((h) => h.textContent);
    for (const s of ["Getting started", "Finding a contract", "Requisitions", "Emergency purchasing", "Your data"]) {
      expect(sections).toContain(s);
    }
    expect(guide.textContent).toContain("SAMPLE DATA");
  });
});
