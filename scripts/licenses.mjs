#!/usr/bin/env node
// Turns cargo-about's JSON and npm's list of production packages into the two
// lists About shows (scripts/licenses runs it): each license text once,
// with the components that use it, and the SHA-256 of the lock file the
// list was made from, which a test compares with the lock file of today.
// Usage: node scripts/licenses.mjs RUST_JSON NPM_QUERY_JSON "cargo-about X.Y.Z" "npm X.Y.Z query .prod"
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [rustPath, npmPath, aboutTool, npmTool] = process.argv.slice(2);
const out = join(root, "ui/src/licenses");
mkdirSync(out, { recursive: true });
const sha256 = (file) => createHash("sha256").update(readFileSync(join(root, file))).digest("hex");
const byName = (a, b) => a.localeCompare(b);

function write(name, list) {
  list.licenses.sort((a, b) => byName(a.name, b.name) || byName(a.used_by[0] ?? "", b.used_by[0] ?? ""));
  writeFileSync(join(out, name), JSON.stringify(list, null, 1) + "\n");
  const components = new Set(list.licenses.flatMap((l) => l.used_by)).size;
  console.log(`${name}: ${components} components, ${list.licenses.length} license texts`);
}

// cargo-about already groups crates under each distinct license text;
// coopdesk's own crates (from a path, not a registry) are not third-party.
const rust = JSON.parse(readFileSync(rustPath, "utf8"));
write("rust.json", {
  generated_by: aboutTool,
  lock_file: "Cargo.lock",
  lock_sha256: sha256("Cargo.lock"),
  licenses: rust.licenses
    .map((l) => ({
      id: l.id,
      name: l.name,
      text: l.text,
      used_by: [...new Set(l.used_by.filter((u) => u.crate.source).map((u) => `${u.crate.name} ${u.crate.version}`))].sort(byName),
    }))
    .filter((l) => l.used_by.length),
});

// npm names each package's declared license; its text is the package's own
// LICENSE file, grouped like cargo-about's when two packages ship the same.
const declared = (l) => (typeof l === "string" ? l : l?.type ?? (Array.isArray(l) ? l.map(declared).join(" OR ") : "UNKNOWN"));
const texts = new Map();
for (const p of JSON.parse(readFileSync(npmPath, "utf8"))) {
  if (!p.location) continue; // the UI itself
  const id = declared(p.license);
  const dir = join(root, "ui", p.location);
  // LICENSE, LICENSE.md, or one file per license of a dual license (LICENSE_MIT).
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f)).sort() : [];
  const text = files.length
    ? files.map((f) => readFileSync(join(dir, f), "utf8")).join("\n\n")
    : `${id} (the package ships no license file)`;
  const key = `${id}\u0000${text}`;
  if (!texts.has(key)) texts.set(key, { id, name: id, text, used_by: [] });
  texts.get(key).used_by.push(`${p.name} ${p.version}`);
}
write("npm.json", {
  generated_by: npmTool,
  lock_file: "ui/package-lock.json",
  lock_sha256: sha256("ui/package-lock.json"),
  licenses: [...texts.values()].map((l) => ({ ...l, used_by: [...new Set(l.used_by)].sort(byName) })),
});
