import { describe, expect, it } from "vitest";
import { hasUnsavedEdits, tracksEdits } from "./unsaved";

describe("unsaved edits", () => {
  it("are held from the first keystroke until the form is saved", () => {
    const form = document.createElement("form");
    form.appendChild(document.createElement("input"));
    document.body.appendChild(form);
    const action = tracksEdits(form);
    expect(hasUnsavedEdits()).toBe(false);
    form.querySelector("input")!.dispatchEvent(new Event("input", { bubbles: true }));
    expect(hasUnsavedEdits()).toBe(true);
    form.dispatchEvent(new Event("submit"));
    expect(hasUnsavedEdits()).toBe(false);
    action.destroy();
    form.querySelector("input")!.dispatchEvent(new Event("input", { bubbles: true }));
    expect(hasUnsavedEdits()).toBe(false);
    form.remove();
  });
});
