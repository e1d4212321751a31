import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * A Node binary of the given major: the one running the tests, NODE<major>_BIN,
 * the copy .ci/run installs from npm (~/.cache/mxo-ci/node<major>), or
 * /opt/node<major> or /usr/bin/node where this machine has one. `undefined` when
 * there is none.
 */
export function findNode(major: number): string | undefined {
  const candidates = [
    process.execPath,
    process.env[`NODE${major}_BIN`],
    join(
      process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
      `mxo-ci/node${major}/node_modules/node/bin/node`,
    ),
    `/opt/node${major}/node_modules/node/bin/node`,
    // Debian's or NodeSource's package, when the tests run on another Node.
    "/usr/bin/node",
  ];
  for (const bin of candidates) {
    if (!bin || !existsSync(bin)) continue;
    if (versionOf(bin).split(".")[0] === `v${major}`) return bin;
  }
  return undefined;
}

/** `v24.21.0`, and the ABI its native modules are built for. */
export function versionOf(bin: string): string {
  return bin === process.execPath
    ? process.version
    : execFileSync(bin, ["--version"], { encoding: "utf8" }).trim();
}

export function abiOf(bin: string): string {
  return bin === process.execPath
    ? process.versions.modules
    : execFileSync(bin, ["-p", "process.versions.modules"], { encoding: "utf8" }).trim();
}

/** This machine's glibc, e.g. [2, 36]. */
export function runtimeGlibc(): [number, number] {
  const report = process.report.getReport() as { header: { glibcVersionRuntime?: string } };
  const [major, minor] = (report.header.glibcVersionRuntime ?? "0.0").split(".").map(Number);
  return [major!, minor!];
}

/** The newest GLIBC_x.y symbol version a native binary asks for. */
export function requiredGlibc(binary: string): [number, number] {
  let best: [number, number] = [0, 0];
  for (const m of readFileSync(binary, "latin1").matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
    const v: [number, number] = [Number(m[1]), Number(m[2])];
    if (v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  }
  return best;
}

/**
 * The transport the server must pick on `bin` here, from the binaries the
 * installed uWebSockets.js builds ship (vendor/uwebsockets-select tries them)
 * and the glibc they need: "uws" when one has a binary for this ABI that this
 * glibc can load, else "ws".
 */
export function expectedTransport(bin: string): "uws" | "ws" {
  const abi = abiOf(bin);
  const glibc = runtimeGlibc();
  const name = `uws_${process.platform}_${process.arch}_${abi}.node`;
  const dirs = [
    join(ROOT, "node_modules/@btc-vision/uwebsockets.js"),
    join(ROOT, "node_modules/@trufflesuite/uws-js-unofficial/binaries"),
  ];
  for (const dir of dirs) {
    if (!existsSync(dir) || !readdirSync(dir).includes(name)) continue;
    const [major, minor] = requiredGlibc(join(dir, name));
    if (glibc[0] > major || (glibc[0] === major && glibc[1] >= minor)) return "uws";
  }
  return "ws";
}

/**
 * For suites run once per transport: the uws run is pending (with the reason)
 * on a Node that no uWebSockets.js build serves here, such as Node 24 on a
 * glibc older than 2.38; the server would refuse TRANSPORT=uws (exit 2).
 */
export function skipUnlessTransportServes(ctx: Mocha.Context, transport: "uws" | "ws"): void {
  if (transport === "uws" && expectedTransport(process.execPath) !== "uws") {
    ctx.skip();
  }
}
