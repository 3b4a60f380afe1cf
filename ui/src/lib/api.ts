// The only module that talks to the backend. Everything else imports from
// here, so the rest of the UI never sees Tauri and tests can stand in a
// backend of their own through `setInvoker`.

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { open, save } from "@tauri-apps/plugin-dialog";

/** Money in integer cents, as the core stores it. */
export type Cents = number;

export type StatusFilter = { kind: "active" } | { kind: "expired" } | { kind: "expiring_within"; days: number };

export interface Filters {
  cooperative_id?: string | null;
  supplier_id?: string | null;
  classification?: string | null;
  min_price?: Cents | null;
  max_price?: Cents | null;
  attributes?: string[];
  status?: StatusFilter | null;
  eligible_only?: boolean;
  near?: { zip: string; miles: number } | null;
}

export type Sort = "relevance" | "contract_price" | "saving" | "expiry";

export interface SearchQuery {
  text: string;
  limit: number;
  offset: number;
  filters?: Filters;
  sort?: Sort;
}

export type Verdict = "eligible" | "not_eligible" | "unknown";

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
  /** ISO 4217 code of the prices: USD unless imported from abroad. */
  currency: string;
  /** Saving in basis points: 3125 is 31.25 %. */
  saving_bps: number | null;
  term_end: string;
  days_left: number;
  eligibility: Verdict;
  eligibility_note: string | null;
}

export interface SearchPage {
  text: string;
  /** Matches, counted up to 10,000. */
  total: number;
  /** There are more matches than `total`. */
  total_capped: boolean;
  offset: number;
  hits: SearchHit[];
  suggestions: string[];
}

export interface Choice {
  id: string;
  name: string;
}

export interface Facets {
  cooperatives: Choice[];
  suppliers: Choice[];
  attributes: string[];
  classifications: Choice[];
}

export interface Address {
  street: string;
  city: string;
  state: string;
  zip: string;
}

export interface ContractDocument {
  title: string;
  kind: string;
  sha256: string;
  size: number;
  url: string;
}

export interface ContractOrigin {
  ocid: string;
  source: string;
  /** "framework agreement", "call-off", "contract" or "award". */
  kind: string;
  publisher?: string;
  status?: string;
  /** Total value as published, e.g. "44,341.25 GBP". */
  value?: string;
}

export interface Amendment {
  id?: string;
  date?: string;
  description?: string;
  rationale?: string;
}

export interface ContractDetail {
  contract: {
    id: string;
    number: string;
    title: string;
    lead_agency: string | null;
    term_start: string;
    term_end: string;
    max_extension_end: string | null;
    eligibility: {
      states: string[];
      entity_types: string[];
      requires_membership: boolean;
      requires_participating_addendum: boolean;
      single_award: boolean;
    };
    documents: ContractDocument[];
    /** Where an imported contract came from. */
    origin?: ContractOrigin;
    amendments?: Amendment[];
  };
  cooperative: { id: string; name: string; lead_agency: string | null; membership_required: boolean };
  supplier: {
    id: string;
    legal_name: string;
    address: Address;
    phone: string | null;
    email: string | null;
    emergency_contact: { name: string; phone: string | null; email: string | null } | null;
    contact?: { name: string; phone: string | null; email: string | null };
  };
  status: "not_started" | "active" | "expired";
  days_left: number;
  eligibility: { verdict: Verdict; reasons: string[]; basis: string[] };
  dealers: { dealer: { id: string; name: string; address: Address; phone: string | null }; miles: number | null }[];
  distance_from: string | null;
  items: number;
  /** Hashes of the documents with a copy kept on this machine. */
  documents_kept: string[];
  /** Imported by the clerk, not delivered by a feed. */
  local: boolean;
}

export interface ItemDetail {
  item: {
    id: string;
    contract_id: string;
    supplier_sku: string;
    manufacturer: string | null;
    manufacturer_part: string | null;
    description: string;
    classifications: { scheme: string; code: string; name: string | null }[];
    unit: string;
    list_price: Cents;
    contract_price: Cents;
    price_tiers: { min_quantity: number; unit_price: Cents }[];
    attributes: string[];
    /** Absent means US dollars. */
    currency?: string;
  };
  saving_bps: number | null;
  contract_number: string;
  contract_title: string;
  term_end: string;
  cooperative: string;
  supplier: string;
}

