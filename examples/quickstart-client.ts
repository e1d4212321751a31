// A complete player session against a running mxo-server (npm start).
// Run: node --experimental-websocket --import tsx examples/quickstart-client.ts
import { Client } from "@colyseus/sdk";

const base = process.env.MXO_URL ?? "http://localhost:2567";
const post = async (path: string, body: unknown, token?: string) => {
  const res = await fetch(base + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>;
  if (!res.ok) throw new Error(`${path}: ${json.error.code}: ${json.error.message}`);
  return json;
};

const username = `neo_${Date.now() % 1e6}`;
await post("/auth/register", { username, password: "follow the white rabbit" });
const { token } = await post("/auth/login", { username, password: "follow the white rabbit" });
const character = await post("/characters", { name: `Neo${Date.now() % 1e6}` }, token);

const client = new Client(base.replace(/^http/, "ws"));
client.auth.token = token;
const room = await client.joinOrCreate("district", { district: "richland", characterId: character.id });
room.onMessage("error", (e) => console.warn("server says:", e.code, e.message));
// Sent on every join: the loaded abilities and the mission log.
room.onMessage("loadout", (l) =>
  console.log(`abilities: ${l.abilities.join(", ")} (memory ${l.memory}/${l.budget})`),
);
room.onMessage("mission", (m) => m.kind === "state" && console.log(`missions under way: ${m.active.length}`));
room.onMessage("chat", (c) => console.log(`[${c.channel}] ${c.from}: ${c.text}`));
// Combat events, announcements, travel…: src/mxo/contract/serverMessages.ts lists every type.
room.onMessage("*", () => {});

// Movement goes through the input channel: a direction (length ≤ 1) per tick.
const input = room.input<{ seq: number; moveX: number; moveY: number }>();
for (let seq = 1; seq <= 20; seq++) {
  input.data.seq = seq;
  input.data.moveX = 1;
  input.data.moveY = 0;
  input.send();
  await new Promise((r) => setTimeout(r, 50));
}
input.data.seq = 21;
input.data.moveX = 0; // stop
input.send();
await new Promise((r) => setTimeout(r, 300));

const me = room.state.players.get(room.sessionId);
console.log(
  `${me.name} stands at (${me.x.toFixed(1)}, ${me.y.toFixed(1)}) in ${room.state.district}, ack ${me.ack}`,
);
await room.leave();
