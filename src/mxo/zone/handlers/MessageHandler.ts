import type { z } from "zod";
import type { DistrictContext } from "../DistrictContext.js";
import type { DistrictClient } from "../DistrictServices.js";

/**
 * One client message type: its payload schema and what it does. The room
 * admits the message through its rate gate and validates it with `schema`
 * before `handle` sees it; a handler answers refusals with `ctx.error`.
 */
export interface MessageHandler<S extends z.ZodType = z.ZodType> {
  readonly type: string;
  /** The rate bucket and metrics label it is counted under (default: `type`). */
  readonly gate?: string;
  readonly schema: S;
  handle(ctx: DistrictContext, client: DistrictClient, msg: z.infer<S>): void | Promise<void>;
}

/** Declares a handler with its payload type inferred from the schema. */
export const handler = <S extends z.ZodType>(h: MessageHandler<S>): MessageHandler => h as MessageHandler;
