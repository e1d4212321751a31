import type { DataSource } from "typeorm";
import { Character } from "../../../../entities/Character.js";
import type {
  CharacterRosterStore,
  CreateOutcome,
  NewCharacter,
  RosterEntry,
} from "../ports/CharacterRosterStore.js";
import { isUniqueViolation } from "./pgErrors.js";

export class TypeormCharacterRosterStore implements CharacterRosterStore {
  constructor(private readonly db: DataSource) {}

  async list(accountId: string): Promise<RosterEntry[]> {
    const rows = await this.db
      .getRepository(Character)
      .find({ where: { accountId }, order: { createdAt: "ASC" } });
    return rows.map((c) => ({
      id: c.id,
      name: c.name,
      district: c.district,
      organization: c.organization,
      level: c.level,
    }));
  }

  async create(character: NewCharacter, maxPerAccount: number): Promise<CreateOutcome> {
    try {
      return await this.db.transaction(async (tx): Promise<CreateOutcome> => {
        await tx.query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE", [character.accountId]);
        const count = await tx.getRepository(Character).countBy({ accountId: character.accountId });
        if (count >= maxPerAccount) return "limit_reached";
        await tx.getRepository(Character).insert(character as Partial<Character>);
        return "created";
      });
    } catch (err) {
      if (isUniqueViolation(err)) return "name_taken";
      throw err;
    }
  }
}
