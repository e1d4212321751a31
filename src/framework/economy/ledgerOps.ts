import { z } from "zod";
import { badRequest } from "../util/errors.js";

/** The pseudo item id of a character's currency (information, in MxO terms). */
export const CURRENCY = "currency";

/**
 * Why an entry was written. Sign rules: credits are positive, debits negative,
 * purchase and sale may be either (a purchase is currency out and an item in).
 * "trade" is reserved to `LedgerService.transfer` and `swap`, whose entries
 * name the other character as counterparty.
 */
export const LEDGER_KINDS = [
  "grant",
  "take",
  "loot",
  "trade",
  "gm_give",
  "gm_take",
  "mission_reward",
  "mission_turn_in",
  "purchase",
  "sale",
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

const CREDIT_KINDS: ReadonlySet<LedgerKind> = new Set(["grant", "loot", "gm_give", "mission_reward"]);
const DEBIT_KINDS: ReadonlySet<LedgerKind> = new Set(["take", "gm_take", "mission_turn_in"]);

/** Item stacks are 32-bit in the database; currency is 64-bit but must stay exact in a JS number. */
const MAX_ITEM_QUANTITY = 2_147_483_647;

const CharacterId = z.uuid({ message: "characterId must be a UUID" });
const ItemId = z.string().min(1).max(64);
/**
 * "#" is reserved: an operation of several entries stores them under
 * `<key>#<n>`, which must not collide with another operation's key.
 */
const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^#]+$/, "idempotencyKey must not contain #");
const Quantity = z
  .number()
  .int()
  .refine((q) => q !== 0, "quantity must not be 0")
  .refine((q) => Number.isSafeInteger(q), "quantity is out of range");
const Meta = {
  reason: z.string().max(500).default(""),
  actor: z.string().min(1).max(100),
};

const Leg = z
  .object({ characterId: CharacterId, itemId: ItemId, quantity: Quantity, kind: z.enum(LEDGER_KINDS) })
  .superRefine((leg, ctx) => {
    if (leg.kind === "trade") {
      ctx.addIssue({ code: "custom", path: ["kind"], message: "trades go through transfer()" });
    } else if (CREDIT_KINDS.has(leg.kind) && leg.quantity < 0) {
      ctx.addIssue({ code: "custom", path: ["quantity"], message: `a ${leg.kind} must be positive` });
    } else if (DEBIT_KINDS.has(leg.kind) && leg.quantity > 0) {
      ctx.addIssue({ code: "custom", path: ["quantity"], message: `a ${leg.kind} must be negative` });
    }
    if (leg.itemId !== CURRENCY && Math.abs(leg.quantity) > MAX_ITEM_QUANTITY) {
      ctx.addIssue({ code: "custom", path: ["quantity"], message: "item quantity is out of range" });
    }
  });

export const LedgerOpSchema = Leg.and(z.object({ idempotencyKey: IdempotencyKey, ...Meta }));

export const LedgerBatchSchema = z.object({
  legs: z.array(Leg).min(1).max(32),
  idempotencyKey: IdempotencyKey,
  ...Meta,
});

export const TransferOpSchema = z
  .object({
    from: CharacterId,
    to: CharacterId,
    itemId: ItemId,
    quantity: Quantity.refine((q) => q > 0, "quantity must be positive"),
    idempotencyKey: IdempotencyKey,
    ...Meta,
  })
  .superRefine((op, ctx) => {
    if (op.from === op.to)
      ctx.addIssue({ code: "custom", path: ["to"], message: "cannot trade with oneself" });
    if (op.itemId !== CURRENCY && op.quantity > MAX_ITEM_QUANTITY) {
      ctx.addIssue({ code: "custom", path: ["quantity"], message: "item quantity is out of range" });
    }
  });

const Give = z.object({
  itemId: ItemId,
  quantity: Quantity.refine((q) => q > 0, "quantity must be positive"),
});

/** What one side of a swap hands over; an item (or currency) at most once per side. */
const Gives = z
  .array(Give)
  .max(16)
  .refine((g) => new Set(g.map((x) => x.itemId)).size === g.length, "an item is given twice");

export const SwapOpSchema = z
  .object({
    a: CharacterId,
    b: CharacterId,
    aGives: Gives,
    bGives: Gives,
    idempotencyKey: IdempotencyKey,
    ...Meta,
  })
  .superRefine((op, ctx) => {
    if (op.a === op.b) ctx.addIssue({ code: "custom", path: ["b"], message: "cannot trade with oneself" });
    if (op.aGives.length + op.bGives.length === 0) {
      ctx.addIssue({ code: "custom", path: ["aGives"], message: "a swap moves something" });
    }
    for (const g of [...op.aGives, ...op.bGives]) {
      if (g.itemId !== CURRENCY && g.quantity > MAX_ITEM_QUANTITY) {
        ctx.addIssue({ code: "custom", path: ["quantity"], message: "item quantity is out of range" });
      }
    }
  });

/**
 * One change: `quantity` > 0 adds, < 0 removes. The idempotency key names the
 * operation, not the attempt: a retry (or a concurrent duplicate) must reuse
 * it, e.g. `loot:<npc id>:<death tick>:<character id>`.
 */
export type LedgerOp = z.input<typeof LedgerOpSchema>;
export type LedgerLeg = z.input<typeof Leg>;
export type LedgerBatch = z.input<typeof LedgerBatchSchema>;
export type TransferOp = z.input<typeof TransferOpSchema>;
/**
 * Two characters hand each other items and currency at once (a player
 * trade): every leg, both ways, is written or none is.
 */
export type SwapOp = z.input<typeof SwapOpSchema>;

/** Parses with `schema` or throws a 400 `invalid_request` listing the issues. */
export function parseOp<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw badRequest(
      "Invalid ledger operation",
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    );
  }
  return parsed.data;
}
