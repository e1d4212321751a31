import type { DataSource } from "typeorm";
import type { SecretStore } from "../ports/SecretStore.js";

export class TypeormSecretStore implements SecretStore {
  constructor(private readonly db: DataSource) {}

  async putIfAbsent(name: string, value: string): Promise<void> {
    await this.db.query(
      `INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [name, value],
    );
  }

  async get(name: string): Promise<string | undefined> {
    const rows = (await this.db.query(`SELECT value FROM server_secrets WHERE name = $1`, [name])) as {
      value: string;
    }[];
    return rows[0]?.value;
  }
}
