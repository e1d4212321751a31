import type { Deferred } from "@colyseus/core";

/**
 * Dropped sessions waiting for their client to come back within the grace
 * period, so something else (a kick, a takeover) can end the wait: rejecting
 * it runs the room's onLeave, which saves and lets the character go.
 */
export class ReconnectGrace<T> {
  private readonly waiting = new Map<string, Deferred<T>>();

  hold(client: { sessionId: string }, wait: Deferred<T>): void {
    this.waiting.set(client.sessionId, wait);
    const done = () => this.waiting.delete(client.sessionId);
    wait.then(done, done);
  }

  /** Ends the wait of a session; false if it was not waiting. */
  end(sessionId: string, reason: string): boolean {
    const wait = this.waiting.get(sessionId);
    if (!wait) return false;
    wait.reject(new Error(reason));
    return true;
  }
}
