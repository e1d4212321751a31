import assert from "node:assert/strict";
import { DistrictState } from "../../../schema/DistrictState.js";
import { NpcState } from "../../../schema/NpcState.js";
import { PlayerState } from "../../../schema/PlayerState.js";
import { FRAMEWORK_ERROR_CODES } from "../../../src/framework/contract/errors.js";
import { CHAT_CHANNELS } from "../../../src/mxo/contract/chat.js";
import { DISTRICT_CLIENT_MESSAGES } from "../../../src/mxo/contract/clientMessages.js";
import { DISTRICT_HANDLERS } from "../../../src/mxo/zone/handlers/index.js";
import {
  DISTRICT_ERROR_CODES,
  MXO_ERROR_CODES,
  type DistrictErrorCode,
} from "../../../src/mxo/contract/errorCodes.js";
import type {
  ReplicatedDistrict,
  ReplicatedNpc,
  ReplicatedPlayer,
} from "../../../src/mxo/contract/replicated.js";
import type { LoadoutErrorCode } from "../../../src/mxo/rules/loadout.js";
import type { MissionErrorCode } from "../../../src/mxo/rules/missions/types.js";
import type { GameErrorCode } from "../../../src/mxo/rules/simulation/GameError.js";
import { captures, schemaFields, sources, type KindTable } from "../../helpers/contract.js";

/** The server's code: where messages are registered and refusals sent (the contract itself excluded). */
const server = () => sources("rooms", "src").filter((f) => !f.path.includes("/contract/"));

// The rules' refusals reach the client as they are (combat's through GameError): a code they add must be
// declared, or tsc fails here.
type Declared<T extends DistrictErrorCode> = T;
export type _RulesRefusals = Declared<GameErrorCode | LoadoutErrorCode | MissionErrorCode>;

describe("MxO wire contract", () => {
  it("every message type a room registers has a schema in the contract, and every schema is registered", () => {
    // The district room registers one handler module per message type (src/mxo/zone/handlers).
    const registered = new Map(DISTRICT_HANDLERS.map((h) => [h.type, `src/mxo/zone/handlers (${h.type})`]));
    assert.ok(registered.size >= 5, "found the room's message handlers");
    for (const [type, where] of registered) {
      assert.ok(
        type in DISTRICT_CLIENT_MESSAGES,
        `${where} registers "${type}", which has no schema in the contract`,
      );
    }
    for (const type of Object.keys(DISTRICT_CLIENT_MESSAGES)) {
      assert.ok(registered.has(type), `the contract's "${type}" message is registered by no room`);
    }
  });

  it("every error code the server sends is declared, and every declared code is the server's", () => {
    const files = server();
    const sent = new Map([
      ...captures(files, /\.error\(\s*\w+\s*,\s*"([a-z_]+)"/),
      ...captures(files, /send\(\s*"error"\s*,\s*\{\s*code:\s*"([a-z_]+)"/),
    ]);
    assert.ok(
      sent.has("rate_limited") && sent.has("muted") && sent.has("not_at_hardline"),
      "the scan finds codes",
    );
    const declared = new Set<string>(DISTRICT_ERROR_CODES);
    for (const [code, where] of sent) assert.ok(declared.has(code), `${where} sends undeclared "${code}"`);
    // No stale entries: each declared code is a literal somewhere in the server.
    const text = files.map((f) => f.text).join("\n");
    for (const code of declared)
      assert.ok(text.includes(`"${code}"`), `"${code}" is declared but never used`);
  });

  it("MxO's codes and the framework's do not overlap", () => {
    assert.equal(new Set(DISTRICT_ERROR_CODES).size, FRAMEWORK_ERROR_CODES.length + MXO_ERROR_CODES.length);
  });

  it("the replicated shapes are exactly the schema classes' fields", () => {
    const player: KindTable<ReplicatedPlayer> = {
      characterId: "string",
      name: "string",
      organization: "string",
      x: "number",
      y: "number",
      z: "number",
      heading: "number",
      hp: "number",
      maxHp: "number",
      level: "number",
      ack: "number",
    };
    const npc: KindTable<ReplicatedNpc> = {
      template: "string",
      name: "string",
      x: "number",
      y: "number",
      z: "number",
      hp: "number",
      maxHp: "number",
    };
    const district: KindTable<ReplicatedDistrict> = {
      district: "string",
      tick: "number",
      players: "map",
      npcs: "map",
    };
    const cases = [
      [PlayerState, player],
      [NpcState, npc],
      [DistrictState, district],
    ] as const;
    for (const [klass, contract] of cases) {
      const schema = schemaFields(klass);
      assert.deepEqual(Object.keys(schema).sort(), Object.keys(contract).sort(), klass.name);
      for (const [name, kind] of Object.entries(contract))
        assert.equal(schema[name]?.kind, kind, `${klass.name}.${name}`);
    }
    const maps = schemaFields(DistrictState);
    assert.equal(maps.players?.child, PlayerState);
    assert.equal(maps.npcs?.child, NpcState);
    // And the classes type their fields as the contract does.
    const state: ReplicatedDistrict = new DistrictState();
    assert.equal(state.players.size, 0);
  });

  it("chat channels are the contract's §3 list and §7's team", () => {
    assert.deepEqual([...CHAT_CHANNELS], ["say", "district", "organization", "whisper", "global", "team"]);
  });
});
