// The account string's segments as a clerk types them in Settings:
// "fund(3) department(3) program(2) object(4) project?" — a name, the exact
// number of digits in brackets (none for free text), and "?" if optional.

export interface Segment {
  name: string;
  digits: number;
  required: boolean;
}

export function formatSegments(segments: Segment[]): string {
  return segments.map((s) => `${s.name}${s.digits ? `(${s.digits})` : ""}${s.required ? "" : "?"}`).join(" ");
}

/** The segments, or an error message saying which word is wrong. */
export function parseSegments(text: string): Segment[] | string {
  const out: Segment[] = [];
  for (const word of text.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([A-Za-z_][\w-]*?)(?:\((\d{1,2})\))?(\?)?$/.exec(word);
    if (!m) return `'${word}' is not a segment like fund(3) or project?`;
    out.push({ name: m[1] ?? "", digits: m[2] ? Number(m[2]) : 0, required: !m[3] });
  }
  if (!out.length) return "The account string needs at least one segment.";
  return out;
}
