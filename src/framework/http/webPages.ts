import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import type { Application, Request, Response } from "express";
import { AppError } from "../util/errors.js";
import type { Logger } from "../util/logger.js";
import type { RouteSpec } from "./api.js";
import { sendError } from "./handler.js";

export interface WebPagesOptions {
  log: Logger;
  /** The Vite build of web/ (default: dist/web next to package.json, under tsx and compiled alike). */
  dir?: string;
}

/** Page path → its HTML file in the build. */
const PAGES: Record<string, string> = {
  "/play": "play/index.html",
  "/admin": "admin/index.html",
};

/** The build's assets are text only (script, style, source map, svg): see `readAsset`. */
const ASSET_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml; charset=utf-8",
};

/**
 * The pages connect to whichever process a seat reservation names, so
 * WebSocket connections may go to any host; everything else stays on this
 * origin. No inline scripts or styles: the build emits none.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/**
 * Serves the game client at /play and the admin console at /admin, built by
 * Vite from web/ into dist/web (`npm run build:web`; `npm start` and `npm run
 * build` do it too). HTML is revalidated on every load (so a deploy shows at
 * once); assets carry a content hash in their names and are cached for a
 * year. Without a build the pages answer 503 with what to run.
 *
 * Files are read into memory rather than streamed: the uWebSockets.js
 * transport's Express bridge buffers whole bodies anyway and does not
 * implement Node's stream piping that `res.sendFile` relies on.
 */
export function registerWebPages(app: Application, opts: WebPagesOptions): void {
  const dir = opts.dir ?? defaultBuildDir();
  const missing = Object.values(PAGES).filter((file) => !existsSync(resolve(dir, file)));
  if (missing.length > 0) {
    opts.log.warn(
      { dir, missing },
      "web pages are not built: /play and /admin answer 503 until `npm run build:web` runs",
    );
  }

  const assets = new Map<string, string>();
  const readAsset = (name: string): string | undefined => {
    // Hashed names never change content, so one read per name is enough.
    const cached = assets.get(name);
    if (cached !== undefined) return cached;
    const path = resolve(dir, "assets", name);
    if (!existsSync(path)) return undefined;
    const body = readFileSync(path, "utf8");
    assets.set(name, body);
    return body;
  };

  app.get("/web/assets/:name", (req: Request, res: Response) => {
    const name = String(req.params.name);
    const type = ASSET_TYPES[extname(name)];
    const body = /^[A-Za-z0-9._-]+$/.test(name) && type ? readAsset(name) : undefined;
    if (body === undefined) {
      res.set("Cache-Control", "no-store");
      // The same JSON 404 as any unknown route.
      sendError(res, new AppError("not_found", 404, `No asset ${name}`), opts.log, req);
      return;
    }
    res
      .status(200)
      .set({
        "Content-Type": type,
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
      })
      .send(body);
  });

  const pages = new Map<string, { mtimeMs: number; body: string; etag: string }>();
  for (const [path, file] of Object.entries(PAGES)) {
    app.get(path, (req: Request, res: Response) => {
      const full = resolve(dir, file);
      if (!existsSync(full)) {
        res
          .status(503)
          .set({ "Cache-Control": "no-store", "Retry-After": "10" })
          .type("html")
          .send(notBuiltPage(path, dir));
        return;
      }
      // Re-read when the build changes under a running server (`npm run build:web`).
      const mtimeMs = statSync(full).mtimeMs;
      let page = pages.get(path);
      if (!page || page.mtimeMs !== mtimeMs) {
        const body = readFileSync(full, "utf8");
        page = {
          mtimeMs,
          body,
          etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
        };
        pages.set(path, page);
      }
      res.set({
        "Cache-Control": "no-cache",
        ETag: page.etag,
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
      });
      if (req.get("if-none-match") === page.etag) {
        res.status(304).end();
        return;
      }
      res.status(200).type("html").send(page.body);
    });
  }
}

/** The routes above as the API document shows them (HTML and assets for browsers, no token). */
export function webPageSpecs(): RouteSpec[] {
  const common = { method: "get", tag: "web", rateLimited: false } as const;
  return [
    ...Object.keys(PAGES).map((path) => ({
      ...common,
      path,
      summary: path === "/play" ? "The game client (HTML)" : "The admin console (HTML)",
      produces: "text/html",
      errors: { 503: "The web pages are not built (npm run build:web)" },
    })),
    {
      ...common,
      path: "/web/assets/:name",
      summary: "The web client's built assets (content-hashed names, cached for a year)",
      produces: "text/javascript",
      params: { name: "The asset's file name, as the HTML names it" },
      errors: { 404: "No such asset" },
    },
  ];
}

/** dist/web beside package.json: src/framework/http under tsx, dist/src/framework/http when compiled. */
function defaultBuildDir(): string {
  for (const up of ["../../..", "../../../.."]) {
    const root = resolve(import.meta.dirname, up);
    try {
      const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "mxo-server") return resolve(root, "dist/web");
    } catch {
      // not the package root; try one level up
    }
  }
  return resolve(process.cwd(), "dist/web");
}

function notBuiltPage(path: string, dir: string): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not built — mxo-server</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>${escape(path)} is not built yet</h1>
<p>The server is running, but the web pages have not been built into <code>${escape(dir)}</code>.</p>
<p>On the server's machine, in the mxo-server directory, run</p>
<pre>npm run build:web</pre>
<p>(or <code>npm run build</code>, which also compiles the server) and reload this page.
<code>npm start</code> builds the pages by itself when the dev dependencies are installed.</p>
</body></html>
`;
}
