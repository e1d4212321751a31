/**
 * Players join through deploy/k8s's routes: two server processes (PostgreSQL,
 * Redis) each advertising the PUBLIC_ADDRESS its pod would, <host>/pods/<pod>,
 * behind a proxy that routes HTTP and WebSocket upgrades by the rendered
 * HTTPRoutes (test/helpers/routeProxy.ts, the Gateway API's matching and
 * prefix rewrite). With the real SDK pointed only at that one address, players
 * sign in, matchmake on either process and play on the process that holds
 * their room, whichever it is.
 */
import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { parse as parseYaml } from "yaml";
import { http, joinDistrict, me, newPlayer, waitFor } from "../helpers/api.js";
import { ADMIN, processIdOf, startCluster, type TestCluster } from "../helpers/cluster.js";
import { read } from "../helpers/deployFacts.js";
import { exampleSecret, podEnv, rendered } from "../helpers/k8sDeploy.js";
import { startRouteProxy, type RouteProxy } from "../helpers/routeProxy.js";

const DISTRICTS = ["richland", "westview", "downtown", "international"];

describe("players through the per-pod routes of deploy/k8s (two processes behind a route proxy)", function () {
  this.timeout(180_000);
  let cluster: TestCluster;
  let proxy: RouteProxy;
  let base: string;
  let pods: string[];
  const rooms: Room<any>[] = [];

  before(async () => {
    const r = rendered();
    const publicHost: string = parseYaml(read("deploy/k8s/settings.yaml")).data.publicHost;
    pods = [0, 1].map((i) => `${r.workload.metadata.name}-${i}`);
    let next = 0;
    // Service name → process: the per-pod Services reach one process each, the shared one any.
    proxy = await startRouteProxy(r.all("HTTPRoute"), publicHost, (service) => {
      const servers = cluster?.servers ?? [];
      const i = service === r.workload.metadata.name ? next++ % servers.length : pods.indexOf(service);
      const s = servers[i];
      return s && { host: "127.0.0.1", port: s.port };
    });
    base = `http://127.0.0.1:${proxy.port}`;
    cluster = await startCluster(0);
    for (const pod of pods) {
      // The pod's own PUBLIC_ADDRESS, with the public host resolving to the proxy.
      const address = podEnv(r, exampleSecret(), pod).PUBLIC_ADDRESS!;
      assert.ok(address.startsWith(`${publicHost}/`), address);
      cluster.env.PUBLIC_ADDRESS = `127.0.0.1:${proxy.port}${address.slice(publicHost.length)}`;
      await cluster.start();
    }
  });

  after(async () => {
    await Promise.all(rooms.map((room) => room.leave().catch(() => {})));
    await proxy?.close();
    await cluster?.cleanup();
  });

  it("joins players on both processes through the one public address, each WebSocket to its room's pod", async () => {
    const token = (await http(base, "POST", "/auth/login", { body: ADMIN })).body.token;
    assert.ok(token, "admin login through the shared route");
    const hosts = new Set<number>();
    for (let i = 0; hosts.size < 2 && i < 16; i++) {
      const player = await newPlayer(base);
      const { room } = await joinDistrict(
        base.replace(/^http/, "ws"),
        player,
        DISTRICTS[i % DISTRICTS.length],
      );
      rooms.push(room);
      await waitFor(() => me(room), { timeoutMs: 10_000, what: "the player's own state through the proxy" });
      const listed: any[] = (await http(base, "GET", "/api/v1/admin/districts", { token })).body;
      const host = cluster.servers.findIndex(
        (s) => processIdOf(s) === listed.find((x) => x.roomId === room.roomId)?.processId,
      );
      assert.ok(host >= 0, "the room is on one of the two processes");
      hosts.add(host);
      // The upgrade went through the route of the pod that holds the room, prefix removed.
      const upgrade = proxy.forwarded.filter((f) => f.upgrade).at(-1)!;
      assert.equal(upgrade.path, `/pods/${pods[host]}${upgrade.backendPath}`);
      assert.equal(upgrade.service, pods[host]);
      assert.match(upgrade.backendPath, new RegExp(`^/[\\w-]+/${room.roomId}$`));
    }
    assert.equal(hosts.size, 2, "rooms on both processes");
    assert.ok(
      proxy.forwarded.some((f) => f.path.startsWith("/matchmake/") && f.service === "mxo-server"),
      "matchmaking went through the shared route",
    );
  });

  it("keeps /metrics away from players, on the shared route and on each pod's", async () => {
    for (const path of ["/metrics", `/pods/${pods[0]}/metrics`, `/pods/${pods[1]}/metrics`]) {
      assert.equal((await fetch(base + path)).status, 404, path);
    }
    assert.equal((await fetch(`${base}/pods/${pods[1]}/health`)).status, 200);
  });
});
