import { resolve } from "node:path";
import { defineConfig } from "vite";
import { recordBuildInputs } from "./scripts/recordBuildInputs.js";

const root = import.meta.dirname;

/**
 * The player client (/play) and the admin console (/admin), built into
 * dist/web so the compiled server, its Docker image and `npm start` all find
 * them in one place (src/framework/http/webPages.ts serves them).
 */
export default defineConfig({
  root,
  // Absolute, because /play and /admin are served without a trailing slash.
  base: "/web/",
  publicDir: false,
  clearScreen: false,
  build: {
    outDir: resolve(root, "../dist/web"),
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
    rollupOptions: {
      input: {
        play: resolve(root, "play/index.html"),
        admin: resolve(root, "admin/index.html"),
      },
    },
  },
  plugins: [recordBuildInputs()],
});
