// Probe: Velero is installed on both clusters, at 1.12 or later (the forbidden restore's resource
// modifiers are GA there; older servers fail its validation), with a BackupStorageLocation that is
// Available on each (the target reads the source's backups through it).

import type { Finding } from "../../migration/types.js";
import { GVR } from "../listing.js";
import { getArray, getString } from "../objects.js";
import { isForbidden, isNotFound } from "../requestPolicy.js";
import type { ProbeContext, Side } from "./probe.js";

export interface VeleroState {
  cluster: string;
  installed: boolean;
  locations: Array<{ name: string; phase: string }>;
  /** The server's image tag (`v1.14.1`) from the `velero` Deployment; null: looked, not found; absent: not probed. */
  version?: string | null;
}

/** Resource modifiers (the forbidden restore's `suspend: true`) need this Velero server or later. */
export const MIN_VELERO = { major: 1, minor: 12 };

/** `v1.14.1`, `1.12.0-rc.1`, `velero/velero:v1.13.2@sha256:…` → major/minor, or undefined. */
export function parseVeleroVersion(text: string): { major: number; minor: number } | undefined {
  const m = /v?(\d+)\.(\d+)(?:\.\d+)?/.exec(text.split("@")[0]!.split(":").at(-1) ?? "");
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

function versionFindings(states: readonly VeleroState[]): Finding[] {
  const installed = states.filter((s) => s.installed);
  const old = installed.filter((s) => {
    const v = typeof s.version === "string" ? parseVeleroVersion(s.version) : undefined;
    return (
      v !== undefined &&
      (v.major < MIN_VELERO.major || (v.major === MIN_VELERO.major && v.minor < MIN_VELERO.minor))
    );
  });
  const unknown = installed.filter(
    (s) =>
      s.version === null || (typeof s.version === "string" && parseVeleroVersion(s.version) === undefined),
  );
  const out: Finding[] = [];
  if (old.length > 0) {
    out.push({
      code: "velero-version-old",
      severity: "blocking",
      message: `Velero older than ${MIN_VELERO.major}.${MIN_VELERO.minor} on ${old.map((s) => `${s.cluster} (${s.version})`).join(" and ")}: the forbidden restore's resource modifiers need ${MIN_VELERO.major}.${MIN_VELERO.minor} or later`,
      fix: `upgrade Velero to ${MIN_VELERO.major}.${MIN_VELERO.minor} or later on ${old.map((s) => s.cluster).join(", ")}`,
      subjects: old.map((s) => `${s.cluster}: ${s.version}`),
    });
  }
  if (unknown.length > 0) {
    out.push({
      code: "velero-version-unknown",
      severity: "warning",
      message: `Velero's version could not be read on ${unknown.map((s) => s.cluster).join(" and ")} (no \`velero\` Deployment with a versioned image)`,
      fix: `check \`velero version\` on each: ${MIN_VELERO.major}.${MIN_VELERO.minor} or later is needed`,
      subjects: unknown.map((s) => `${s.cluster}: ${s.version ?? "not found"}`),
    });
  }
  return out;
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
  return [...out, ...versionFindings(states)];
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
    const state: VeleroState = {
      cluster: client.name,
      installed: true,
      locations: list.map((l) => ({
        name: getString(l, ["metadata", "name"]) ?? "",
        phase: getString(l, ["status", "phase"]) ?? "",
      })),
    };
    state.version = (await serverVersion(p, side)) ?? null;
    return state;
  } catch (err) {
    if (isNotFound(err) || isForbidden(err))
      return { cluster: client.name, installed: !isNotFound(err), locations: [] };
    throw err;
  }
}

/** The image tag of the Velero server Deployment (what `velero version` reports as the server's). */
async function serverVersion(p: ProbeContext, side: Side): Promise<string | undefined> {
  try {
    const deployments = await p.list(side, GVR.deployments, {
      allNamespaces: true,
      namespace: p.ctx.env.velero.namespace,
    });
    for (const d of deployments) {
      for (const c of getArray(d, ["spec", "template", "spec", "containers"])) {
        // `velero/velero:v1.14.1`, `registry.example/mirror/velero:v1.14.1@sha256:…`
        const ref = (getString(c, ["image"]) ?? "").split("@")[0]!;
        const last = ref.slice(ref.lastIndexOf("/") + 1);
        const [repo, tag] = last.split(":");
        if (repo === "velero" && tag) return tag;
      }
    }
  } catch (err) {
    if (!isNotFound(err) && !isForbidden(err)) throw err;
  }
  return undefined;
}

export async function probeVelero(p: ProbeContext): Promise<Finding[]> {
  const states = await Promise.all([stateOf(p, "source"), stateOf(p, "target")]);
  return veleroFindings(states, p.ctx.env.velero.namespace);
}
