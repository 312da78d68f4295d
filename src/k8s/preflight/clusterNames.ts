// Probe: cluster names carry a date (`<env>-YYYYMMDD`), because two clusters of one purpose exist during a
// migration and the next one will too.

import type { Finding } from "../../migration/types.js";
import type { ProbeContext } from "./probe.js";

export function hasDate(name: string): boolean {
  const m = /-(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function clusterNameFindings(envName: string, names: readonly string[]): Finding[] {
  const undated = names.filter((n) => !hasDate(n));
  if (undated.length === 0) return [];
  return [
    {
      code: "cluster-name-without-date",
      severity: "warning",
      message: `cluster name(s) without a date: ${undated.join(", ")}; during a migration two clusters of the same purpose exist`,
      fix: `name clusters <env>-YYYYMMDD, e.g. ${envName}-${new Date().toISOString().slice(0, 10).replaceAll("-", "")}`,
      subjects: undated,
    },
  ];
}

export async function probeClusterNames(p: ProbeContext): Promise<Finding[]> {
  return clusterNameFindings(p.ctx.envName, [p.ctx.source.name, p.ctx.target.name]);
}
