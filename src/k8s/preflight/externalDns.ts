// Probe: external-dns running in both clusters with the same --txt-owner-id for overlapping names. Both
// would consider the records theirs and fight over them (or one would delete the other's).

import type { Finding } from "../../migration/types.js";
import { GVR } from "../listing.js";
import { capSubjects, getArray, getNumber, getString, refOf, refString } from "../objects.js";
import type { ProbeContext } from "./probe.js";

export interface ExternalDnsInstance {
  ref: string;
  ownerId: string;
  domainFilters: string[];
  running: boolean;
}

function argValues(args: readonly string[], flag: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a.startsWith(`${flag}=`)) out.push(a.slice(flag.length + 1));
    else if (a === flag && args[i + 1] !== undefined) out.push(args[i + 1]!);
  });
  return out;
}

/** external-dns Deployments: by image name, or by its flags. Pure. */
export function externalDnsInstances(deployments: readonly unknown[]): ExternalDnsInstance[] {
  const out: ExternalDnsInstance[] = [];
  for (const d of deployments) {
    for (const c of getArray(d, ["spec", "template", "spec", "containers"])) {
      const image = getString(c, ["image"]) ?? "";
      const args = [...getArray(c, ["command"]), ...getArray(c, ["args"])].filter(
        (a): a is string => typeof a === "string",
      );
      if (!image.includes("external-dns") && !args.some((a) => a.startsWith("--txt-owner-id"))) continue;
      out.push({
        ref: refString(refOf(d)),
        ownerId: argValues(args, "--txt-owner-id")[0] ?? "default",
        domainFilters: argValues(args, "--domain-filter")
          .flatMap((v) => v.split(","))
          .filter((v) => v !== ""),
        running: (getNumber(d, ["spec", "replicas"]) ?? 1) > 0,
      });
    }
  }
  return out;
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return true; // no filter: every zone it can see
  const norm = (s: string) => s.replace(/^\.+|\.+$/g, "").toLowerCase();
  return a.some((x) =>
    b.some((y) => norm(x) === norm(y) || norm(x).endsWith(`.${norm(y)}`) || norm(y).endsWith(`.${norm(x)}`)),
  );
}

export function externalDnsFindings(
  source: { name: string; instances: ExternalDnsInstance[] },
  target: { name: string; instances: ExternalDnsInstance[] },
): Finding[] {
  const pairs: string[] = [];
  for (const s of source.instances.filter((i) => i.running)) {
    for (const t of target.instances.filter((i) => i.running)) {
      if (s.ownerId === t.ownerId && overlaps(s.domainFilters, t.domainFilters)) {
        pairs.push(`${source.name}:${s.ref} & ${target.name}:${t.ref} (owner id "${s.ownerId}")`);
      }
    }
  }
  if (pairs.length === 0) return [];
  return [
    {
      code: "external-dns-owner-conflict",
      severity: "blocking",
      message:
        "external-dns runs in both clusters with the same --txt-owner-id for the same names; both would claim the records",
      fix: "give each cluster's external-dns its own --txt-owner-id (e.g. the cluster name) or non-overlapping --domain-filter; hikkoshi switches the public names itself",
      subjects: capSubjects(pairs),
    },
  ];
}

export async function probeExternalDns(p: ProbeContext): Promise<Finding[]> {
  const [s, t] = await Promise.all([
    p.list("source", GVR.deployments, { allNamespaces: true }),
    p.list("target", GVR.deployments, { allNamespaces: true }),
  ]);
  return externalDnsFindings(
    { name: p.source.name, instances: externalDnsInstances(s) },
    { name: p.target.name, instances: externalDnsInstances(t) },
  );
}
