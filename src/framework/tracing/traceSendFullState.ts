/** What Colyseus's Room does once a joining client acknowledged the join: send it the whole state. */
interface FullStateSender {
  sendFullState?: (client: { sessionId: string }) => void;
}

/**
 * Reports the moment a client got its first full state — the end of a join
 * as the player sees it. Colyseus sends it when the client acknowledges the
 * join, after `onJoin`, and offers no hook for it (`sendFullState` is
 * private in its declarations): the room instance's method is wrapped, and
 * only while tracing is on. If a Colyseus release renames it, the join's
 * last span is simply not recorded.
 */
export function traceSendFullState(room: object, onSent: (sessionId: string) => void): void {
  const target = room as FullStateSender;
  const send = target.sendFullState;
  if (typeof send !== "function") return;
  target.sendFullState = (client) => {
    send.call(room, client);
    onSent(client.sessionId);
  };
}
