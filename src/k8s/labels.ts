// The duplication-policy label and the selectors built from it. Pure functions of data.

export interface LabelPair {
  key: string;
  value: string;
}

/** `hikkoshi.dev/duplication=forbidden` → `{ key, value }` (the config schema guarantees one `=`). */
export function parseLabel(label: string): LabelPair {
  const at = label.indexOf("=");
  if (at <= 0 || at === label.length - 1) throw new Error(`label "${label}" must be key=value`);
  return { key: label.slice(0, at), value: label.slice(at + 1) };
}

export function hasLabel(labels: Record<string, string>, pair: LabelPair): boolean {
  return labels[pair.key] === pair.value;
}

/** A CronJob is "labelled" when it carries the policy label's key with any value. */
export function hasPolicyLabel(labels: Record<string, string>, pair: LabelPair): boolean {
  return Object.hasOwn(labels, pair.key);
}

/** Label selector (query string form) of the duplication-forbidden resources. */
export function forbiddenSelector(pair: LabelPair): string {
  return `${pair.key}=${pair.value}`;
}

/** Velero LabelSelector for the tolerant restore: everything that does NOT carry the forbidden pair. */
export function tolerantLabelSelector(pair: LabelPair): {
  matchExpressions: Array<{ key: string; operator: "NotIn"; values: string[] }>;
} {
  return { matchExpressions: [{ key: pair.key, operator: "NotIn", values: [pair.value] }] };
}

export function forbiddenLabelSelector(pair: LabelPair): { matchLabels: Record<string, string> } {
  return { matchLabels: { [pair.key]: pair.value } };
}

/** Migration id → a deterministic object name (DNS-1123 subdomain, ≤ 253 chars). */
export function objectName(migrationId: string, suffix?: string): string {
  const base = `hikkoshi-${migrationId}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return (suffix ? `${base}-${suffix}` : base).slice(0, 253);
}

/** A migration id as a label value (≤ 63 chars, alphanumerics at both ends). */
export function labelValue(migrationId: string): string {
  return migrationId
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

export const MIGRATION_LABEL = "hikkoshi.dev/migration";
