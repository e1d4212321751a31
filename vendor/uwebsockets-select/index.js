"use strict";
/*
 * What "uWebSockets.js" resolves to (package.json aliases it here, and its
 * overrides make @colyseus/uwebsockets-transport and uwebsockets-express use
 * this too). uWebSockets.js is published only on GitHub, which an `npm ci`
 * from the registry cannot reach, and no single registry build carries a
 * binary for every Node ABI and libc we run on. So: the first build whose
 * native binary loads here, or an error that says why none does, which the
 * server turns into the ws transport (or a refusal with TRANSPORT=uws).
 */
const { readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

const target = `${process.platform}_${process.arch}_${process.versions.modules}`;

const BUILDS = [
  {
    // v20.57.0, the release @colyseus/uwebsockets-transport is written
    // against. Binaries for Node 20, 22, 24 and 25 (ABI 115, 127, 137, 141)
    // that need glibc >= 2.38: Debian 13, Ubuntu 24.04.
    name: "@btc-vision/uwebsockets.js",
    load: () => require("@btc-vision/uwebsockets.js"),
  },
  {
    // v20.30.0: Node 16, 18 and 20 only (ABI 93, 108, 115), glibc >= 2.27,
    // e.g. Node 20 on Debian 12. Its own entry point answers a missing binary
    // with a partial JavaScript imitation that never serves HTTP, so the
    // binary is loaded directly and a missing one is an error like any other.
    name: "@trufflesuite/uws-js-unofficial",
    load: () => require(`@trufflesuite/uws-js-unofficial/binaries/uws_${target}.node`),
  },
];

/** Where the server's logs and errors say which build runs. */
const BUILD = Symbol.for("uwebsockets-select.build");

function versionOf(name) {
  try {
    const main = require.resolve(name);
    // Walk up from the entry to the package's own package.json (exports maps hide it).
    for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
        if (pkg.name === name) return pkg.version;
      } catch {
        // no package.json at this level
      }
    }
  } catch {
    // not installed
  }
  return undefined;
}

/** One line on why a build did not load: the loader's last line says it best. */
function reasonOf(err) {
  if (err && err.code === "MODULE_NOT_FOUND") {
    return /binaries\/uws_/.test(String(err.message))
      ? `no binary for ${target.replace(/_/g, " ").replace(/ (\d+)$/, " (Node ABI $1)")}`
      : "not installed";
  }
  const lines = String((err && err.message) || err)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] || "unknown error";
}

function glibc() {
  const header = process.report ? process.report.getReport().header : {};
  return header.glibcVersionRuntime ? `glibc ${header.glibcVersionRuntime}` : "no glibc";
}

module.exports = (() => {
  const failures = [];
  for (const build of BUILDS) {
    try {
      const uws = build.load();
      Object.defineProperty(uws, BUILD, { value: { name: build.name, version: versionOf(build.name) } });
      return uws;
    } catch (err) {
      failures.push(`${build.name}: ${reasonOf(err)}`);
    }
  }
  const err = new Error(
    `no uWebSockets.js build loads on Node ${process.version} (${process.platform} ${process.arch}, ` +
      `ABI ${process.versions.modules}, ${glibc()}): ${failures.join("; ")}`,
  );
  err.code = "UWS_NO_BUILD";
  throw err;
})();
