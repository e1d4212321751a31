import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { DistrictCatalog } from "../content/districts.js";
import type {
  CharacterRosterStore,
  NewCharacter,
} from "../framework/persistence/ports/CharacterRosterStore.js";
import type { CharacterSummary } from "../mxo/contract/characters.js";
import { maxHealth, ORGANIZATIONS, STARTING_DISTRICT, STARTING_STATS } from "../mxo/rules/characterRules.js";
import { conflict } from "../util/errors.js";

export const MAX_CHARACTERS_PER_ACCOUNT = 8;

export const CreateCharacterSchema = z.object({
  name: z
    .string({ message: "name is required" })
    .regex(
      /^[A-Za-z][A-Za-z0-9_]{2,23}$/,
      "name must be 3–24 characters of A-Z, a-z, 0-9 and _, starting with a letter",
    ),
  organization: z
    .enum(ORGANIZATIONS, { message: `organization must be one of ${ORGANIZATIONS.join(", ")}` })
    .default("zion"),
});

export class CharacterService {
  constructor(
    private readonly roster: CharacterRosterStore,
    private readonly districts: DistrictCatalog,
  ) {}

  async list(accountId: string): Promise<CharacterSummary[]> {
    return (await this.roster.list(accountId)).map(summary);
  }

  async create(accountId: string, input: z.infer<typeof CreateCharacterSchema>): Promise<CharacterSummary> {
    const district = this.districts.get(STARTING_DISTRICT) ? STARTING_DISTRICT : this.districts.ids()[0]!;
    const at = this.districts.arrivalPoint(district);
    const stats = { ...STARTING_STATS };
    const hp = maxHealth(stats, 1);
    const character: NewCharacter = {
      id: randomUUID(),
      accountId,
      name: input.name,
      organization: input.organization,
      level: 1,
      experience: 0,
      district,
      x: at.x,
      y: at.y,
      z: at.z,
      heading: 0,
      hp,
      maxHp: hp,
      stats,
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
