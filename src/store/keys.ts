// Every Redis key hikkoshi owns, in one place. Nothing outside src/store builds these strings.
const P = "hikkoshi";

export const keys = {
  /** Lua builds record keys from this prefix (see createMigration). */
  migrationPrefix: `${P}:mig:`,
  migration: (id: string) => `${P}:mig:${id}`,
  data: (id: string) => `${P}:mig:${id}:data`,
  progress: (id: string) => `${P}:mig:${id}:progress`,
  audit: (id: string) => `${P}:mig:${id}:audit`,
  envLock: (env: string) => `${P}:env:${env}:lock`,
  envAudit: (env: string) => `${P}:env:${env}:audit`,
  envHistory: (env: string) => `${P}:env:${env}:history`,
  envSequence: (env: string, day: string) => `${P}:env:${env}:seq:${day}`,
  active: () => `${P}:active`,
  idempotency: (key: string) => `${P}:idem:${key}`,
  events: () => `${P}:events`,
};
