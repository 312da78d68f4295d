import { Route53Client } from "@aws-sdk/client-route-53";
import { afterEach, beforeEach } from "vitest";
import { type Route53Host, type Route53HostOptions, startRoute53Host } from "../../src/route53/index.js";

/** The real SDK client, pointed at a test host, without its own retries (so faults are seen as they are). */
export function sdkClient(endpoint: string): Route53Client {
  return new Route53Client({
    endpoint,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
  });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(
  p: Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { name: string };
  }
  throw new Error("expected the call to fail");
}

/** A fresh Route 53 host with one zone (`example.com`) per test, closed after it. */
export function useZone(opts: Route53HostOptions): { readonly host: Route53Host; readonly zoneId: string } {
  let host: Route53Host | undefined;
  let zoneId: string | undefined;
  beforeEach(async () => {
    host = await startRoute53Host(opts);
    zoneId = host.createZone({ name: "example.com" });
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });
  return {
    get host() {
      if (!host) throw new Error("the Route 53 host runs only inside a test");
      return host;
    },
    get zoneId() {
      if (zoneId === undefined) throw new Error("the zone exists only inside a test");
      return zoneId;
    },
  };
}
