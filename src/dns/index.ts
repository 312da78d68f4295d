// DNS providers behind the engine's TrafficPort, one folder each (route53/ today).

export { DnsUnavailableError, PermanentDnsError } from "./errors.js";
export {
  createRoute53Client,
  createRoute53Traffic,
  type PollOptions,
  type RetryOptions,
  type Route53TrafficOptions,
} from "./route53/index.js";
