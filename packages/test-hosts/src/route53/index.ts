export { type Route53Counters, Route53Faults, type Route53Op } from "./faults.js";
export type { ChangeInput } from "./parse.js";
export {
  type RequestLogEntry,
  type Route53Host,
  type Route53HostOptions,
  startRoute53Host,
} from "./server.js";
export type { ChangeState, CreateZoneOptions, ZoneState } from "./store.js";
export { Route53Store } from "./store.js";
export {
  type BucketLimit,
  DOCUMENTED_LIMITS,
  type Route53Limits,
  Route53Throttle,
  type ThrottledBy,
} from "./throttle.js";
