// What the requisition editor hands its sections: how to make a change. The
// editor runs it, shows the backend's answer, and reports any error once.
import type { RequisitionView } from "../../lib/api";

// Resolves to whether the change was made.
export type Act = (change: () => Promise<RequisitionView>, after?: () => void) => Promise<boolean>;
