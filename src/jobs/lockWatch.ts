// A running step checks, every second, that the job's lock in Redis still holds its own token. BullMQ's
// renewal only reports a lock it finds missing; if the stalled check has meanwhile handed the job to
// another processing (in this worker or another), the renewal quietly renews the new holder's token and
// the old processing would run on beside it. This compares tokens directly and aborts the old one.

import type { Redis } from "ioredis";

export function watchLock(
  redis: Redis,
  lockKey: string,
  token: string,
  everyMs: number,
  onLost: (holder: string | null) => void,
): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    void redis.get(lockKey).then(
      (holder) => {
        if (stopped || holder === token) return;
        stopped = true;
        clearInterval(timer);
        onLost(holder);
      },
      () => {}, // Redis unreachable: nobody else can take the job either; BullMQ's renewal decides
    );
  }, everyMs);
  timer.unref?.();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
