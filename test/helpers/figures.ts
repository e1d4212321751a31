import type { Context } from "mocha";

/**
 * Puts a figure a test measured (a wait, a rate) on the test's own line: the
 * spec reporter prints a test's title once it has passed, so the figure reads
 * `✔ the test's title [rejoined 840 ms after the database came back]` instead of
 * a console line between the test lines. Needs the test's `this`, so the test is
 * a `function`, not an arrow.
 */
export function figure(ctx: Context, text: string): void {
  if (ctx.test) ctx.test.title += ` [${text}]`;
}
