import { Client, type Room } from "@colyseus/sdk";
import { DISTRICT_SERVER_MESSAGE_TYPES } from "../../src/mxo/contract/serverMessages.js";

/** The SDK's `SchemaConstructor` (not exported by its entry). */
type RootSchema = Parameters<Client["joinOrCreate"]>[2];

/**
 * What each room the tests join sends, by room name: MxO's district lists its
 * messages in its contract; examples/tag sends `tagged` besides the framework's
 * chat, announce, error and gm:result.
 */
const SERVER_MESSAGES: Record<string, readonly string[]> = {
  district: DISTRICT_SERVER_MESSAGE_TYPES,
  tag: ["tagged", "chat", "announce", "error", "gm:result"],
};

/**
 * Registers a handler that does nothing for every message type the room's
 * contract says the server sends. A test that cares about a type adds its own
 * handler beside it; a type the contract does not list still gets the SDK's
 * `onMessage() not registered` warning, which then means something.
 */
export function listenToContract(room: Room<any>, roomName = room.name): void {
  const log = new Map<string, unknown[]>();
  logs.set(room, log);
  for (const type of SERVER_MESSAGES[roomName] ?? []) {
    const seen: unknown[] = [];
    log.set(type, seen);
    room.onMessage(type, (m: unknown) => seen.push(m));
  }
}

const logs = new WeakMap<Room<any>, Map<string, unknown[]>>();

/**
 * Every message of `type` the room received so far, oldest first, including
 * those that arrived before the test could register a handler (`inventory`,
 * `character`, `team` come right after the join). The array is live: it grows
 * as messages arrive, so `waitFor(() => received(room, "x").at(-1))` works.
 */
export function received<T = any>(room: Room<any>, type: string): T[] {
  const seen = logs.get(room)?.get(type);
  if (!seen) throw new Error(`room ${room.name} does not record "${type}": not in its contract`);
  return seen as T[];
}

/**
 * The SDK client every test, fuzzer and benchmark bot uses. Each room it makes
 * (join, create, reconnect, a consumed seat reservation after travel) listens to
 * its contract's messages before the first one arrives, so the test output
 * holds no SDK warnings for messages a test did not ask about (e.g. `loadout`
 * and `mission`, sent on every join).
 */
export class ContractClient extends Client {
  protected override createRoom(roomName: string, rootSchema?: RootSchema): Room<any, any> {
    const room = super.createRoom(roomName, rootSchema);
    listenToContract(room, roomName);
    return room;
  }
}

/**
 * What the SDK prints on its own (`[Colyseus reconnection]: …`, `Room connection
 * was closed unexpectedly`, `@colyseus/sdk: …`): in the tests that drop and
 * resume connections on purpose that is a dozen lines between the test lines.
 * They are kept per test instead, and printed under a test that fails, where
 * they help; the outcome they describe reaches the test anyway (onLeave,
 * onReconnect, a rejected join). An `onMessage() not registered` warning still
 * prints: a type the contract does not list is news.
 */
const SDK_LINE =
  /^(\[Colyseus reconnection\]|Room connection was closed unexpectedly|@colyseus\/sdk: (?!onMessage\(\) not registered))/;
const sdkLines: string[] = [];
// Only under mocha: bench/ and fuzz/ import these helpers too, and keep the SDK's lines.
if (typeof afterEach === "function") {
  for (const method of ["info", "warn", "log"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (typeof args[0] === "string" && SDK_LINE.test(args[0])) sdkLines.push(args.map(String).join(" "));
      else original(...args);
    };
  }
  // Top level in a module the test files import: a root hook, run after every test.
  afterEach(function () {
    if (this.currentTest?.state === "failed" && sdkLines.length > 0) {
      console.error(
        `      the SDK said during "${this.currentTest.title}":\n        ${sdkLines.join("\n        ")}`,
      );
    }
    sdkLines.length = 0;
  });
}
