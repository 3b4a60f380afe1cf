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

/** 3125 basis points -> "31.3%"; null (no list price) -> "—" */
export function formatSaving(bps: number | null): string {
  if (bps === null) return "—";
  const tenths = Math.round(Math.abs(bps) / 10);
  const sign = bps < 0 && tenths > 0 ? "-" : "";
  return `${sign}${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

/** "1 item", "5,200 items" */
export function plural(n: number, one: string, many: string): string {
  return `${dollars.format(n)} ${n === 1 ? one : many}`;
}
