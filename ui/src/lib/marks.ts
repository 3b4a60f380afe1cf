// Performance marks that the window benchmark (benches/window_search.rs)
// reads over WebDriver: when the clerk typed, when the search went to the
// backend (after the typing pause) and when its results were painted. Each
// name keeps only its latest mark, so a day of searching does not fill the
// timeline. The answer's arrival in the page is marked too, which splits
// the time into the backend's round trip and the drawing. The results table
// draws the rows in view first; "search-complete" marks the whole page painted.

export function mark(name: string, detail: string) {
  if (typeof performance === "undefined" || typeof performance.mark !== "function") return;
  performance.clearMarks(name);
  performance.mark(name, { detail });
}

/** Runs `f` once the next frame has been painted. */
export function afterPaint(f: () => void) {
  if (typeof requestAnimationFrame !== "function") return f();
  // A timer set from an animation frame fires after that frame is painted.
  requestAnimationFrame(() => setTimeout(f, 0));
}
