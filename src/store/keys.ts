// Every Redis key hikkoshi owns, in one place. Nothing outside src/store builds these strings.
const P = "hikkoshi";

export const keys = {
  /** Lua builds record keys from this prefix (see createMigration). */
  migrationPrefix: `${P}:mig:`,
  migration: (id: string) => `${P}:mig:${id}`,
  data: (id: string) => `${P}:mig:${id}:data`,
  progress: (id: string) => `${P}:mig:${id}:progress`,
  audit: (id: string) => `${P}:mig:${id}:audit`,
  /** The bot replica that owns the live message (a lease with expiry). */
  liveOwner: (id: string) => `${P}:mig:${id}:live-owner`,
  /** Refusals counted per person and gate, and the thread reply that shows each count. */
  refusals: (id: string) => `${P}:mig:${id}:refusals`,
  envLock: (env: string) => `${P}:env:${env}:lock`,
  envAudit: (env: string) => `${P}:env:${env}:audit`,
  /** How many entries the environment's capped audit stream left out. */
  envAuditDropped: (env: string) => `${P}:env:${env}:audit-dropped`,
  envHistory: (env: string) => `${P}:env:${env}:history`,
  envSequence: (env: string, day: string) => `${P}:env:${env}:seq:${day}`,
  active: () => `${P}:active`,
  idempotency: (key: string) => `${P}:idem:${key}`,
  events: () => `${P}:events`,
};

/**
 * Fields of the migration hash that describe its Slack message (written by the live store, never by a
 * transition, so they never bump `version`). The record and these fields expire together.
 */
export const liveFields = {
  ref: "slack",
  threadCursor: "threadCursor",
  renderedVersion: "renderedVersion",
  reportPosted: "reportPosted",
} as const;
