import assert from "node:assert/strict";
import { http } from "../helpers/api.js";
import { startCluster, type TestCluster } from "../helpers/cluster.js";

describe("HTTP rate limits across processes (Redis)", function () {
  this.timeout(60_000);
  let c: TestCluster;
  before(async () => (c = await startCluster(2, { AUTH_RATE_LIMIT_PER_MINUTE: "6" })));
  after(async () => c?.cleanup());

  it("counts one client's requests on every process against one budget", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const server = c.servers[i % 2]!;
      const res = await http(server.http, "POST", "/auth/login", {
        body: { username: "nobody_here", password: "not the password" },
      });
      statuses.push(res.status);
      if (res.status === 429) assert.equal(res.body.error.code, "rate_limited");
    }
    assert.deepEqual(
      statuses,
      [401, 401, 401, 401, 401, 401, 429, 429, 429, 429],
      "six answered, then both processes refuse",
    );
  });
});
