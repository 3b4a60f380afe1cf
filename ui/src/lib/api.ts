// The only module that talks to the backend. Everything else imports from
// here, so the rest of the UI never sees Tauri and tests can stand in a
// backend of their own through `setInvoker`.

// Types that cross from the backend are generated from the Rust types into
// ./bindings (ts-rs; `COOPDESK_BLESS=1 cargo test --test tests bindings`
// regenerates them, and the test fails when they are out of date). Never
// copy one by hand here: import it. The names the screens know them by:
export type ContractOrigin = Origin;
export type Feed = FeedView;
export type ImportKind = Kind;
export type PriceField = Field;
export type PricePreview = Preview;
export type ReqHeader = Header;
export type ReqLine = Line;
export type ReqListFilter = ListFilter;
export type ReqStatus = Status;
export type SyncProgress = Progress;

import type { AccountSegment } from "./bindings/AccountSegment";
import type { Acknowledgement } from "./bindings/Acknowledgement";
import type { Addendum } from "./bindings/Addendum";
import type { Address } from "./bindings/Address";
import type { AgencyProfile } from "./bindings/AgencyProfile";
import type { Amendment } from "./bindings/Amendment";
import type { Amount } from "./bindings/Amount";
import type { ApplySummary } from "./bindings/ApplySummary";
import type { Approver } from "./bindings/Approver";
import type { Attachment } from "./bindings/Attachment";
import type { AttachmentKind } from "./bindings/AttachmentKind";
import type { CatalogueItem } from "./bindings/CatalogueItem";
import type { CatalogueStatus } from "./bindings/CatalogueStatus";
import type { Cents } from "./bindings/Cents";
import type { Choice } from "./bindings/Choice";
import type { Classification } from "./bindings/Classification";
import type { Contact } from "./bindings/Contact";
import type { Contract } from "./bindings/Contract";
import type { ContractChanges } from "./bindings/ContractChanges";
import type { ContractDetail } from "./bindings/ContractDetail";
import type { ContractDocument } from "./bindings/ContractDocument";
import type { ContractStatus } from "./bindings/ContractStatus";
import type { Cooperative } from "./bindings/Cooperative";
import type { Counts } from "./bindings/Counts";
import type { Dashboard } from "./bindings/Dashboard";
import type { DealerDistance } from "./bindings/DealerDistance";
import type { DealerLocation } from "./bindings/DealerLocation";
import type { DocumentKind } from "./bindings/DocumentKind";
import type { Eligibility } from "./bindings/Eligibility";
import type { EligibilityCheck } from "./bindings/EligibilityCheck";
import type { EmergencyDocs } from "./bindings/EmergencyDocs";
import type { EmergencyInfo } from "./bindings/EmergencyInfo";
import type { EmergencyRules } from "./bindings/EmergencyRules";
import type { EntityType } from "./bindings/EntityType";
import type { ErrorReply } from "./bindings/ErrorReply";
import type { Evidence } from "./bindings/Evidence";
import type { ExpiringContract } from "./bindings/ExpiringContract";
import type { Facets } from "./bindings/Facets";
import type { FeedHealth } from "./bindings/FeedHealth";
import type { FeedInfo } from "./bindings/FeedInfo";
import type { FirstRun } from "./bindings/FirstRun";
import type { DataLocation } from "./bindings/DataLocation";
import type { FeedSyncResult } from "./bindings/FeedSyncResult";
import type { FeedView } from "./bindings/FeedView";
import type { Field } from "./bindings/Field";
import type { Filters } from "./bindings/Filters";
import type { Finding } from "./bindings/Finding";
import type { Header } from "./bindings/Header";
import type { HistoryEntry } from "./bindings/HistoryEntry";
import type { Identifier } from "./bindings/Identifier";
import type { ImportOutcome } from "./bindings/ImportOutcome";
import type { ImportProgress } from "./bindings/ImportProgress";
import type { ImportRecord } from "./bindings/ImportRecord";
import type { ImportRequest } from "./bindings/ImportRequest";
import type { Incident } from "./bindings/Incident";
import type { ItemDetail } from "./bindings/ItemDetail";
import type { Justification } from "./bindings/Justification";
import type { JustificationKind } from "./bindings/JustificationKind";
import type { Kind } from "./bindings/Kind";
import type { Line } from "./bindings/Line";
import type { LineEdit } from "./bindings/LineEdit";
import type { LineState } from "./bindings/LineState";
import type { ListFilter } from "./bindings/ListFilter";
import type { ManualLine } from "./bindings/ManualLine";
import type { Mapping } from "./bindings/Mapping";
import type { MappingSource } from "./bindings/MappingSource";
import type { Membership } from "./bindings/Membership";
import type { MissingDocs } from "./bindings/MissingDocs";
import type { Near } from "./bindings/Near";
import type { NearestDealer } from "./bindings/NearestDealer";
import type { NewAttachment } from "./bindings/NewAttachment";
import type { NewIncident } from "./bindings/NewIncident";
import type { OcdsSummary } from "./bindings/OcdsSummary";
import type { Origin } from "./bindings/Origin";
import type { Paper } from "./bindings/Paper";
import type { Phase } from "./bindings/Phase";
import type { Preview } from "./bindings/Preview";
import type { PriceOptions } from "./bindings/PriceOptions";
import type { PriceRow } from "./bindings/PriceRow";
import type { PriceTier } from "./bindings/PriceTier";
import type { Progress } from "./bindings/Progress";
import type { Project } from "./bindings/Project";
import type { PurchasingSettings } from "./bindings/PurchasingSettings";
import type { Admission } from "./bindings/Admission";
import type { Decision } from "./bindings/Decision";
import type { Inbox } from "./bindings/Inbox";
import type { JoinRequest } from "./bindings/JoinRequest";
import type { KeyProtection } from "./bindings/KeyProtection";
import type { SharedEdit } from "./bindings/SharedEdit";
import type { OfficeOverview } from "./bindings/OfficeOverview";
import type { SharedRequisition } from "./bindings/SharedRequisition";
import type { SharedStatus } from "./bindings/SharedStatus";
import type { OfficeStatus } from "./bindings/OfficeStatus";
import type { OfficeSyncReport } from "./bindings/OfficeSyncReport";
import type { Person } from "./bindings/Person";
import type { QuoteInfo } from "./bindings/QuoteInfo";
import type { Role } from "./bindings/Role";
import type { RosterEntry } from "./bindings/RosterEntry";
import type { ReadStats } from "./bindings/ReadStats";
import type { Refused } from "./bindings/Refused";
import type { Requisition } from "./bindings/Requisition";
import type { RequisitionList } from "./bindings/RequisitionList";
import type { RequisitionSummary } from "./bindings/RequisitionSummary";
import type { RequisitionView } from "./bindings/RequisitionView";
import type { SavedPacket } from "./bindings/SavedPacket";
import type { SearchHit } from "./bindings/SearchHit";
import type { SearchPage } from "./bindings/SearchPage";
import type { SearchQuery } from "./bindings/SearchQuery";
import type { Severity } from "./bindings/Severity";
import type { Signatories } from "./bindings/Signatories";
import type { Signer } from "./bindings/Signer";
import type { Skip } from "./bindings/Skip";
import type { Sort } from "./bindings/Sort";
import type { Status } from "./bindings/Status";
import type { StatusFilter } from "./bindings/StatusFilter";
import type { Subscription } from "./bindings/Subscription";
import type { Supplier } from "./bindings/Supplier";
import type { SyncReport } from "./bindings/SyncReport";
import type { SyncResult } from "./bindings/SyncResult";
import type { Thresholds } from "./bindings/Thresholds";
import type { Transition } from "./bindings/Transition";
import type { InvoiceStep } from "./bindings/InvoiceStep";
import type { ReportRequest } from "./bindings/ReportRequest";
import type { SavingsReport } from "./bindings/SavingsReport";
import type { ReportFile } from "./bindings/ReportFile";
import type { InvoiceLine } from "./bindings/InvoiceLine";
import type { InvoiceFile } from "./bindings/InvoiceFile";
import type { UpdateStatus } from "./bindings/UpdateStatus";
import type { UpdateCheck } from "./bindings/UpdateCheck";
import type { UpdatePolicy } from "./bindings/UpdatePolicy";
import type { DownloadProgress } from "./bindings/DownloadProgress";
import type { RecordedInvoice } from "./bindings/RecordedInvoice";
import type { Vendor } from "./bindings/Vendor";
import type { Verdict } from "./bindings/Verdict";
import type { WordingTemplate } from "./bindings/WordingTemplate";
export type {
  FirstRun,
  DataLocation,
  AccountSegment,
  Admission,
  Decision,
  Inbox,
  JoinRequest,
  KeyProtection,
  SharedEdit,
  SharedRequisition,
  SharedStatus,
  OfficeOverview,
  OfficeStatus,
  OfficeSyncReport,
  Person,
  Role,
  RosterEntry,
  Acknowledgement,
  Addendum,
  Address,
  AgencyProfile,
  Amendment,
  Amount,
  ApplySummary,
  Approver,
  Attachment,
  AttachmentKind,
  CatalogueItem,
  CatalogueStatus,
  Cents,
  Choice,
  Classification,
  Contact,
  Contract,
  ContractChanges,
  ContractDetail,
  ContractDocument,
  ContractStatus,
  Cooperative,
  Counts,
  Dashboard,
  DealerDistance,
  DealerLocation,
  DocumentKind,
  Eligibility,
  EligibilityCheck,
  EmergencyDocs,
  EmergencyInfo,
  EmergencyRules,
  EntityType,
  ErrorReply,
  Evidence,
  ExpiringContract,
  Facets,
  FeedHealth,
  FeedInfo,
  FeedSyncResult,
  FeedView,
  Field,
  Filters,
  Finding,
  Header,
  HistoryEntry,
  Identifier,
  ImportOutcome,
  ImportProgress,
  ImportRecord,
  ImportRequest,
  Incident,
  ItemDetail,
  Justification,
  JustificationKind,
  Kind,
  Line,
  LineEdit,
  LineState,
  ListFilter,
  ManualLine,
  Mapping,
  MappingSource,
  Membership,
  MissingDocs,
  Near,
  NearestDealer,
  NewAttachment,
  NewIncident,
  OcdsSummary,
  Origin,
  Paper,
  Phase,
  Preview,
  PriceOptions,
  PriceRow,
  PriceTier,
  Progress,
  Project,
  PurchasingSettings,
  QuoteInfo,
  ReadStats,
  Refused,
  Requisition,
  RequisitionList,
  RequisitionSummary,
  RequisitionView,
  SavedPacket,
  SearchHit,
  SearchPage,
  SearchQuery,
  Severity,
  Signatories,
  Signer,
  Skip,
  Sort,
  Status,
  StatusFilter,
  Subscription,
  Supplier,
  SyncReport,
  SyncResult,
  Thresholds,
  Transition,
  InvoiceStep,
  ReportRequest,
  SavingsReport,
  ReportFile,
  InvoiceLine,
  InvoiceFile,
  UpdateStatus,
  UpdateCheck,
  UpdatePolicy,
  DownloadProgress,
  RecordedInvoice,
  Vendor,
  Verdict,
  WordingTemplate,
};

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { open, save } from "@tauri-apps/plugin-dialog";

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
    case "office_tampered":
      return "Settings > Office lists what was refused; `coopdesk office verify` checks the whole history.";
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

