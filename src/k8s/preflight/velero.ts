// Probe: Velero is installed on both clusters, with a BackupStorageLocation that is Available on each
// (the target reads the source's backups through it).

import type { Finding } from "../../migration/types.js";
import { getString } from "../objects.js";
import { isForbidden, isNotFound } from "../requestPolicy.js";
import type { ProbeContext, Side } from "./probe.js";

export interface VeleroState {
  cluster: string;
  installed: boolean;
  locations: Array<{ name: string; phase: string }>;
}

export function veleroFindings(states: readonly VeleroState[], namespace: string): Finding[] {
  const out: Finding[] = [];
  const missing = states.filter((s) => !s.installed);
  if (missing.length > 0) {
    out.push({
      code: "velero-missing",
      severity: "blocking",
      message: `Velero is not installed on ${missing.map((s) => s.cluster).join(" and ")}`,
      fix: `install Velero (namespace ${namespace}) on ${missing.map((s) => s.cluster).join(", ")} with the same backup storage bucket`,
      subjects: missing.map((s) => s.cluster),
    });
  }
  const unavailable = states.filter((s) => s.installed && !s.locations.some((l) => l.phase === "Available"));
  if (unavailable.length > 0) {
    out.push({
      code: "velero-storage-unavailable",
      severity: "blocking",
      message: `no Available BackupStorageLocation on ${unavailable.map((s) => s.cluster).join(" and ")}`,
      fix: "check `velero backup-location get` on each: both clusters must reach the same bucket",
      subjects: unavailable.flatMap((s) =>
        s.locations.length === 0
          ? [`${s.cluster}: none`]
          : s.locations.map((l) => `${s.cluster}: ${l.name} ${l.phase || "(no phase)"}`),
      ),
    });
  }
  return out;
}

async function stateOf(p: ProbeContext, side: Side): Promise<VeleroState> {
  const client = side === "source" ? p.source : p.target;
  const discovery = await client.discovery();
  if (!discovery.served.has("velero.io/v1")) return { cluster: client.name, installed: false, locations: [] };
  try {
    const list = await p.list(
      side,
      { group: "velero.io", version: "v1", plural: "backupstoragelocations" },
      {
        allNamespaces: true,
        namespace: p.ctx.env.velero.namespace,
      },
    );
    return {
      cluster: client.name,
      installed: true,
      locations: list.map((l) => ({
        name: getString(l, ["metadata", "name"]) ?? "",
        phase: getString(l, ["status", "phase"]) ?? "",
      })),
    };
  } catch (err) {
    if (isNotFound(err) || isForbidden(err))
      return { cluster: client.name, installed: !isNotFound(err), locations: [] };
    throw err;
  }
}

export async function probeVelero(p: ProbeContext): Promise<Finding[]> {
  const states = await Promise.all([stateOf(p, "source"), stateOf(p, "target")]);
  return veleroFindings(states, p.ctx.env.velero.namespace);
}
