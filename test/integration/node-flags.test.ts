/**
 * Every Node option the project starts Node with (the Dockerfile's CMD, npm
 * scripts, pm2's ecosystem.config.js, .mocharc.json) is accepted, without a
 * warning, by each Node we run on: 20, 22 and 24 where this machine has them
 * (.ci/run installs 24). An option a newer Node dropped would stop the image
 * or the scripts from starting at all.
 */
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { findNode, versionOf } from "../helpers/nodeVersions.js";

const ROOT = resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(resolve(ROOT, file), "utf8");

/** `--flag`, `--flag=value` and `--import <module>` from a node command's words, in order. */
function optionsOf(words: string[]): string[] {
  const options: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "--import" || w === "--require" || w === "-r") options.push(w, words[++i]!);
    else if (w.startsWith("--")) options.push(w);
  }
  return options;
}

function projectNodeOptions(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const cmd = /^CMD (\[.*\])$/m.exec(read("Dockerfile"));
  assert.ok(cmd, "the Dockerfile has no exec-form CMD");
  found.set("Dockerfile CMD", optionsOf(JSON.parse(cmd[1]!) as string[]));
  const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
  for (const [name, line] of Object.entries(scripts)) {
    for (const m of line.matchAll(/(?:^|&&|;|\s)node((?:\s+(?:--import\s+\S+|--[\w-]+(?:=\S+)?))+)/g)) {
      found.set(`npm script ${name}`, optionsOf(m[1]!.trim().split(/\s+/)));
    }
  }
  const pm2 = /node_args:\s*(\[[^\]]*\])/.exec(read("ecosystem.config.js"));
  assert.ok(pm2, "ecosystem.config.js has no node_args");
  found.set("ecosystem.config.js node_args", optionsOf(JSON.parse(pm2[1]!) as string[]));
  const mocha = JSON.parse(read(".mocharc.json"))["node-option"] as string[];
  found.set(
    ".mocharc.json node-option",
    optionsOf(mocha.flatMap((o) => (o.startsWith("import=") ? ["--import", o.slice(7)] : [`--${o}`]))),
  );
  return found;
}

describe("Node options the project starts Node with", function () {
  this.timeout(60_000);
  const sources = projectNodeOptions();

  it("are found where they are set (the Dockerfile, npm scripts, pm2, mocha)", () => {
    assert.ok(sources.get("Dockerfile CMD")!.includes("--experimental-websocket"));
    assert.ok(sources.get("npm script start")!.includes("--enable-source-maps"));
    assert.ok([...sources.keys()].filter((k) => k.startsWith("npm script")).length >= 5);
  });

  for (const major of [20, 22, 24]) {
    it(`are accepted by Node ${major} without a warning`, function () {
      const node = findNode(major);
      if (!node) {
        if (major === 24 && process.env.NODE24_BIN) throw new Error(`NODE24_BIN is not a Node 24`);
        this.skip();
      }
      for (const [source, options] of sources) {
        const run: SpawnSyncReturns<string> = spawnSync(node!, [...options, "-e", "0"], {
          cwd: ROOT,
          encoding: "utf8",
        });
        assert.equal(
          run.status,
          0,
          `${versionOf(node!)} refuses ${source} (${options.join(" ")}): ${run.stderr}`,
        );
        assert.equal(run.stderr, "", `${versionOf(node!)} warns about ${source} (${options.join(" ")})`);
      }
    });
  }
});
