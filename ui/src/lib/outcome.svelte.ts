// What a panel says about its last action: busy while it runs, then either
// a message or an error in the clerk's words, never both. One shape for the
// pattern every panel had written out for itself.

import { toApiError } from "./api";

/** A check the screen makes before asking the backend (a field that does not parse). */
export class Refusal extends Error {}

export class Outcome {
  busy = $state(false);
  message = $state<string | null>(null);
  error = $state<string | null>(null);

  /**
   * Runs `action`; what it returns is the message to show, and what it
   * throws becomes the error: a `Refusal`'s own words, or the backend's
   * message, never a debug string.
   * Resolves to whether it succeeded.
   */
  async run(action: () => Promise<string | void>): Promise<boolean> {
    this.busy = true;
    this.message = this.error = null;
    try {
      this.message = (await action()) ?? null;
      return true;
    } catch (e) {
      this.error = e instanceof Refusal ? e.message : toApiError(e).message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** An error found before asking the backend (a field that does not parse). */
  fail(message: string) {
    this.message = null;
    this.error = message;
  }
}
