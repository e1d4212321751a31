/** The run's progress on the console: whole lines, and one line rewritten in place on a terminal; none with --quiet. */
import { args } from "./options.js";

export const log = (line: string) => {
  if (!args.quiet) console.log(line);
};
export const progress = (line: string) => {
  if (args.quiet) return;
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
  else console.log(line);
};
export const endProgress = () => {
  if (!args.quiet && process.stdout.isTTY) process.stdout.write("\n");
};
