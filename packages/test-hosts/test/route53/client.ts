import { Route53Client } from "@aws-sdk/client-route-53";

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
