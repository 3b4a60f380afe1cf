/**
 * A Svelte action for messages that answer something the clerk did (an
 * error above a scrolled editor, say): when one appears, it is scrolled
 * into view, so that a refusal is never drawn off-screen. Its role="alert"
 * has screen readers announce it.
 */
export function reveal(node: HTMLElement): void {
  // jsdom (the unit tests) has no layout and no scrollIntoView.
  if (typeof node.scrollIntoView === "function") node.scrollIntoView({ block: "nearest", behavior: "auto" });
}
