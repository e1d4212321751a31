import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BackupError } from "../../src/framework/persistence/backup/BackupError.js";
import {
  backupFileName,
  openBackupFile,
  writeBackupFile,
  type BackupManifest,
} from "../../src/framework/persistence/backup/backupFile.js";
import { databaseName, pgConnection } from "../../src/framework/persistence/backup/pgTools.js";
import { checkRestorable, codeMigrations } from "../../src/framework/persistence/backup/schemaCompat.js";

function manifest(over: Partial<BackupManifest> = {}): BackupManifest {
  const migrations = codeMigrations();
  return {
    format: 1,
    kind: "postgres",
    createdAt: "2026-12-06T22:00:00.000Z",
    appVersion: "0.1.0",
    latestMigration: migrations[migrations.length - 1]!.name,
    migrations,
    payload: "pg_dump/custom",
    source: { server: "PostgreSQL 15.20" },
    ...over,
  };
}

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<BackupError> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (err) {
    assert.ok(err instanceof BackupError, String(err));
    return err;
  }
  assert.fail("expected a BackupError");
}

describe("backup file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mxo-backup-unit-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes header and payload, and reads back the manifest and where the dump starts", async () => {
    const file = join(dir, "a.mxo-backup");
    const payload = Buffer.from([0, 1, 2, 10, 13, 255]);
    await writeBackupFile(file, manifest(), async (out) => {
      out.end(payload);
      await new Promise((r) => out.once("finish", r));
    });
    const opened = await openBackupFile(file);
    assert.deepEqual(opened.manifest, manifest());
    assert.deepEqual(readFileSync(file).subarray(opened.payloadOffset), payload);
    assert.equal(readFileSync(file, "utf8").split("\n", 1)[0], "MXO-BACKUP 1");
  });

  it("leaves no file behind when the dump fails, and never overwrites one", async () => {
    const file = join(dir, "b.mxo-backup");
    const err = await refusal(
      writeBackupFile(file, manifest(), async (out) => {
        out.write("half a dump");
        throw new BackupError("dump_failed", "pg_dump exited with 1");
      }),
    );
    assert.equal(err.code, "dump_failed");
    assert.deepEqual(readdirSync(dir), [], "neither the file nor its .partial");
    writeFileSync(file, "precious");
    assert.equal((await refusal(writeBackupFile(file, manifest(), async () => {}))).code, "output_exists");
    assert.equal(readFileSync(file, "utf8"), "precious");
  });

  it("refuses what is not one of ours, saying why", async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ["missing", "", /does not exist/],
      ["pgdump", Buffer.from("PGDMP\x01\x0e\x00"), /does not start with "MXO-BACKUP 1"/],
      ["nojson", "MXO-BACKUP 1\n{not json\n", /not JSON/],
      ["noline", "MXO-BACKUP 1\n{}", /no manifest line/],
      ["kind", `MXO-BACKUP 1\n${JSON.stringify({ ...manifest(), kind: "sqlite" })}\n`, /manifest field kind/],
      ["format", `MXO-BACKUP 1\n${JSON.stringify({ ...manifest(), format: 2 })}\n`, /manifest field format/],
    ];
    for (const [name, content, why] of cases) {
      const file = join(dir, name);
      if (name !== "missing") writeFileSync(file, content);
      const err = await refusal(openBackupFile(file));
      assert.equal(err.code, "not_a_backup", name);
      assert.match(err.message, why, name);
    }
  });

  it("names files by kind and UTC time, so they sort", () => {
    assert.equal(
      backupFileName("embedded", new Date("2026-12-06T22:03:04.567Z")),
      "mxo-embedded-20261206T220304Z.mxo-backup",
    );
  });
});

describe("checkRestorable", () => {
  it("takes a backup of this code's schema, with nothing left to migrate", () => {
    assert.deepEqual(checkRestorable(manifest(), "postgres"), []);
  });

  it("takes an older backup and names the migrations the server will run", () => {
    const all = codeMigrations();
    const older = manifest({ migrations: all.slice(0, -2), latestMigration: all[all.length - 3]!.name });
    assert.deepEqual(checkRestorable(older, "postgres"), all.slice(-2));
  });

  it("refuses a schema newer than the code, naming the unknown migration and the release that made it", async () => {
    const newer = manifest({
      appVersion: "9.9.9",
      migrations: [...codeMigrations(), { name: "Future9999999999999", timestamp: 9999999999999 }],
      latestMigration: "Future9999999999999",
    });
    const err = await refusal(() => checkRestorable(newer, "postgres"));
    assert.equal(err.code, "schema_newer");
    assert.match(err.message, /Future9999999999999/);
    assert.match(err.message, /mxo-server 9\.9\.9/);
  });

  it("refuses a backup of the other kind, saying which variable decides", async () => {
    const intoEmbedded = await refusal(() => checkRestorable(manifest(), "embedded"));
    assert.equal(intoEmbedded.code, "kind_mismatch");
    assert.match(intoEmbedded.message, /set DATABASE_URL/);
    const intoPostgres = await refusal(() =>
      checkRestorable(manifest({ kind: "embedded", payload: "pglite/datadir.tar.gz" }), "postgres"),
    );
    assert.match(intoPostgres.message, /unset it/);
  });
});

describe("pgConnection", () => {
  it("keeps the password off the command line: the URL without it, the password in PGPASSWORD", () => {
    const conn = pgConnection("postgres://mxo:s%40cr%3At@db.internal:5433/mxo_live?sslmode=require");
    assert.equal(conn.dbname, "postgres://mxo@db.internal:5433/mxo_live?sslmode=require");
    assert.equal(conn.env.PGPASSWORD, "s@cr:t");
    assert.equal(conn.env.PATH, process.env.PATH, "the rest of the environment is inherited");
    assert.equal(databaseName("postgres://mxo:x@db/mxo_live"), "mxo_live");
    assert.equal(pgConnection("postgres://postgres@127.0.0.1/mxo").env.PGPASSWORD, process.env.PGPASSWORD);
  });
});
