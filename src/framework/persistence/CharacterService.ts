import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { CharacterRosterStore, NewCharacter, RosterEntry } from "./ports/CharacterRosterStore.js";
import type { CharacterRules } from "../game/GameModule.js";
import { conflict } from "../util/errors.js";

/** `GET /characters` and `POST /characters`: one of the account's characters, as the roster stores it. */
export type CharacterSummary = RosterEntry;

export const MAX_CHARACTERS_PER_ACCOUNT = 8;

/** Where and how a new character appears: the game decides (`CharacterRules.start`). */
export type StartingCharacter = Pick<
  NewCharacter,
  "district" | "x" | "y" | "z" | "heading" | "level" | "experience" | "hp" | "maxHp" | "stats"
>;

/** `POST /characters`: a name every game accepts, and one of the game's organizations. */
export function createCharacterSchema(rules: CharacterRules) {
  const [first, ...rest] = rules.organizations;
  return z.object({
    name: z
      .string({ message: "name is required" })
      .regex(
        /^[A-Za-z][A-Za-z0-9_]{2,23}$/,
        "name must be 3–24 characters of A-Z, a-z, 0-9 and _, starting with a letter",
      ),
    organization: z
      .enum([first, ...rest], { message: `organization must be one of ${rules.organizations.join(", ")}` })
      .default(rules.defaultOrganization),
  });
}

export type CreateCharacter = z.infer<ReturnType<typeof createCharacterSchema>>;

export class CharacterService {
  readonly createSchema: ReturnType<typeof createCharacterSchema>;

  constructor(
    private readonly roster: CharacterRosterStore,
    private readonly rules: CharacterRules,
  ) {
    this.createSchema = createCharacterSchema(rules);
  }

  async list(accountId: string): Promise<CharacterSummary[]> {
    return (await this.roster.list(accountId)).map(summary);
  }

  async create(accountId: string, input: CreateCharacter): Promise<CharacterSummary> {
    const character: NewCharacter = {
      ...this.rules.start(input.organization),
      id: randomUUID(),
      accountId,
      name: input.name,
      organization: input.organization,
      stateVersion: 0,
    };
    // The store serializes creations per account, so the slot limit holds under concurrency.
    const outcome = await this.roster.create(character, MAX_CHARACTERS_PER_ACCOUNT);
    if (outcome === "limit_reached") {
      throw conflict(
        "character_limit",
        `An account can have at most ${MAX_CHARACTERS_PER_ACCOUNT} characters`,
      );
    }
    if (outcome === "name_taken") throw conflict("name_taken", `Character name "${input.name}" is taken`);
    return summary(character);
  }
}

function summary(c: CharacterSummary): CharacterSummary {
  return { id: c.id, name: c.name, district: c.district, organization: c.organization, level: c.level };
}
