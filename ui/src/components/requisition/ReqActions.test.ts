import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import ReqActions from "./ReqActions.svelte";
import type { Requisition, Transition } from "../../lib/api";

const submitted = { number: "2027-PW-0001", status: "submitted", approved_by: null } as unknown as Requisition;

describe("ReqActions", () => {
  it("records the governing board's approval when no approver may approve the total", async () => {
    const steps: Transition[] = [];
    render(ReqActions, {
      props: {
        req: submitted,
        approvers: [],
        blocking: 0,
        busy: false,
        inOffice: false,
        onstep: async (t: Transition) => (steps.push(t), true),
        onreceive: vi.fn(),
        onshare: async () => true,
      },
    });
    expect(screen.queryByTestId("approve-button")).toBeNull();
    expect(screen.getByText(/No approver may approve this total/)).toBeTruthy();
    const meeting = screen.getByTestId("board-meeting");
    await fireEvent.input(meeting, { target: { value: "12/02/2026" } });
    await fireEvent.change(meeting);
    await fireEvent.input(screen.getByTestId("board-item"), { target: { value: "7.B" } });
    await fireEvent.click(screen.getByTestId("board-approve"));
    expect(steps).toEqual([{ action: "board_approve", meeting: "2026-12-02", agenda_item: "7.B" }]);
  });

  it("says whose approval it is and who recorded it", () => {
    render(ReqActions, {
      props: {
        req: { ...submitted, status: "approved", approved_by: "Pat Lee" } as unknown as Requisition,
        approvers: [],
        blocking: 0,
        busy: false,
        inOffice: false,
        onstep: async () => true,
        onreceive: vi.fn(),
        onshare: async () => true,
        approval: "Approval of Pat Lee, Public Works Director, recorded by Dana Reyes on 2026-11-27",
      },
    });
    expect(screen.getByTestId("req-approval").textContent).toBe(
      "Approval of Pat Lee, Public Works Director, recorded by Dana Reyes on 2026-11-27",
    );
  });
});
