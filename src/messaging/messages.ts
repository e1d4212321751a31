export * from "../mxo/contract/clientMessages.js";
export { SAY_RADIUS } from "../mxo/contract/chat.js";
export { GmMetricsMessage } from "../framework/contract/commands.js";