export type EntityType =
  | "city"
  | "county"
  | "school_district"
  | "special_district"
  | "higher_education"
  | "state_agency"
  | "tribal"
  | "nonprofit";

export interface AgencyProfile {
  name: string;
  entity_type: EntityType;
  address: Address;
  memberships: { cooperative_id: string; signed_on: string; expires_on: string | null }[];
  addenda: { contract_id: string; state: string; signed_on: string; expires_on: string | null }[];
  single_award_prohibited: boolean;
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

export type FeedHealth = "new" | "current" | "stale" | "expired";

/** A marketplace feed the agency follows. */
export interface Feed {
  id: string;
  url: string;
  public_keys: string[];
  manifest_expires_at: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  last_error_code: string | null;
  key_rotated_at: string | null;
  added_at: string;
  sequence: number | null;
  feed_name: string | null;
  health: FeedHealth;
}

export interface SyncProgress {
  feed_id: string;
  phase: "checking" | "downloading" | "applying";
  bytes_done: number;
  bytes_total: number;
  records_done: number;
  records_total: number;
}

export interface SyncReport {
  feed_id: string;
  result: "updated" | "up_to_date" | "not_modified";
  from_sequence: number | null;
  sequence: number | null;
  via: string | null;
  bytes: number;
  key_rotated: boolean;
}

export interface FeedSyncResult {
  feed_id: string;
  report: SyncReport | null;
  error: { code: string; message: string } | null;
}

// ---- Requisitions ---------------------------------------------------------

export type ReqStatus =
  | "draft"
  | "submitted"
  | "approved"
  | "ordered"
  | "partially_received"
  | "received"
  | "closed"
  | "cancelled";

export interface ReqHeader {
  department: string;
  requester: string;
  requester_phone: string;
  deliver_to: string;
  /** YYYY-MM-DD */
  date_needed: string | null;
  purpose: string;
  notes: string;
  justification?: { kind: "sole_source" | "emergency" | "other"; text: string } | null;
}

export interface Evidence {
  item: ItemDetail["item"];
  contract: ContractDetail["contract"];
  cooperative: { id: string; name: string };
  supplier_name: string;
  contract_version: string;
  document_sha256: string | null;
  feed_id: string;
  feed_sequence: number;
  feed_applied_at: string;
  captured_at: string;
}

export interface ReqLine {
  position: number;
  item_id: string | null;
  quantity: number;
  received: number;
  unit: string;
  description: string;
  supplier_sku: string;
  manufacturer_part: string;
  unit_price: Cents;
  account: string;
  tax_exempt: boolean;
  vendor: string | null;
  evidence: Evidence | null;
}

export type AttachmentKind = "quote" | "price_list" | "memo" | "receipt" | "invoice" | "other";

export interface Attachment {
  id: number;
  sha256: string;
  size: number;
  file_name: string;
  media_type: string;
  kind: AttachmentKind;
  vendor: string | null;
  amount: Cents | null;
  quoted_on: string | null;
  note: string;
  added_at: string;
}

export interface Acknowledgement {
  finding_key: string;
  message: string;
  by: string;
  note: string;
  at: string;
}

export interface EmergencyDocs {
  need: string;
  duration: string;
  competition: string;
  price_reasonableness: string;
  conflict_of_interest: string;
}

export interface EmergencyInfo {
  incident_id: number;
  incident_name: string;
  authorization: string;
  project: string | null;
  docs: EmergencyDocs;
}

export interface Requisition {
  id: number;
  number: string;
  status: ReqStatus;
  fiscal_year: number;
  header: ReqHeader;
  supplier_id: string | null;
  vendor: { name: string; address: Address; phone: string | null; email: string | null } | null;
  po_number: string | null;
  approved_by: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  approved_at: string | null;
  ordered_at: string | null;
  closed_at: string | null;
  lines: ReqLine[];
  attachments: Attachment[];
  acknowledgements: Acknowledgement[];
  emergency?: EmergencyInfo | null;
}

export type Severity = "error" | "warning" | "gap" | "info";

export interface Finding {
  key: string;
  severity: Severity;
  message: string;
  line: number | null;
  acknowledged: Acknowledgement | null;
}

export interface LineState {
  position: number;
  extended: Cents;
  current_unit_price: Cents | null;
  item_gone: boolean;
  price_changed: boolean;
  list_extended: Cents | null;
}

export interface HistoryEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  detail: unknown;
  state_hash: string;
  hash: string;
}

