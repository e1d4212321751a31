import { randomBytes } from "node:crypto";
import type { Client, Room } from "@colyseus/sdk";
import { ContractClient } from "./client.js";

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; raw?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(base + path, {
    method,
    headers,
    body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (e.g. /metrics)
  }
  return { status: res.status, body, headers: res.headers };
}

export function uniqueName(prefix = "p"): string {
  return `${prefix}${randomBytes(5).toString("hex")}`.slice(0, 24);
}

/** The shape of schema/MoveInput.ts as the SDK sees it (reflected from the handshake). */
export interface MoveInputData {
  seq: number;
  moveX: number;
  moveY: number;
}

export interface TestPlayer {
  username: string;
  password: string;
  accountId: string;
  token: string;
  refreshToken: string;
  characterId: string;
  characterName: string;
}

/** register → login → create character, asserting each step succeeded. */
export async function newPlayer(base: string, organization?: string): Promise<TestPlayer> {
  const username = uniqueName("u");
  const password = "correct horse battery";
  const reg = await http(base, "POST", "/auth/register", { body: { username, password } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await http(base, "POST", "/auth/login", { body: { username, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const characterName = uniqueName("C");
  const ch = await http(base, "POST", "/characters", {
    token: login.body.token,
    body: organization ? { name: characterName, organization } : { name: characterName },
  });
  if (ch.status !== 201) throw new Error(`character failed: ${ch.status} ${JSON.stringify(ch.body)}`);
  return {
    username,
    password,
    accountId: reg.body.accountId,
    token: login.body.token,
    refreshToken: login.body.refreshToken,
    characterId: ch.body.id,
    characterName,
  };
}

export async function joinDistrict(
  ws: string,
  player: TestPlayer,
  district = "richland",
): Promise<{ client: Client; room: Room<any> }> {
  const client = new ContractClient(ws);
  client.auth.token = player.token;
  const room = await client.joinOrCreate("district", { district, characterId: player.characterId });
  return { client, room };
}

export async function waitFor<T>(
  fn: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  { timeoutMs = 5000, intervalMs = 20, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The joined player's own replicated entry. */
export function me(room: Room<any>): any {
  return room.state?.players?.get(room.sessionId);
}
