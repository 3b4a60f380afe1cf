// Draws the pages of a PDF (a packet) with pdf.js, for the preview and for
// printing through the system dialog. pdf.js is loaded only when a packet is
// first shown, so the rest of the app starts without it.

let loaded: Promise<typeof import("pdfjs-dist")> | null = null;

function pdfjs() {
  loaded ??= (async () => {
    const lib = await import("pdfjs-dist");
    const worker = await import("pdfjs-dist/build/pdf.worker.min.mjs?url");
    lib.GlobalWorkerOptions.workerSrc = worker.default;
    return lib;
  })();
  return loaded;
}

/**
 * Each page as a canvas at `scale` (1 = 72 dpi), holding the page's text as
 * its fallback content: a screen reader reads the packet, not a picture of
 * it, and what the window shows can be checked as text.
 */
export async function renderPages(pdf: ArrayBuffer, scale: number): Promise<HTMLCanvasElement[]> {
  const lib = await pdfjs();
  const task = lib.getDocument({ data: new Uint8Array(pdf) });
  const doc = await task.promise;
  const pages: HTMLCanvasElement[] = [];
  try {
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const viewport = page.getViewport({ scale });
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(viewport.width);
      canvas.height = Math.ceil(viewport.height);
      await page.render({ canvas, viewport }).promise;
      const content = await page.getTextContent();
      canvas.textContent = content.items
        .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : " ") : ""))
        .join("");
      pages.push(canvas);
    }
  } finally {
    await task.destroy();
  }
  return pages;
}
