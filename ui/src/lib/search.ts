// Search as the clerk types: waits for a pause in typing, runs one query at
// a time, and drops answers that arrive after a newer query was asked, so
// the list never flickers back to an older result.

import { toApiError, type ApiError, type SearchPage } from "./api";

export type SearchOutcome = { ok: SearchPage } | { err: ApiError };

export interface Searcher {
  /** The text changed: search after the pause. */
  input(text: string): void;
  /** Search now (Enter, or the first load). */
  now(text: string): void;
  dispose(): void;
}

export function createSearcher(
  run: (text: string) => Promise<SearchPage>,
  deliver: (outcome: SearchOutcome) => void,
  delayMs = 120,
): Searcher {
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function go(text: string) {
    const mine = ++latest;
    try {
      const page = await run(text);
      if (mine === latest) deliver({ ok: page });
    } catch (e) {
      if (mine === latest) deliver({ err: toApiError(e) });
    }
  }

  return {
    input(text) {
      clearTimeout(timer);
      timer = setTimeout(() => void go(text), delayMs);
    },
    now(text) {
      clearTimeout(timer);
      void go(text);
    },
    dispose() {
      clearTimeout(timer);
      latest++;
    },
  };
}
