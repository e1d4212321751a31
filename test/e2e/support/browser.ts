import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's chromium (apt-get install chromium); never a downloaded browser. */
export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = resolve(import.meta.dirname, "../artifacts");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface WatchedPage {
  page: Page;
  close(): Promise<void>;
  /** Uncaught exceptions in the page: a test fails on any. */
  errors: string[];
}

/** A fresh page (own storage) of the size the README screenshots use, with its errors collected. */
export async function openPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const watched: WatchedPage = { page, errors: [], close: () => context.close() };
  page.on("pageerror", (err) => watched.errors.push(err.message));
  // E2E_CONSOLE=1 shows what the pages log (the SDK's reconnection attempts, for one).
  page.on("console", (m) => process.env.E2E_CONSOLE && console.log("  [page]", m.text()));
  return watched;
}

/** Saves test/e2e/artifacts/<name>.png (gitignored; CI keeps it as an artifact). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = resolve(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
