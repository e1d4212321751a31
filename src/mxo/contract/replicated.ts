/**
 * What a district room replicates (contract §3), field by field as the schema
 * classes declare them (schema/): the shapes a client reads from
 * `room.state`. Positions and heading arrive quantized (schema/wireDomains.ts).
 * With interest management a client holds only the entities near it, and
 * always its own player.
 */

export interface ReplicatedPlayer {
  characterId: string;
  name: string;
  organization: string;
  x: number;
  y: number;
  z: number;
  /** Radians in [0, 2π). */
  heading: number;
  hp: number;
  maxHp: number;
  level: number;
  /** The last input `seq` the server applied; a predicting client reconciles against it. */
  ack: number;
}

export interface ReplicatedNpc {
  template: string;
  name: string;
  x: number;
  y: number;
  z: number;
  hp: number;
  maxHp: number;
}

export interface ReplicatedDistrict {
  district: string;
  tick: number;
  /** By session id. */
  players: ReadonlyMap<string, ReplicatedPlayer>;
  /** By NPC id (`<zone>:<slot>`, or a GM spawn's). */
  npcs: ReadonlyMap<string, ReplicatedNpc>;
}
