// Printing and saving the documents coopdesk makes (packets, the vendor
// sheet, the FEMA packet): printing draws the PDF's pages into the print
// area and opens the system dialog; saving goes to the save folder from
// Settings, or asks where.

import { api } from "./api";
import { renderPages } from "./pdf";

/** Sends a PDF to the system print dialog. */
export async function printPdf(pdf: ArrayBuffer): Promise<void> {
  // 150 dpi is sharp on paper and light enough for a long packet.
  const pages = await renderPages(pdf, 150 / 72);
  const root = document.getElementById("print-root");
  if (!root) throw new Error("no print area");
  root.replaceChildren(
    ...pages.map((c) => {
      const img = document.createElement("img");
      img.src = c.toDataURL("image/png");
      img.alt = "";
      return img;
    }),
  );
  await api.printWindow();
}

/**
 * Where to save `defaultName`: `null` means the save folder set in Settings;
 * `undefined` means the clerk cancelled the dialog.
 */
export async function savePath(defaultName: string): Promise<string | null | undefined> {
  const settings = await api.purchasingGet();
  if (settings.save_folder?.trim()) return null;
  const chosen = await api.chooseSavePath(defaultName);
  return chosen ?? undefined;
}
