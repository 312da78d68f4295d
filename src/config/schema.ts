import { z } from "zod";

// The config file is code: reviewed by diff, validated at start-up. Every field has a default that is
// safe for production, so a small file is a complete one.

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user id like U012ABCDEF");
const slackGroupId = z.string().regex(/^S[A-Z0-9]{2,}$/, "must be a Slack user-group id like S012ABCDEF");

export const principalsSchema = z
  .object({
    users: z.array(slackUserId).default([]),
    groups: z.array(slackGroupId).default([]),
  })
  .strict();

const clusterNameSchema = z
  .string()
  .min(1)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label (lower-case letters, digits, '-')");

const namespacedName = z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, "must be <namespace>/<name>");

export const clusterSchema = z
  .object({
    name: clusterNameSchema,
    context: z.string().min(1),
    ingress: z
      .object({
        // The load balancer's hostname. Optional for a new cluster: the restore step reads it from
        // the Service status, since a restored Service gets a new load balancer.
        hostname: z.string().min(1).optional(),
        service: namespacedName.default("ingress-nginx/ingress-nginx-controller"),
      })
      .strict()
      .prefault({}),
  })
  .strict();

const weekday = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24h)");

export const freezeWindowSchema = z
  .object({
    days: z.array(weekday).min(1),
    from: hhmm,
    to: hhmm,
    timeZone: z.string().default("UTC"),
    reason: z.string().default("change freeze"),
  })
  .strict()
  .superRefine((w, ctx) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: w.timeZone });
    } catch {
      ctx.addIssue({ code: "custom", path: ["timeZone"], message: `unknown IANA time zone "${w.timeZone}"` });
    }
  });

export const strategySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("cnameSwap") }).strict(),
  z
    .object({
      type: z.literal("weighted"),
      steps: z
        .array(z.number().int().min(1).max(100))
        .min(1)
        .default([10, 50, 100])
        .refine((s) => s.every((v, i) => i === 0 || v > s[i - 1]!), "must be strictly increasing")
        .refine((s) => s[s.length - 1] === 100, "must end at 100"),
      soakMinutes: z.number().min(0).default(10),
      approveEachStep: z.boolean().default(false),
    })
    .strict(),
]);

export const httpCheckSchema = z
  .object({
    name: z.string().min(1).optional(),
    // `{ingress}` is replaced with the target cluster's ingress hostname (smoke checks).
    url: z.string().min(1),
    hostHeader: z.string().optional(),
    expectStatus: z.number().int().min(100).max(599).default(200),
    timeoutSeconds: z.number().positive().default(5),
    attempts: z.number().int().min(1).default(3),
  })
  .strict();

export const environmentSchema = z
  .object({
    channel: z.string().regex(/^[CG][A-Z0-9]{2,}$/, "must be a Slack channel id like C012ABCDEF"),
    permissions: z
      .object({
        start: principalsSchema.prefault({}),
        approve: principalsSchema.prefault({}),
        rollback: principalsSchema.prefault({}),
      })
      .strict(),
    fourEyes: z.boolean().default(false),
    approvalExpiresMinutes: z.number().int().positive().default(60),
    freezeWindows: z.array(freezeWindowSchema).default([]),
    clusters: z.array(clusterSchema).min(2, "an environment needs at least two clusters (old and new)"),
    dns: z
      .object({
        hostedZone: z.string().min(1),
        records: z.array(z.string().min(1)).min(1),
        strategy: strategySchema.default({ type: "cnameSwap" }),
        lowerTtl: z
          .object({ enabled: z.boolean().default(true), ttlSeconds: z.number().int().min(1).default(60) })
          .strict()
          .prefault({}),
        changeTimeoutSeconds: z.number().positive().default(300),
        drainMarginSeconds: z.number().min(0).default(60),
      })
      .strict(),
    checks: z
      .object({
        smoke: z.array(httpCheckSchema).default([]),
        verify: z.array(httpCheckSchema).default([]),
      })
      .strict()
      .prefault({}),
    duplicationForbiddenLabel: z
      .string()
      .regex(/^[^=]+=[^=]+$/, "must be key=value")
      .default("hikkoshi.dev/duplication=forbidden"),
    excludedNamespaces: z
      .array(z.string())
      .default(["kube-system", "kube-public", "kube-node-lease", "velero"]),
    // Stateful workloads (<namespace>/<name>) the team has decided may move anyway.
    acknowledgedStateful: z.array(namespacedName).default([]),
    velero: z
      .object({
        namespace: z.string().default("velero"),
        backupTtl: z.string().default("720h0m0s"),
        allowPartiallyFailed: z.boolean().default(false),
        timeoutMinutes: z.number().positive().default(60),
        syncTimeoutMinutes: z.number().positive().default(5),
      })
      .strict()
      .prefault({}),
    handoff: z
      .object({
        concurrency: z.number().int().min(1).max(64).default(16),
        requestsPerSecond: z.number().positive().default(50),
        startingDeadlineSeconds: z.number().int().min(10).default(10),
        activeJobsTimeoutMinutes: z.number().positive().default(30),
      })
      .strict()
      .prefault({}),
    readinessTimeoutMinutes: z.number().positive().default(20),
    decommissionSoakMinutes: z.number().min(0).default(60),
  })
  .strict();

export const configSchema = z
  .object({
    environments: z.record(
      z.string().regex(/^[a-z][a-z0-9-]*$/, "environment names are lower-case words"),
      environmentSchema,
    ),
    retentionDays: z.number().int().positive().default(90),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const [env, e] of Object.entries(cfg.environments)) {
      const seen = new Set<string>();
      e.clusters.forEach((c, i) => {
        if (seen.has(c.name)) {
          ctx.addIssue({
            code: "custom",
            path: ["environments", env, "clusters", i, "name"],
            message: `duplicate cluster name "${c.name}"`,
          });
        }
        seen.add(c.name);
      });
    }
  });

export type Principals = z.infer<typeof principalsSchema>;
export type ClusterConfig = z.infer<typeof clusterSchema>;
export type FreezeWindow = z.infer<typeof freezeWindowSchema>;
export type TrafficStrategy = z.infer<typeof strategySchema>;
export type HttpCheck = z.infer<typeof httpCheckSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type HikkoshiConfig = z.infer<typeof configSchema>;