/** Calls `handler` when the menu item sending `event` is chosen; returns the unsubscribe. */
async function onMenu(event: string, handler: () => void): Promise<() => void> {
  try {
    return await listen(event, handler);
  } catch {
    // Outside the app window (tests) there is no menu.
    return () => {};
  }
}

/** Asks for one file of the kind named; null when the clerk cancels. */
async function chooseFile(kind: string, extensions: string[]): Promise<string | null> {
  try {
    const chosen = await open({
      multiple: false,
      directory: false,
      filters: [
        { name: kind, extensions },
        { name: "All files", extensions: ["*"] },
      ],
    });
    return typeof chosen === "string" ? chosen : null;
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  catalogueStatus: () => call<CatalogueStatus>("catalogue_status"),
  /** Where a new office stands: the welcome walkthrough's steps and the sample. */
  firstRunGet: () => call<FirstRun>("first_run_get"),
  /** The walkthrough was finished or skipped: it is not shown again. */
  firstRunDone: () => call<FirstRun>("first_run_done"),
  /** Removes the fictional sample catalog; it is not loaded again on start. */
  sampleRemove: () => call<FirstRun>("sample_remove"),
  /** Loads the sample catalog again. */
  sampleLoad: () => call<FirstRun>("sample_load"),
  /** Where the database and the search index are. */
  dataLocation: () => call<DataLocation>("data_location"),
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
  /** Starts a draft; answers with its number. */
  reqCreate: (header: ReqHeader, incident: number | null = null) => call<string>("req_create", { header, incident }),
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
  /** Records a vendor's invoice (checked by the backend), acknowledges a finding, or approves it for payment. */
  reqInvoice: (number: string, step: InvoiceStep) => call<RequisitionView>("req_invoice", { number, step }),
  /** Reads a vendor's invoice file (CSV or XLSX, a path or https address), its lines matched to the order's. */
  reqInvoiceFile: (number: string, location: string) => call<InvoiceFile>("req_invoice_file", { number, location }),

  /** What cooperative buying saved in the period asked for. */
  reportSavings: (request: ReportRequest) => call<SavingsReport>("report_savings", { request }),
  /** Saves the board report or its figures; `path` null: the save folder from Settings. */
  reportSave: (request: ReportRequest, file: ReportFile, paper: Paper, path: string | null) =>
    call<string>("report_save", { request, file, paper, path }),

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
  /** This version, and whether and where this computer checks for updates. */
  updateStatus: () => call<UpdateStatus>("update_status"),
  /** Asks the update endpoint for a newer release. */
  updateCheck: () => call<UpdateCheck>("update_check"),
  /** Downloads, verifies and installs the release the last check found; resolves to its version. */
  updateInstall: (onProgress: (p: DownloadProgress) => void) =>
    call<string>("update_install", { onProgress: makeChannel(onProgress) }),
  /** Restarts into the installed update; refused while a sync or import runs or `unsaved` is true. */
  updateRestart: (unsaved: boolean) => call<void>("update_restart", { unsaved }),
  /** The office's status and roster; no status outside an office. */
  officeGet: () => call<OfficeOverview>("office_get"),
  /** Sends this computer's waiting changes and takes in the office's. */
  officeSync: () => call<OfficeSyncReport>("office_sync"),
  /** The office's shared requisitions, and those waiting for this person. */
  officeInbox: () => call<Inbox>("office_inbox"),
  /** Shares a submitted requisition, signed with the key the passphrase opens. */
  officeShare: (number: string, passphrase: string) => call<OfficeStatus>("office_share", { number, passphrase }),
  /** Approves, returns or orders a shared requisition as this person, signed. */
  officeDecide: (number: string, from: string | null, decision: Decision, passphrase: string) =>
    call<OfficeStatus>("office_decide", { number, from, decision, passphrase }),
  /** Creates an office on the PostgreSQL server at `url`, with this person as its administrator. */
  officeInit: (url: string, office: string, name: string, protection: KeyProtection) =>
    call<OfficeStatus>("office_init", { url, office, name, protection }),
  /** Makes this person's key and asks the office on `url` to admit it. */
  officeJoin: (url: string, office: string | null, name: string, protection: KeyProtection) =>
    call<OfficeStatus>("office_join", { url, office, name, protection }),
  /** Whether this computer has an OS keyring to keep the office key in. */
  officeKeyringAvailable: () => call<boolean>("office_keyring_available"),
  /** Those who asked to join and are not on the roster yet (needs the server). */
  officeJoinRequests: () => call<JoinRequest[]>("office_join_requests"),
  /** Admits a person, or changes their entry, as a roster change this administrator signs. */
  officeAdmit: (fingerprint: string, admission: Admission, passphrase: string) =>
    call<OfficeStatus>("office_admit", { fingerprint, admission, passphrase }),
  /** Removes a person from the office, signed. */
  officeRemove: (fingerprint: string, passphrase: string) =>
    call<OfficeStatus>("office_remove", { fingerprint, passphrase }),
  /** Sets from what total finance gives a second approval (null: never), signed. */
  officeSetFinanceRule: (from: Cents | null, passphrase: string) =>
    call<OfficeStatus>("office_set_finance_rule", { from, passphrase }),
  /** Changes a shared requisition as this person, signed, from the version shown. */
  officeEdit: (number: string, from: string | null, edit: SharedEdit, passphrase: string) =>
    call<OfficeStatus>("office_edit", { number, from, edit, passphrase }),
  /** Keeps one of two versions in conflict (the office's, or with keepOther the other). */
  officeResolve: (number: string, from: string | null, keepOther: boolean, passphrase: string) =>
    call<OfficeStatus>("office_resolve", { number, from, keepOther, passphrase }),
  /** Shares an incident declared on this computer with the office, as it stands now, signed. */
  officeShareIncident: (id: number, passphrase: string) =>
    call<OfficeStatus>("office_share_incident", { id, passphrase }),
  /** Saves a shared requisition's attachment (checked against its SHA-256); null path: the save folder. */
  officeAttachmentSave: (number: string, from: string | null, file: string, path: string | null) =>
    call<string>("office_attachment_save", { number, from, file, path }),
  /** Asks for a file to import; null when the clerk cancels. */
  chooseImportFile: () => chooseFile("OCDS or price file", ["json", "jsonl", "csv", "xlsx"]),
  /** Asks for a vendor's invoice file; null when the clerk cancels. */
  chooseInvoiceFile: () => chooseFile("Invoice (CSV or Excel)", ["csv", "tsv", "txt", "xlsx"]),
  /** Calls `handler` when File > Import is chosen; returns the unsubscribe. */
  onMenuImport: (handler: () => void) => onMenu("menu-import", handler),
  /** Calls `handler` when Help > Check for updates or Help > About is chosen; returns the unsubscribe. */
  onMenuAbout: (handler: () => void) => onMenu("menu-about", handler),
  /** Calls `handler` when Help > User Guide is chosen; returns the unsubscribe. */
  onMenuGuide: (handler: () => void) => onMenu("menu-guide", handler),
  /** Calls `handler` when Help > Keyboard is chosen; returns the unsubscribe. */
  onMenuKeyboard: (handler: () => void) => onMenu("menu-keyboard", handler),
  /**
   * Calls `handler` when changes from the office arrive (the shell listens
   * to the office's server in the background); returns the unsubscribe.
   */
  onOfficeChanged: (handler: () => void): (() => void) => {
    let stop: (() => void) | null = null;
    let gone = false;
    try {
      listen("office-changed", handler)
        .then((unlisten) => (gone ? unlisten() : (stop = unlisten)))
        .catch(() => {});
    } catch {
      // Outside the app window (tests) nothing arrives.
    }
    return () => {
      gone = true;
      stop?.();
    };
  },
  /** Asks where to save a file; null when the clerk cancels. */
  chooseSavePath: async (defaultName: string): Promise<string | null> => {
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(defaultName)?.[1]?.toLowerCase() ?? "pdf";
    try {
      return await save({ defaultPath: defaultName, filters: [{ name: ext.toUpperCase(), extensions: [ext] }] });
    } catch (e) {
      throw toApiError(e);
    }
  },
};
