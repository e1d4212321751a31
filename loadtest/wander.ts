/**
 * Load-test scenario: every bot registers its own account, creates a
 * character, joins a district and wanders around (a random walk sent through
 * the room's input channel), saying something and shooting at NPCs now and
 * then (loadtest/README.md has every option).
 *
 *   npm run loadtest -- --endpoint ws://localhost:2567 --numClients 50 --duration 60 --output loadtest.log
 *
 * In a terminal it shows @colyseus/loadtest's dashboard; without one (CI, a
 * pipe) plain progress lines and, last, the summary as one line of JSON. The
 * `--output` file is plain text either way. `--duration` counts from the end
 * of the ramp (every bot started), which the summary reports apart.
 *
 * The server rate-limits HTTP per IP: start it with AUTH_RATE_LIMIT_PER_MINUTE
 * and HTTP_RATE_LIMIT_PER_MINUTE raised, or bots fail with 429 after the
 * first few dozen.
 */
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { Accounts } from "./accounts.js";
import { Bots } from "./bot.js";
import { runDashboard } from "./dashboard.js";
import { runHeadless } from "./headless.js";
import { parseOptions } from "./options.js";
import { dashboardLog, PlainFile, plainLog } from "./report.js";
import { Run } from "./run.js";

const options = parseOptions(process.argv.slice(2));
/** Distinguishes this run's accounts from earlier runs' and from parallel load-generator processes'. */
const runId = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, "0").slice(0, 6);
const file = options.output ? new PlainFile(resolve(options.output)) : undefined;
// The dashboard needs a terminal to draw on; --plain asks for plain output in one anyway.
const dashboard = process.stdout.isTTY === true && !options.plain;
const log = dashboard ? dashboardLog() : plainLog(file);
const accounts = new Accounts(options.accountsFile, options.password, runId);
const bots = new Bots(options, accounts, log);
const run = new Run(options, bots, accounts, log, file);

if (dashboard) runDashboard(run, file);
else await runHeadless(options, run, bots, log);
