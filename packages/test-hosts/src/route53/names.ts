// DNS names the way Route 53 stores and orders them: lower case, fully qualified (trailing dot), `*` written
// as the octal escape `\052`, and listed by name with the labels reversed (`com.example.www.`), then type,
// then set identifier.

import type { ResourceRecordSet } from "@aws-sdk/client-route-53";

/** `WWW.Example.com` → `www.example.com.`; `*.example.com` → `\052.example.com.` */
export function storedName(name: string): string {
  let n = name.trim().toLowerCase();
  if (!n.endsWith(".")) n += ".";
  return n.replace(/^\*\./, "\\052.");
}

/** `www.example.com.` → `com.example.www.`, the key Route 53 sorts names by. */
export function reversedName(name: string): string {
  const labels = storedName(name).slice(0, -1).split(".");
  return `${labels.reverse().join(".")}.`;
}

export function isInZone(name: string, zoneName: string): boolean {
  const n = storedName(name);
  const z = storedName(zoneName);
  return n === z || n.endsWith(`.${z}`);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order of ListResourceRecordSets: reversed name, then type, then set identifier (none first). */
export function comparePosition(
  a: { name: string; type: string; identifier?: string | undefined },
  b: { name: string; type: string; identifier?: string | undefined },
): number {
  return (
    cmp(reversedName(a.name), reversedName(b.name)) ||
    cmp(a.type, b.type) ||
    cmp(a.identifier ?? "", b.identifier ?? "")
  );
}

export function positionOf(rs: ResourceRecordSet): {
  name: string;
  type: string;
  identifier?: string | undefined;
} {
  return { name: rs.Name ?? "", type: rs.Type ?? "", identifier: rs.SetIdentifier };
}

export function compareSets(a: ResourceRecordSet, b: ResourceRecordSet): number {
  return comparePosition(positionOf(a), positionOf(b));
}

/** Identity of a record set inside a zone: name, type and set identifier. */
export function setKey(rs: ResourceRecordSet): string {
  return `${storedName(rs.Name ?? "")}|${rs.Type ?? ""}|${rs.SetIdentifier ?? ""}`;
}

/** How Route 53 names a record set in its error messages. */
export function describeSet(rs: ResourceRecordSet): string {
  const id = rs.SetIdentifier === undefined ? "" : `, set-identifier='${rs.SetIdentifier}'`;
  return `[name='${storedName(rs.Name ?? "")}', type='${rs.Type ?? ""}'${id}]`;
}
