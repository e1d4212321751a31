import type { ZoneHandler } from "../../../framework/zone/ZoneHandler.js";
import type { DistrictContext } from "../DistrictContext.js";

/** A district message handler: the framework's zone handler, handed the district. */
export type MessageHandler = ZoneHandler<DistrictContext>;

/** Declares a handler with its payload type inferred from the schema. */
export const handler = <S extends import("zod").ZodType>(
  h: ZoneHandler<DistrictContext, S>,
): MessageHandler => h as unknown as MessageHandler;
