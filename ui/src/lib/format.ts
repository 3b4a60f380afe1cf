// Display formats for money and savings. Amounts stay integer cents until
// the moment they are shown.

const dollars = new Intl.NumberFormat("en-US", { style: "decimal", minimumFractionDigits: 0 });

/** 123456 -> "$1,234.56" */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(cents));
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100).padStart(2, "0");
  return `${sign}$${dollars.format(whole)}.${frac}`;
}

/** Cents in US dollars as "$1,234.56"; any other currency as "1,234.56 GBP". */
export function formatPrice(cents: number, currency: string | undefined | null): string {
  if (!currency || currency === "USD") return formatCents(cents);
  return `${formatCents(cents).replace("$", "")} ${currency}`;
}

/** 3125 basis points -> "31.3%"; null (no list price) -> "—" */
export function formatSaving(bps: number | null): string {
  if (bps === null) return "—";
  const tenths = Math.round(Math.abs(bps) / 10);
  const sign = bps < 0 && tenths > 0 ? "-" : "";
  return `${sign}${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

/** 5200 -> "5,200" */
export function count(n: number): string {
  return dollars.format(n);
}

/** "1 item", "5,200 items" */
export function plural(n: number, one: string, many: string): string {
  return `${dollars.format(n)} ${n === 1 ? one : many}`;
}

/** 1536 -> "1.5 KB"; bytes for a download bar. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** How long ago an RFC 3339 time was, in words: "just now", "5 minutes ago", "3 days ago". */
export function ago(iso: string | null, now: Date = new Date()): string {
  if (!iso) return "never";
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  const days = Math.round(hours / 24);
  return `${days} days ago`;
}

/**
 * "1,234.50", "$12", "0.5" -> cents; null when it is not an amount. More
 * than two decimals is refused rather than rounded, as the core does.
 */
export function parseCents(text: string): number | null {
  const t = text.trim().replace(/^\$/, "").replace(/,/g, "");
  const m = /^(\d*)(?:\.(\d{0,2}))?$/.exec(t);
  if (!m || (m[1] === "" && (m[2] ?? "") === "")) return null;
  const whole = m[1] === "" ? 0 : Number(m[1]);
  const frac = Number((m[2] ?? "").padEnd(2, "0"));
  return whole * 100 + frac;
}

/** Cents as a plain decimal for an input field: 123450 -> "1234.50". */
export function centsInput(cents: number | null): string {
  if (cents === null) return "";
  return `${Math.trunc(cents / 100)}.${String(Math.abs(cents % 100)).padStart(2, "0")}`;
}

const STATUS_LABELS: Record<string, string> = {
  draft: "Draft",
  submitted: "Submitted",
  approved: "Approved",
  ordered: "Ordered",
  partially_received: "Partially received",
  received: "Received",
  closed: "Closed",
  cancelled: "Canceled",
  canceled: "Canceled",
  returned: "Returned",
};

/** "partially_received" -> "Partially received" */
export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/**
 * A date as people type it, "2026-12-15" or "12/15/2026" (or "12/15/26"),
 * as "YYYY-MM-DD"; null when it is not a real date. Blank is "", for an
 * empty field that stays empty.
 */
export function parseDate(text: string): string | null {
  const t = text.trim();
  if (!t) return "";
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) {
    const year = us[3] ?? "";
    [m, d, y] = [Number(us[1]), Number(us[2]), year.length === 2 ? 2000 + Number(year) : Number(year)];
  } else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || y > 2200 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
