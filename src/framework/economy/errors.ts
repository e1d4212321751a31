import { AppError } from "../util/errors.js";

/**
 * The ledger's refusals, one class each so callers can `instanceof` them; all
 * are AppErrors, so an HTTP route maps them without further code. Each is
 * thrown after the transaction rolled back: nothing was written.
 */

/** A take (or the giving side of a transfer) larger than what is held. */
export class InsufficientQuantityError extends AppError {
  constructor(
    readonly characterId: string,
    readonly itemId: string,
    readonly requested: number,
    readonly held: number,
  ) {
    super(
      "insufficient_quantity",
      409,
      `Character ${characterId} holds ${held} of ${itemId}, cannot remove ${requested}`,
      { characterId, itemId, requested, held },
    );
    this.name = "InsufficientQuantityError";
  }
}

/** An idempotency key reused for a different operation (other character, item, quantity or kind). */
export class IdempotencyConflictError extends AppError {
  constructor(readonly idempotencyKey: string) {
    super(
      "idempotency_conflict",
      409,
      `Idempotency key "${idempotencyKey}" was used for a different operation`,
      {
        idempotencyKey,
      },
    );
    this.name = "IdempotencyConflictError";
  }
}

export class UnknownCharacterError extends AppError {
  constructor(readonly characterId: string) {
    super("character_not_found", 404, `No character ${characterId}`, { characterId });
    this.name = "UnknownCharacterError";
  }
}

/** A stack beyond the 32-bit integer range, or currency beyond 64 bits. */
export class QuantityOverflowError extends AppError {
  constructor(
    readonly characterId: string,
    readonly itemId: string,
  ) {
    super("quantity_overflow", 409, `Character ${characterId} cannot hold more ${itemId}`, {
      characterId,
      itemId,
    });
    this.name = "QuantityOverflowError";
  }
}
