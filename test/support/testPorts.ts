// Test implementations of the engine's ports (issue 2: the real Kubernetes and DNS adapters have their
// own tests against protocol test hosts). The "world" lives in Redis so a worker in another process
// (killed with SIGKILL in a test) shares it, and every effect is counted there exactly when it changes
// the world, which is how tests prove "exactly once".
import { Redis } from "ioredis";
import type { DnsSnapshot, EnvContext, Ports, TrafficSplit } from "../../src/migration/ports.js";
import type { Finding } from "../../src/migration/types.js";

export interface TestPortsOptions {
  redisUrl: string;
  /** Each effect-bearing operation sleeps this long before acting (to be killed mid-step). */
  opDelayMs?: number;
  /** ...and this long after acting, before returning (to be killed after the effect, before it is recorded). */
  opDelayAfterMs?: number;
  /** Read-only calls (preflight, readiness, checks) sleep this long, so a test can act during them. */
  readDelayMs?: number;
  findings?: Finding[];
  /** Operation name → how many times it fails transiently before succeeding. */
  transientFailures?: Record<string, number>;
  permanentFailures?: string[];
  notReady?: string[];
  /** Operation name → world fields something else rewrites right after it (e.g. a controller undoing it). */
  driftAfter?: Record<string, Record<string, string>>;
}

const WORLD = "tw:world";
const EFFECTS = "tw:effects";
const UNDO = "tw:undo";
const FAILS = "tw:fails";

