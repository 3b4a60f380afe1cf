#!/usr/bin/env node
// Regenerates assets/zip-centroids/zip-centroids.csv.gz, the offline table of
// US ZIP code centroids that dealer distances are computed from, out of the
// npm package `zipcodes` (pinned below). Run: node scripts/make-zip-table.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const VERSION = "8.0.0";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "zipcodes-"));
try {
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", work, `zipcodes@${VERSION}`], {
    stdio: "inherit",
  });
  const require = createRequire(join(work, "package.json"));
  const { codes } = require(join(work, "node_modules/zipcodes/lib/codes.js"));
  const rows = Object.values(codes)
    .filter((c) => c.country === "US" && /^\d{5}$/.test(c.zip) && Number.isFinite(c.latitude) && Number.isFinite(c.longitude))
    .sort((a, b) => a.zip.localeCompare(b.zip))
    .map((c) => `${c.zip},${c.state},${c.latitude.toFixed(4)},${c.longitude.toFixed(4)}`);
  const csv = "zip,state,latitude,longitude\n" + rows.join("\n") + "\n";
  // gzip's header carries no time here, so the same input gives the same bytes.
  writeFileSync(join(root, "assets/zip-centroids/zip-centroids.csv.gz"), gzipSync(csv, { level: 9 }));
  console.log(`wrote ${rows.length} ZIP centroids`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
