/**
 * The district room's state as this page reads it. Every payload type comes
 * from the wire contract (src/framework/contract, src/mxo/contract), imported
 * as types only: nothing of it is bundled, but a changed field breaks this
 * page's typecheck.
 */

import type { DistrictState } from "../../../schema/DistrictState.js";

export type {
  ReplicatedNpc as NpcEntity,
  ReplicatedPlayer as PlayerEntity,
} from "../../../src/mxo/contract/replicated.js";

/** The SDK decodes the state by reflection; its typed callbacks want the schema class itself. */
export type DistrictStateView = DistrictState;
