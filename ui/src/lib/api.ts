// The only module that talks to the backend. Everything else imports from
// here, so the rest of the UI never sees Tauri and tests can stand in a
// backend of their own through `setInvoker`.

import { invoke } from "@tauri-apps/api/core";

/** Money in integer cents, as the core stores it. */
export type Cents = number;

export interface SearchQuery {
  text: string;
  limit: number;
  offset: number;
}

export interface SearchHit {
  item_id: string;
  description: string;
  supplier_sku: string;
  manufacturer_part: string | null;
  supplier: string;
  cooperative: string;
  contract_id: string;
  contract_number: string;
  unit: string;
  list_price: Cents;
  contract_price: Cents;
  /** Saving in basis points: 3125 is 31.25 %. */
  saving_bps: number | null;
}

export interface SearchPage {
  text: string;
  total: number;
  offset: number;
  hits: SearchHit[];
}

export interface FeedInfo {
  id: string;
  name: string;
  sequence: number;
  generated_at: string;
  applied_at: string;
}

export interface CatalogueStatus {
  feeds: FeedInfo[];
  cooperatives: number;
  suppliers: number;
  contracts: number;
  dealers: number;
  items: number;
}

export interface AppInfo {
  version: string;
  db_path: string | null;
}

/** An error from the backend: a stable code and a message for the clerk. */
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = "ApiError";
  }
}

/**
 * Turns whatever a failed call threw into an ApiError. Only messages the
 * backend wrote for people are shown; anything else becomes a plain sentence.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (typeof e === "object" && e !== null && "code" in e && "message" in e) {
    const { code, message } = e as { code: unknown; message: unknown };
    if (typeof code === "string" && typeof message === "string") return new ApiError(code, message);
  }
  return new ApiError("internal", "coopdesk could not reach its catalogue. Restart coopdesk and try again.");
}

type Invoker = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;
let invoker: Invoker = invoke;

/** For tests: answer commands without a backend. */
export function setInvoker(fn: Invoker): void {
  invoker = fn;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoker<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  catalogueStatus: () => call<CatalogueStatus>("catalogue_status"),
  search: (query: SearchQuery) => call<SearchPage>("search", { query }),
};
