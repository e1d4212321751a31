import assert from "node:assert/strict";
import { connect } from "node:net";
import { createTestDatabase } from "../helpers/postgres.js";
import { startServerProcess, type ServerHandle } from "../helpers/serverProcess.js";

/** Writes `request` raw and resolves with everything the server answers before it closes. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer in 10 s")));
  });
}

function parse(answer: string): { status: number; contentType: string; body: unknown } {
  const [head, body = ""] = answer.split("\r\n\r\n");
  const lines = head!.split("\r\n");
  const contentType =
    lines
      .find((l) => /^content-type:/i.test(l))
      ?.split(":")[1]
      ?.trim() ?? "";
  return { status: Number(lines[0]!.split(" ")[1]), contentType, body: JSON.parse(body) };
}

/**
 * Requests Node's HTTP parser refuses before any route (the ws transport's
 * server) get the contract's JSON error, not Node's bare status line: the
 * fuzzer's random HTTP found a 431 without a body on Node 24.
 */
describe("HTTP requests the parser refuses (ws transport)", function () {
  this.timeout(120_000);
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let server: ServerHandle;
  before(async () => {
    db = await createTestDatabase();
    server = await startServerProcess({ DATABASE_URL: db.url, TRANSPORT: "ws" });
  });
  after(async () => {
    await server?.stop("SIGKILL");
    await db?.drop();
  });

  it("answers headers past the limit with 431 and a JSON error", async () => {
    const answer = parse(
      await raw(server.port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Huge: ${"h".repeat(40_000)}\r\n\r\n`),
    );
    assert.equal(answer.status, 431);
    assert.match(answer.contentType, /application\/json/);
    assert.equal((answer.body as { error: { code: string } }).error.code, "headers_too_large");
  });

  it("answers a malformed request line with 400 and a JSON error", async () => {
    const answer = parse(await raw(server.port, "NOT A REQUEST\r\n\r\n"));
    assert.equal(answer.status, 400);
    assert.match(answer.contentType, /application\/json/);
    assert.equal((answer.body as { error: { code: string } }).error.code, "bad_request");
  });
});