// Set a world field and count the effect only if the value actually changes.
const SET_IF_CHANGED = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
return 1`;

export class TestWorld {
  constructor(readonly redis: Redis) {}
  async init(source: string): Promise<void> {
    await this.redis.hset(WORLD, {
      dns: source,
      ttl: "2",
      weight: "0",
      forbidden: "source",
      decommissioned: "0",
    });
  }
  async get(): Promise<Record<string, string>> {
    return this.redis.hgetall(WORLD);
  }
  async effects(): Promise<Record<string, number>> {
    return Object.fromEntries(
      Object.entries(await this.redis.hgetall(EFFECTS)).map(([k, v]) => [k, Number(v)]),
    );
  }
  async undos(): Promise<Record<string, number>> {
    return Object.fromEntries(Object.entries(await this.redis.hgetall(UNDO)).map(([k, v]) => [k, Number(v)]));
  }
}

export function createTestPorts(opts: TestPortsOptions): Ports & { world: TestWorld; close(): void } {
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  redis.on("error", () => {});
  const world = new TestWorld(redis);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function act(
    op: string,
    field: string,
    value: string,
    counter: "effect" | "undo" = "effect",
  ): Promise<void> {
    if (opts.opDelayMs) await sleep(opts.opDelayMs);
    if (opts.permanentFailures?.includes(op)) {
      const err = new Error(`${op} refused by the test world`);
      (err as Error & { permanent: boolean }).permanent = true;
      throw err;
    }
    const budget = opts.transientFailures?.[op] ?? 0;
    if (budget > 0 && (await redis.hincrby(FAILS, op, 1)) <= budget)
      throw new Error(`${op}: transient test failure`);
    await redis.eval(SET_IF_CHANGED, 2, WORLD, counter === "effect" ? EFFECTS : UNDO, field, value, op);
    const drift = opts.driftAfter?.[op];
    if (drift) await redis.hset(WORLD, drift);
    if (opts.opDelayAfterMs) await sleep(opts.opDelayAfterMs);
  }
  const read = async <T>(value: T): Promise<T> => {
    if (opts.readDelayMs) await sleep(opts.readDelayMs);
    return value;
  };

  const snapshot = async (): Promise<DnsSnapshot> => {
    const w = await world.get();
    return {
      takenAt: Date.now(),
      provider: "test-world",
      ttlSeconds: Number(w.ttl),
      state: { dns: w.dns, weight: w.weight, ttl: Number(w.ttl) },
    };
  };
  const change = (maxTtlSeconds: number) => ({
    changeId: "C1",
    submittedAt: Date.now(),
    insyncAt: Date.now(),
    summary: "ok",
    maxTtlSeconds,
  });

  const ports = {
    world,
    close: () => redis.disconnect(),
    clusters: {
      preflight: async () => read(opts.findings ?? []),
      inventory: async () => ({
        counts: { Deployment: 3, CronJob: 5 },
        forbidden: ["batch/billing"],
        tolerant: 7,
      }),
      backup: async (_ctx: EnvContext, name: string) => {
        await act("backup", "backup", name);
        return {
          name,
          phase: "Completed",
          itemsBackedUp: 10,
          totalItems: 10,
          errors: 0,
          warnings: 0,
          describeCommand: `velero backup describe ${name}`,
        };
      },
      restore: async (_ctx: EnvContext, name: string) => {
        await act("restore", "restored", name);
        return {
          restores: [
            {
              name,
              phase: "Completed",
              itemsRestored: 10,
              totalItems: 10,
              errors: 0,
              warnings: 0,
              describeCommand: "",
            },
          ],
          targetIngressHostname: "new-lb.test",
        };
      },
      waitReady: async () =>
        read({ ready: 3, total: 3 + (opts.notReady?.length ?? 0), notReady: opts.notReady ?? [] }),
      snapshotForbidden: async () => ({ takenAt: Date.now(), cronJobs: [], deployments: [] }),
      handoff: async () => {
        await act("handoff", "forbidden", "target");
        return {
          cronJobsMoved: 1,
          deploymentsMoved: 0,
          gaps: [{ resource: "batch/billing", gapMs: 1200 }],
          requests: 4,
        };
      },
      revertHandoff: async () => act("undo-handoff", "forbidden", "source", "undo"),
      snapshotWorkloads: async () => {
        const replicas = (await world.get()).decommissioned === "1" ? 0 : 3;
        return {
          takenAt: Date.now(),
          workloads: [{ kind: "Deployment", namespace: "web", name: "frontend", replicas }],
        };
      },
      decommission: async () => act("decommission", "decommissioned", "1"),
      revertDecommission: async () => act("undo-decommission", "decommissioned", "0", "undo"),
      // GitOps: this world has no controllers; calls take readDelayMs so a test can act during the steps.
      snapshotGitOps: async () => read({ takenAt: Date.now(), pauses: [] }),
      pauseGitOps: async () => read([]),
      resumeGitOps: async () => read([]),
      readGitOps: async () => read([]),
      guardSource: async () => [],
      ingressHostname: async (c: { name: string; ingress: { hostname?: string } }) =>
        c.ingress.hostname ?? "new-lb.test",
    },
    traffic: {
      preflight: async () => [],
      pointing: async (_ctx: EnvContext) => {
        const w = await world.get();
        return { cluster: w.dns, detail: [`www.example.com → ${w.dns}`] };
      },
      snapshot,
      setTtl: async (_ctx: EnvContext, ttl: number) => {
        await act(`ttl-${ttl}`, "ttl", String(ttl));
        return change(ttl);
      },
      verifyTtl: async (_ctx: EnvContext, ttl: number) => {
        const w = await world.get();
        return w.ttl === String(ttl)
          ? { ok: true }
          : { ok: false, reason: `TTL is ${w.ttl} s, not ${ttl} s` };
      },
      setWeight: async (ctx: EnvContext, _s: DnsSnapshot, { weight }: TrafficSplit) => {
        await act(`shift-${weight}`, "weight", String(weight));
        if (weight === 100) await redis.hset(WORLD, "dns", ctx.target.name);
        return change(Number((await world.get()).ttl));
      },
      verifyWeight: async (_ctx: EnvContext, { weight }: TrafficSplit) => {
        const w = await world.get();
        return w.weight === String(weight)
          ? { ok: true }
          : { ok: false, reason: `www.example.com sends ${w.weight}% to the new cluster, not ${weight}%` };
      },
      restore: async (_ctx: EnvContext, s: DnsSnapshot) => {
        const rs = s.state as { ttl: number; dns: string; weight: string };
        await act("dns-restore", "dnsState", `${rs.dns}/${rs.weight}/${rs.ttl}`, "undo");
        await redis.hset(WORLD, { dns: rs.dns, weight: rs.weight, ttl: String(rs.ttl) });
        return change(rs.ttl);
      },
      verifyRestored: async (_ctx: EnvContext, s: DnsSnapshot) => {
        const rs = s.state as { ttl: number; dns: string; weight: string };
        const w = await world.get();
        const same = w.dns === rs.dns && w.weight === rs.weight && w.ttl === String(rs.ttl);
        return same
          ? { ok: true }
          : { ok: false, reason: `${w.dns}/${w.weight}/${w.ttl} differs from the snapshot` };
      },
    },
    checks: {
      run: async () => read([{ name: "ok", url: "http://127.0.0.1/healthz", ok: true, status: 200, ms: 1 }]),
    },
  };
  return ports as unknown as Ports & { world: TestWorld; close(): void };
}
