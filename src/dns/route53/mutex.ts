// Writes to one hosted zone are serialised inside this process: Route 53 rejects a change while another
// is still being applied (PriorRequestNotComplete), and a read-diff-write must not interleave with another.

const tails = new Map<string, Promise<void>>();

export async function withZoneLock<T>(zoneId: string, fn: () => Promise<T>): Promise<T> {
  const previous = tails.get(zoneId) ?? Promise.resolve();
  let release: () => void = () => {};
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => mine);
  tails.set(zoneId, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(zoneId) === tail) tails.delete(zoneId);
  }
}
