// The TrafficPort contract against the Route 53 adapter, over HTTP to the Route 53 test host.

import { describeTrafficPortContract } from "./contract/trafficPort.js";
import { cname, envContext, NEW, OLD, SRC, startWorld, TGT } from "./world.js";

const NAMES = ["www.example.com", "api.example.com"];
const TTL = 300;

describeTrafficPortContract("route53", async () => {
  const world = await startWorld(NAMES.map((n) => cname(n, SRC, TTL)));
  const { host, zoneId } = world;
  host.resetCounters();
  return {
    port: world.traffic,
    ctx: (strategy) => envContext({ records: NAMES, strategy: { type: strategy } }),
    names: NAMES,
    source: { name: OLD, hostname: SRC },
    target: { name: NEW, hostname: TGT },
    ttlSeconds: TTL,
    async repoint(name, hostname) {
      host.removeRecordSets(zoneId, `${name}.`);
      host.putRecordSets(zoneId, [cname(name, hostname, TTL)]);
    },
    changes: () => host.counters.changesAccepted,
    close: () => world.close(),
  };
});
