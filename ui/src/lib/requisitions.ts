// What the requisition screens share.

import type { ReqHeader } from "./api";

/** The header of a new requisition: only its department, which its number needs. */
export function blankHeader(department: string): ReqHeader {
  return { department: department.trim(), requester: "", requester_phone: "", deliver_to: "", date_needed: null, purpose: "", notes: "" };
}
