import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import DateInput from "./DateInput.svelte";

describe("DateInput", () => {
  it("shows an empty date as empty and reads what people type", async () => {
    const changed = vi.fn();
    render(DateInput, { props: { value: null, testid: "d", onchange: changed } });
    const input = screen.getByTestId("d") as HTMLInputElement;
    expect(input.value).toBe("");
    expect(input.placeholder).toBe("MM/DD/YYYY");
    await fireEvent.input(input, { target: { value: "2026-12-15" } });
    await fireEvent.change(input);
    expect(changed).toHaveBeenCalledTimes(1);
    expect(input.value).toBe("12/15/2026");
    await fireEvent.input(input, { target: { value: "1/5/2027" } });
    await fireEvent.change(input);
    expect(input.value).toBe("01/05/2027");
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it("says what is wrong with a date that is not one, or out of range", async () => {
    render(DateInput, { props: { value: "2026-12-01", testid: "d", min: "2026-11-01" } });
    const input = screen.getByTestId("d") as HTMLInputElement;
    expect(input.value).toBe("12/01/2026");
    await fireEvent.input(input, { target: { value: "2026-02-30" } });
    await fireEvent.change(input);
    expect(screen.getByRole("alert").textContent).toContain("MM/DD/YYYY or YYYY-MM-DD");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    await fireEvent.input(input, { target: { value: "10/15/2026" } });
    await fireEvent.change(input);
    expect(screen.getByRole("alert").textContent).toContain("cannot be before 11/01/2026");
  });
});
