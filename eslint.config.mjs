import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

/** A string that starts like an SQL statement. */
const SQL = "/^\\s*(SELECT|INSERT\\s+INTO|UPDATE\\s+\\w+\\s+SET|DELETE\\s+FROM|WITH\\s+\\w+\\s+AS)\\s/";

/** Where SQL and TypeORM may appear: the adapters, migrations, database setup and the character store. */
const STORAGE = [
  "src/framework/persistence/typeorm/**",
  "src/framework/persistence/migrations/**",
  "src/framework/persistence/database.ts",
  "src/framework/persistence/embedded/**",
  "src/framework/persistence/CharacterStore.ts",
  "src/framework/persistence/backup/**",
];
const NO_GAME = [
  {
    group: [
      "**/mxo/**",
      "**/rooms/**",
      "**/examples/**",
      "**/schema/District*",
      "**/schema/Player*",
      "**/schema/Npc*",
    ],
    message:
      "The framework names no game: the game's part goes in its module (src/mxo), reached through GameModule.",
  },
];
const NO_STORAGE = [
  {
    regex: "^(typeorm|typeorm-pglite|pg|@electric-sql/pglite)(/.*)?$",
    message: "Storage goes through a port (src/framework/persistence/ports) and its TypeORM adapter.",
  },
];
const NO_ADAPTERS = {
  group: ["**/framework/persistence/typeorm/**", "../typeorm/*"],
  message: "Take the port (src/framework/persistence/ports); startServer builds the adapters.",
};

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "data/", "bench/results/", "scratch/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "warn",
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through src/framework/config/config.ts only.",
        },
      ],
    },
  },
  {
    files: [
      "src/framework/config/**",
      "test/**",
      "bench/**",
      "loadtest/**",
      "examples/**",
      "ecosystem.config.js",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Tests and examples read JSON and replicated state the SDK types as any.
    files: ["test/**", "examples/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Persistence behind ports: SQL and TypeORM live only in the TypeORM adapters, the database setup
    // and migrations, the character store (src/framework/persistence), the entities, and the tests' and benchmarks' fixtures.
    files: ["**/*.ts"],
    ignores: [
      "src/framework/persistence/typeorm/**",
      "src/framework/persistence/migrations/**",
      "src/framework/persistence/database.ts",
      "src/framework/persistence/embedded/**",
      "src/framework/persistence/CharacterStore.ts",
      "src/framework/persistence/backup/**",
      "entities/**",
      "test/**",
      "bench/**",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(typeorm|typeorm-pglite|pg|@electric-sql/pglite)(/.*)?$",
              message:
                "Storage goes through a port (src/framework/persistence/ports) and its TypeORM adapter.",
            },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: `Literal[value=${SQL}]`,
          message: "SQL belongs in a TypeORM adapter (src/framework/persistence/typeorm) behind a port.",
        },
        {
          selector: `TemplateElement[value.raw=${SQL}]`,
          message: "SQL belongs in a TypeORM adapter (src/framework/persistence/typeorm) behind a port.",
        },
      ],
    },
  },
  {
    // Services take ports; only the composition root (startServer) builds the adapters.
    files: ["src/**/*.ts", "rooms/**/*.ts", "examples/**/*.ts"],
    ignores: [
      "src/framework/persistence/typeorm/**",
      "src/framework/persistence/migrations/**",
      "src/framework/persistence/database.ts",
      "src/framework/persistence/embedded/**",
      "src/framework/persistence/CharacterStore.ts",
      "src/framework/persistence/backup/**",
      "src/framework/server/startServer.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(typeorm|typeorm-pglite|pg|@electric-sql/pglite)(/.*)?$",
              message:
                "Storage goes through a port (src/framework/persistence/ports) and its TypeORM adapter.",
            },
            {
              group: ["**/framework/persistence/typeorm/**", "../typeorm/*"],
              message: "Take the port (src/framework/persistence/ports); startServer builds the adapters.",
            },
          ],
        },
      ],
    },
  },
  // The framework names no game: a game (src/mxo, examples/) builds on it, never the other way.
  // (A later block replaces no-restricted-imports for its files, so each repeats the storage rules.)
  {
    files: ["src/framework/**/*.ts"],
    ignores: [...STORAGE, "src/framework/server/startServer.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [...NO_GAME, ...NO_STORAGE, NO_ADAPTERS] }] },
  },
  {
    files: [...STORAGE, "src/framework/server/startServer.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: NO_GAME }] },
  },
  {
    // MxO's rules and the framework's movement step are pure: no storage, no transport, no room.
    files: ["src/mxo/rules/**", "src/framework/movement.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/entities/**", "**/persistence/**", "**/rooms/**", "**/http/**"],
              message: "Rules are pure: they may not import entities, persistence, rooms or HTTP code.",
            },
            {
              group: ["@colyseus/*", "colyseus", "typeorm"],
              message: "Rules are pure: no Colyseus or TypeORM.",
            },
          ],
        },
      ],
    },
  },
  {
    // The framework's movement step names no game: it may not reach into a game module.
    files: ["src/framework/movement.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/entities/**", "**/persistence/**", "**/rooms/**", "**/http/**", "**/mxo/**"],
              message: "The movement step is the framework's: no game, storage, room or HTTP imports.",
            },
            { group: ["@colyseus/*", "colyseus", "typeorm"], message: "The movement step is pure." },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
