// Route 53's REST-XML response bodies, element for element, so the real @aws-sdk/client-route-53 parses them
// unmodified. Shapes follow the 2013-04-01 API reference; errors use the standard <ErrorResponse> envelope.

import type { ResourceRecordSet } from "@aws-sdk/client-route-53";

export const XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/";

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** `<Tag>escaped value</Tag>`, or nothing when the value is absent. */
export function leaf(tag: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

export function document(root: string, inner: string): string {
  return `<?xml version="1.0"?>\n<${root} xmlns="${XMLNS}">${inner}</${root}>`;
}

export function recordSetXml(rs: ResourceRecordSet): string {
  let x = leaf("Name", rs.Name) + leaf("Type", rs.Type) + leaf("SetIdentifier", rs.SetIdentifier);
  x += leaf("Weight", rs.Weight) + leaf("Region", rs.Region);
  if (rs.GeoLocation) {
    const g = rs.GeoLocation;
    x += `<GeoLocation>${leaf("ContinentCode", g.ContinentCode)}${leaf("CountryCode", g.CountryCode)}${leaf("SubdivisionCode", g.SubdivisionCode)}</GeoLocation>`;
  }
  x += leaf("Failover", rs.Failover) + leaf("MultiValueAnswer", rs.MultiValueAnswer) + leaf("TTL", rs.TTL);
  if (rs.ResourceRecords) {
    x += `<ResourceRecords>${rs.ResourceRecords.map((r) => `<ResourceRecord>${leaf("Value", r.Value)}</ResourceRecord>`).join("")}</ResourceRecords>`;
  }
  if (rs.AliasTarget) {
    const a = rs.AliasTarget;
    x += `<AliasTarget>${leaf("HostedZoneId", a.HostedZoneId)}${leaf("DNSName", a.DNSName)}${leaf("EvaluateTargetHealth", a.EvaluateTargetHealth)}</AliasTarget>`;
  }
  x += leaf("HealthCheckId", rs.HealthCheckId) + leaf("TrafficPolicyInstanceId", rs.TrafficPolicyInstanceId);
  return `<ResourceRecordSet>${x}</ResourceRecordSet>`;
}

export interface ZoneView {
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  recordCount: number;
}

export function hostedZoneXml(z: ZoneView): string {
  return (
    `<HostedZone>${leaf("Id", `/hostedzone/${z.id}`)}${leaf("Name", z.name)}${leaf("CallerReference", z.callerReference)}` +
    `<Config>${leaf("Comment", z.comment)}${leaf("PrivateZone", z.privateZone)}</Config>` +
    `${leaf("ResourceRecordSetCount", z.recordCount)}</HostedZone>`
  );
}

export interface ChangeView {
  id: string;
  status: "PENDING" | "INSYNC";
  submittedAt: Date;
  comment?: string;
}

export function changeInfoXml(c: ChangeView): string {
  return `<ChangeInfo>${leaf("Id", `/change/${c.id}`)}${leaf("Status", c.status)}${leaf("SubmittedAt", c.submittedAt.toISOString())}${leaf("Comment", c.comment)}</ChangeInfo>`;
}

/**
 * The error envelope Route 53 sends. InvalidChangeBatch lists every problem in `<Message>` as `[a, b]`
 * (what the service sends today) and, as the older envelope did, one `<Message>` per problem in `<Messages>`.
 */
export function errorXml(code: string, message: string, requestId: string, messages?: string[]): string {
  const list = messages ? `<Messages>${messages.map((m) => leaf("Message", m)).join("")}</Messages>` : "";
  return document(
    "ErrorResponse",
    `<Error><Type>Sender</Type>${leaf("Code", code)}${leaf("Message", message)}${list}</Error>${leaf("RequestId", requestId)}`,
  );
}
