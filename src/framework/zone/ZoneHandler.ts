import type { z } from "zod";
import type { ZoneClient } from "./ZoneServices.js";

/**
 * One client message type of a game: its payload schema and what it does. The
 * zone room admits the message through its rate gate and validates it with
 * `schema` before `handle` sees it; `C` is what the game hands its handlers.
 */
export interface ZoneHandler<C, S extends z.ZodType = z.ZodType> {
  readonly type: string;
  /** The rate bucket and metrics label it is counted under (default: `type`). */
  readonly gate?: string;
  readonly schema: S;
  handle(ctx: C, client: ZoneClient, msg: z.infer<S>): void | Promise<void>;
}
