// Probe: the target must not run an older Kubernetes minor than the source (objects written for a newer API
// may not restore into an older one).

import type { Finding } from "../../migration/types.js";
import type { ServerVersion } from "../clusterRegistry.js";
import type { ProbeContext } from "./probe.js";

export function versionFindings(
  source: { name: string; version: ServerVersion },
  target: { name: string; version: ServerVersion },
): Finding[] {
  const s = source.version;
  const t = target.version;
  if (![s.major, s.minor, t.major, t.minor].every(Number.isFinite)) {
    return [
      {
        code: "version-unknown",
        severity: "warning",
        message: `could not compare versions (${source.name}: ${s.gitVersion || "?"}, ${target.name}: ${t.gitVersion || "?"})`,
        fix: "check /version on both clusters",
      },
    ];
  }
  if (t.major < s.major || (t.major === s.major && t.minor < s.minor)) {
    return [
      {
        code: "target-version-older",
        severity: "blocking",
        message: `target ${target.name} runs ${t.major}.${t.minor}, older than source ${source.name} (${s.major}.${s.minor})`,
        fix: `build ${target.name} at ${s.major}.${s.minor} or newer`,
        subjects: [`${source.name}: ${s.gitVersion}`, `${target.name}: ${t.gitVersion}`],
      },
    ];
  }
  return [];
}

export async function probeVersions(p: ProbeContext): Promise<Finding[]> {
  const [s, t] = await Promise.all([p.source.serverVersion(), p.target.serverVersion()]);
  return versionFindings({ name: p.source.name, version: s }, { name: p.target.name, version: t });
}
