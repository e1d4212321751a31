import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

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
          message: "Read configuration through src/config/config.ts only.",
        },
      ],
    },
  },
  {
    files: ["src/config/**", "test/**", "bench/**", "loadtest/**", "examples/**", "ecosystem.config.js"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Tests and examples read JSON and replicated state the SDK types as any.
    files: ["test/**", "examples/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
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