export interface RequisitionView {
  requisition: Requisition;
  lines: LineState[];
  total: Cents;
  off_contract_total: Cents;
  list_total: Cents;
  saving: Cents;
  findings: Finding[];
  ready: boolean;
  /** Findings that stand in the way (errors, unacknowledged warnings). */
  blocking: number;
  /** Who may approve it under the rules in force, with a limit that covers the total. */
  approvers: Approver[];
  history: HistoryEntry[];
}

export interface ReqListFilter {
  status?: ReqStatus | null;
  department?: string | null;
  supplier?: string | null;
  from?: string | null;
  to?: string | null;
}

export interface RequisitionSummary {
  number: string;
  status: ReqStatus;
  department: string;
  requester: string;
  vendor: string | null;
  supplier_id: string | null;
  date_needed: string | null;
  created_at: string;
  lines: number;
  total: Cents;
}

export interface RequisitionList {
  requisitions: RequisitionSummary[];
  total: Cents;
}

export interface ManualLine {
  description: string;
  unit: string;
  quantity: number;
  unit_price: Cents;
  vendor: string;
  supplier_sku: string;
  manufacturer_part: string;
  account: string;
  tax_exempt: boolean;
}

export interface LineEdit {
  quantity?: number | null;
  account?: string | null;
  tax_exempt?: boolean | null;
  description?: string | null;
  unit_price?: Cents | null;
}

export interface NewAttachment {
  file_name: string;
  kind: AttachmentKind;
  quote: { vendor: string | null; amount: Cents | null; quoted_on: string | null };
  note: string;
}

export type Transition =
  | { action: "submit" }
  | { action: "return_to_draft"; reason: string }
  | { action: "approve"; approver: string }
  | { action: "order"; po_number: string }
  | { action: "receive"; receipts: [number, number][] }
  | { action: "close"; reason: string }
  | { action: "cancel"; reason: string };

export interface PurchasingSettings {
  number_pattern: string;
  fiscal_year_start_month: number;
  account_segments: { name: string; digits: number; required: boolean }[];
  account_separator: string;
  thresholds: {
    micro_purchase: Cents;
    quotes_above: Cents;
    quotes_required: number;
    formal_bid: Cents;
    board_approval: Cents;
    split_window_days: number;
  };
  approvers: { name: string; title: string; limit: Cents | null }[];
  operator: string;
  save_folder: string | null;
  emergency_number_pattern: string;
  emergency_templates: { field: keyof EmergencyDocs; title: string; text: string }[];
  signatories: Record<"department_head" | "finance" | "purchasing", { name: string; title: string }>;
}

export type Paper = "letter" | "a4";

export interface Packet {
  content_hash: string;
  short_hash: string;
  pages: number;
  notes: string[];
}

export interface Approver {
  name: string;
  title: string;
  limit: Cents | null;
}

export interface EmergencyRules {
  micro_purchase: Cents;
  quotes_above: Cents;
  quotes_required: number;
  formal_bid: Cents;
  approvers: Approver[];
  spend_limit: Cents | null;
}

