// Keys of the values steps store with a migration. Snapshots are written once (`StepData.once`) before
// the first change, so a retry never overwrites an original with an already-changed state.
export const DATA = {
  /** The DNS read the start command chose the clusters from; preflight uses it while it is recent. */
  dnsStartRead: "dns.startRead",
  dnsOriginal: "dns.original",
  dnsPreShift: "dns.preShift",
  cutoverSafeAt: "dns.cutoverSafeAt",
  shiftIndex: "dns.shiftIndex",
  dnsChanges: "dns.changes",
  drainSafeAt: "dns.drainSafeAt",
  backup: "k8s.backup",
  restore: "k8s.restore",
  targetIngress: "k8s.targetIngress",
  readiness: "k8s.readiness",
  forbiddenSnapshot: "k8s.forbiddenSnapshot",
  handoff: "k8s.handoff",
  workloadSnapshot: "k8s.workloadSnapshot",
  smoke: "checks.smoke",
  publicHealth: "checks.publicHealth",
} as const;
