export type { PollOptions } from "./gateway.js";
export type { RetryOptions } from "./retry.js";
export { createRoute53Client, createRoute53Traffic, type Route53TrafficOptions } from "./traffic.js";
