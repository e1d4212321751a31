import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { pino } from "pino";
import { registerWebPages } from "../../src/framework/http/webPages.js";

/** How the built pages are served: caching, security headers, and the page shown before a build. */
describe("serving the web pages (src/framework/http/webPages.ts)", () => {
  let dir: string;
  let server: Server;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mxo-web-"));
    const app = express();
    registerWebPages(app, { log: pino({ level: "silent" }), dir });
    await new Promise<void>((resolve) => {
      server = app.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });

  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 503 with the build command while the pages are not built", async () => {
    for (const page of ["/play", "/admin"]) {
      const res = await fetch(base + page);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.match(await res.text(), /npm run build:web/);
    }
  });

  it("serves a built page for revalidation on every load, with a CSP, and 304 when unchanged", async () => {
    mkdirSync(join(dir, "play"), { recursive: true });
    writeFileSync(join(dir, "play/index.html"), "<!doctype html><title>play</title>");
    const res = await fetch(`${base}/play`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/html/);
    assert.equal(res.headers.get("cache-control"), "no-cache");
    assert.match(res.headers.get("content-security-policy") ?? "", /connect-src 'self' ws: wss:/);
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.equal(await res.text(), "<!doctype html><title>play</title>");
    const etag = res.headers.get("etag")!;
    const again = await fetch(`${base}/play`, { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);

    // A rebuild under a running server shows at once.
    writeFileSync(join(dir, "play/index.html"), "<!doctype html><title>play v2</title>");
    const rebuilt = await fetch(`${base}/play`, { headers: { "if-none-match": etag } });
    assert.equal(rebuilt.status, 200);
    assert.match(await rebuilt.text(), /play v2/);
  });

  it("serves hashed assets for a year, and nothing outside the assets or of another type", async () => {
    mkdirSync(join(dir, "assets"), { recursive: true });
    writeFileSync(join(dir, "assets/play-AbC123.js"), "console.log(1)");
    writeFileSync(join(dir, "assets/notes.txt"), "secret");
    writeFileSync(join(dir, "build-inputs.json"), "{}");
    const res = await fetch(`${base}/web/assets/play-AbC123.js`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/javascript/);
    assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(await res.text(), "console.log(1)");
    for (const path of [
      "/web/assets/notes.txt",
      "/web/assets/missing-1.js",
      "/web/assets/..%2Fbuild-inputs.json",
      "/web/assets/%2e%2e%2fplay%2findex.html",
    ]) {
      assert.equal((await fetch(base + path)).status, 404, path);
    }
  });
});
