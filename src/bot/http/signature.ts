// Slack's request signature (v0: HMAC-SHA256 of `v0:<timestamp>:<body>` under the signing secret), the
// rules Bolt's verifySlackRequest applies, at one HMAC per request: the key is prepared once, and the
// comparison is Node's timingSafeEqual (Bolt's compares through two more HMACs under a random key).

import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";

/** Slack's replay window: a timestamp older than this is refused. */
const STALE_AFTER_S = 300;

const SIGNATURE = /^v0=([0-9a-f]{64})$/;

export type SignatureCheck = (
  signature: string,
  timestamp: string,
  body: Buffer,
  nowMs: number,
) => { ok: true } | { ok: false; reason: string };

export function createSignatureCheck(signingSecret: string): SignatureCheck {
  if (signingSecret.length === 0) throw new Error("the Slack signing secret is empty");
  const key: KeyObject = createSecretKey(Buffer.from(signingSecret, "utf8"));
  return (signature, timestamp, body, nowMs) => {
    const ts = Number(timestamp);
    if (!Number.isFinite(ts)) return { ok: false, reason: "x-slack-request-timestamp is not a number" };
    if (ts < Math.floor(nowMs / 1000) - STALE_AFTER_S) {
      return { ok: false, reason: "x-slack-request-timestamp is more than 5 minutes old" };
    }
    const theirs = SIGNATURE.exec(signature)?.[1];
    if (theirs === undefined) return { ok: false, reason: "x-slack-signature is not a v0 signature" };
    // Bolt signs the timestamp as a number (`Number(header)`); so do we, to accept exactly what it accepts.
    const ours = createHmac("sha256", key).update(`v0:${ts}:`).update(body).digest();
    return timingSafeEqual(ours, Buffer.from(theirs, "hex"))
      ? { ok: true }
      : { ok: false, reason: "signature mismatch" };
  };
}