export interface Incident {
  id: number;
  name: string;
  kind: string;
  declaration_number: string;
  declared_on: string;
  authority: string;
  waiver_start: string;
  waiver_end: string;
  fema_disaster: string | null;
  projects: { number: string; title: string }[];
  rules: EmergencyRules;
  active: boolean;
  closed_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewIncident {
  name: string;
  kind: string;
  declaration_number: string;
  declared_on: string;
  authority: string;
  waiver_start: string;
  waiver_end: string;
  fema_disaster: string | null;
  rules: EmergencyRules | null;
  activate: boolean;
}

export interface Dashboard {
  incident: Incident;
  waiver_days_left: number;
  purchases: number;
  spend: Cents;
  limit: Cents | null;
  by_category: { name: string; amount: Cents }[];
  by_supplier: { name: string; amount: Cents }[];
  missing: { number: string; authorization: string; missing: string[] }[];
  catalogue_applied_at: string | null;
  expiring: { id: string; number: string; cooperative: string; supplier: string; term_end: string }[];
}

export interface SavedPacket extends Packet {
  path: string;
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
 * The window's way forward for errors whose message cannot name it (the core
 * knows no screens; the command line adds its own flags instead).
 */
export function errorHint(code: string): string | null {
  switch (code) {
    case "no_actor":
      return "Set your name in Settings > Purchasing.";
    case "no_agency_profile":
      return "Fill in Settings > Agency.";
    case "db_open":
    case "db_too_new":
    case "no_data_dir":
      return "Start coopdesk with another database file (COOPDESK_DB).";
    default:
      return null;
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
    if (typeof code === "string" && typeof message === "string") {
      const hint = errorHint(code);
      return new ApiError(code, hint ? `${message} ${hint}` : message);
    }
  }
  return new ApiError("internal", "coopdesk could not reach its catalogue. Restart coopdesk and try again.");
}

// ---- Import (File > Import) ----

export type ImportKind = "ocds" | "prices";

/** A price-file column a field can be mapped to. */
export type PriceField =
  | "sku"
  | "manufacturer"
  | "manufacturer_part"
  | "description"
  | "unit"
  | "list_price"
  | "contract_price"
  | "discount"
  | "classification"
  | "contract_number"
  | "vendor"
  | "effective"
  | "expiration";

export interface PriceOptions {
  contract?: string | null;
  cooperative?: string | null;
  supplier?: string | null;
  /** Field -> header text (or column letter/number); "" leaves it out. */
  columns?: Partial<Record<PriceField, string>>;
  save_mapping?: boolean;
}

export interface ImportRequest {
  location: string;
  kind?: ImportKind | null;
  prices?: PriceOptions;
  dry_run: boolean;
}

export interface ImportProgress {
  done: number;
  total: number;
}

export interface Skip {
  source: string;
  record: string;
  field: string | null;
  reason: string;
}

export interface Counts {
  created: number;
  updated: number;
}

export interface OcdsSummary {
  kind: "ocds";
  source: string;
  sha256: string;
  read: {
    documents: number;
    release_packages: number;
    record_packages: number;
    releases: number;
    records: number;
    encoding: string;
  };
  processes: number;
  cooperatives: Counts;
  suppliers: Counts;
  contracts: Counts;
  items: Counts;
  unpriced_items: number;
  not_awarded: number;
  skipped: Skip[];
  dry_run: boolean;
}

export interface PriceRow {
  line: number;
  sku: string;
  description: string;
  unit: string;
  list_price: Cents;
  contract_price: Cents;
}

export interface PricePreview {
  kind: "prices";
  file: string;
  mapping: { sheet: string; header_row: number; columns: Partial<Record<PriceField, number>> };
  headers: string[];
  mapping_source: "detected" | "saved" | "chosen";
  supplier: string | null;
  dry_run: boolean;
  /** Fields no column gives yet: nothing can be imported until chosen. */
  missing: PriceField[];
  contracts: {
    contract_number: string;
    vendor: string;
    contract_id: string;
    /** The rows go on a contract already in the catalogue. */
    existing: boolean;
    note: string | null;
    added: PriceRow[];
    /** Each with the price the item has now. */
    changed: [PriceRow, Cents][];
    unchanged: number;
  }[];
  refused: { line: number; reason: string }[];
  instructions: number[];
  duplicates: number[];
}

export type ImportOutcome = OcdsSummary | PricePreview;

export interface ImportRecord {
  id: number;
  kind: ImportKind;
  source: string;
  sha256: string;
  imported_at: string;
}

type Invoker = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;
/** Makes the object that carries streamed messages (progress) to `onMessage`. */
type ChannelFactory = <T>(onMessage: (message: T) => void) => unknown;

let invoker: Invoker = invoke;
let makeChannel: ChannelFactory = <T,>(onMessage: (message: T) => void) => {
  const channel = new Channel<T>();
  channel.onmessage = onMessage;
  return channel;
};

/**
 * For tests: answer commands without a backend. A stand-in backend receives
 * streamed-message callbacks as `{ onMessage }` objects.
 */
export function setInvoker(fn: Invoker): void {
  invoker = fn;
  makeChannel = (onMessage) => ({ onMessage });
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoker<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  catalogueStatus: () => call<CatalogueStatus>("catalogue_status"),
  search: (query: SearchQuery) => call<SearchPage>("search", { query }),
  facets: () => call<Facets>("facets"),
  contractDetail: (id: string, nearZip: string | null = null) => call<ContractDetail>("contract_detail", { id, nearZip }),
  itemDetail: (id: string) => call<ItemDetail>("item_detail", { id }),
  /** Downloads a contract document (online) and keeps it for offline use. */
  documentKeep: (contractId: string, sha256: string) => call<void>("document_keep", { contractId, sha256 }),
  /** The kept copy of a document. */
  documentOpen: (sha256: string) => call<ArrayBuffer>("document_open", { sha256 }),
  agencyGet: () => call<AgencyProfile | null>("agency_get"),
  agencySet: (profile: AgencyProfile) => call<void>("agency_set", { profile }),
  /** `content`: a PNG or JPEG, base64-encoded; null removes the logo. */
  agencyLogoSet: (content: string | null) => call<void>("agency_logo_set", { content }),
  agencyLogoPresent: () => call<boolean>("agency_logo_present"),
  feedsList: () => call<Feed[]>("feeds_list"),
  feedAdd: (id: string, url: string, publicKey: string) => call<Feed>("feed_add", { id, url, publicKey }),
  feedRemove: (id: string) => call<void>("feed_remove", { id }),
  syncNow: (onProgress: (p: SyncProgress) => void) =>
    call<FeedSyncResult[]>("sync_now", { onProgress: makeChannel(onProgress) }),
  syncCancel: () => call<void>("sync_cancel"),

  purchasingGet: () => call<PurchasingSettings>("purchasing_get"),
  purchasingSet: (settings: PurchasingSettings) => call<void>("purchasing_set", { settings }),
  reqList: (filter: ReqListFilter) => call<RequisitionList>("req_list", { filter }),
  /** With `incident`, an emergency purchase under it. */
  reqCreate: (header: ReqHeader, incident: number | null = null) => call<Requisition>("req_create", { header, incident }),
  reqSetEmergencyDocs: (number: string, docs: EmergencyDocs, project: string | null) =>
    call<RequisitionView>("req_set_emergency_docs", { number, docs, project }),
  reqView: (number: string) => call<RequisitionView>("req_view", { number }),
  reqUpdateHeader: (number: string, header: ReqHeader) => call<RequisitionView>("req_update_header", { number, header }),
  reqAddItem: (number: string, itemId: string, quantity: number, account: string | null = null) =>
    call<RequisitionView>("req_add_item", { number, itemId, quantity, account }),
  reqAddManual: (number: string, line: ManualLine) => call<RequisitionView>("req_add_manual", { number, line }),
  reqUpdateLine: (number: string, position: number, edit: LineEdit) =>
    call<RequisitionView>("req_update_line", { number, position, edit }),
  reqRemoveLine: (number: string, position: number) => call<RequisitionView>("req_remove_line", { number, position }),
  reqAcceptPrice: (number: string, position: number) => call<RequisitionView>("req_accept_price", { number, position }),
  /** `content` is the file's bytes, base64-encoded. */
  reqAttach: (number: string, attachment: NewAttachment, content: string) =>
    call<RequisitionView>("req_attach", { number, attachment, content }),
  reqRemoveAttachment: (number: string, attachmentId: number) =>
    call<RequisitionView>("req_remove_attachment", { number, attachmentId }),
  reqAcknowledge: (number: string, key: string, note: string) =>
    call<RequisitionView>("req_acknowledge", { number, key, note }),
  reqTransition: (number: string, step: Transition) => call<RequisitionView>("req_transition", { number, step }),

  /** The packet's PDF, for the preview. */
  packetPreview: (number: string, paper: Paper) => call<ArrayBuffer>("packet_preview", { number, paper }),
  /** The packet's PDF for printing; the backend records the printing. */
  packetPrint: (number: string, paper: Paper) => call<ArrayBuffer>("packet_print", { number, paper }),
  /** `path` null: the save folder from Settings. */
  packetSave: (number: string, paper: Paper, path: string | null) => call<SavedPacket>("packet_save", { number, paper, path }),

  incidentsList: () => call<Incident[]>("incidents_list"),
  incidentActive: () => call<Dashboard | null>("incident_active"),
  incidentDashboard: (id: number) => call<Dashboard>("incident_dashboard", { id }),
  incidentDeclare: (incident: NewIncident) => call<Incident>("incident_declare", { incident }),
  incidentActivate: (id: number) => call<Incident>("incident_activate", { id }),
  incidentExtend: (id: number, until: string, reason: string) => call<Incident>("incident_extend", { id, until, reason }),
  incidentClose: (id: number) => call<Incident>("incident_close", { id }),
  incidentFemaNumber: (id: number, number: string) => call<Incident>("incident_fema_number", { id, number }),
  incidentAddProject: (id: number, project: { number: string; title: string }) =>
    call<Incident>("incident_add_project", { id, project }),
  vendorSheetPrint: (categories: string[], nearZip: string | null) =>
    call<ArrayBuffer>("vendor_sheet_print", { categories, nearZip }),
  vendorSheetSave: (categories: string[], nearZip: string | null, csv: boolean, path: string | null) =>
    call<string>("vendor_sheet_save", { categories, nearZip, csv, path }),
  femaPacketPrint: (id: number, paper: Paper) => call<ArrayBuffer>("fema_packet_print", { id, paper }),
  femaPacketSave: (id: number, paper: Paper, ledger: boolean, path: string | null) =>
    call<string>("fema_packet_save", { id, paper, ledger, path }),
  /** Opens the system print dialog for the window. */
  printWindow: () => call<void>("print_window"),
  /** Previews (`dry_run`) or runs an import. */
  importRun: (request: ImportRequest, onProgress: (p: ImportProgress) => void) =>
    call<ImportOutcome>("import_run", { request, onProgress: makeChannel(onProgress) }),
  importLog: () => call<ImportRecord[]>("import_log"),
  /** Asks for a file to import; null when the clerk cancels. */
  chooseImportFile: async (): Promise<string | null> => {
    try {
      const chosen = await open({
        multiple: false,
        directory: false,
        filters: [
          { name: "OCDS or price file", extensions: ["json", "jsonl", "csv", "xlsx"] },
          { name: "All files", extensions: ["*"] },
        ],
      });
      return typeof chosen === "string" ? chosen : null;
    } catch (e) {
      throw toApiError(e);
    }
  },
  /** Calls `handler` when File > Import is chosen; returns the unsubscribe. */
  onMenuImport: async (handler: () => void): Promise<() => void> => {
    try {
      return await listen("menu-import", handler);
    } catch {
      // Outside the app window (tests) there is no menu.
      return () => {};
    }
  },
  /** Asks where to save a file; null when the clerk cancels. */
  chooseSavePath: async (defaultName: string): Promise<string | null> => {
    const ext = defaultName.endsWith(".csv") ? "csv" : "pdf";
    try {
      return await save({ defaultPath: defaultName, filters: [{ name: ext.toUpperCase(), extensions: [ext] }] });
    } catch (e) {
      throw toApiError(e);
    }
  },
};
