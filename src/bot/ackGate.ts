// Acks first, work after. Slack waits on the ack (3 s, then it retries); nobody waits on what a click
// does next to the millisecond. Work after an ack (the dedupe claim, reads, the engine call, the
// response_url answer, a live-message redraw) shares one event loop with the acks of requests still
// arriving, so it steps aside for them:
// - `afterAck(fn)` runs the work behind an ack in a lane of a few at a time (one Redis reply carrying the
//   answers of fifty clicks would otherwise run fifty continuations back to back, while acks wait);
// - each step of that work awaits `afterAcks()`, which lets the waiters go in a later turn of the event
//   loop, and only while no request the front door received is waiting for its answer. (All of them at
//   once: the lane keeps them few, and every extra turn of the loop is one more poll syscall.)

export interface AckGate {
  /** The front door received a request that will be answered; call the returned function once it is. */
  enter(): () => void;
  /**
   * Resolves in a later turn of the event loop once no received request waits for its answer, or after
   * `maxWaitMs` at the latest: a steady flood must not starve the work.
   */
  afterAcks(): Promise<void>;
  /** Runs the work behind an ack: at most `lanes` such tasks at once, each started via `afterAcks()`. */
  afterAck<T>(work: () => Promise<T>): Promise<T>;
  /** Requests received and not answered yet. */
  readonly pending: number;
}

/** Long enough to let a burst of acks out, short against Slack's patience with a response_url answer. */
export const DEFAULT_MAX_WAIT_MS = 250;
/** Enough to overlap the round trips of a few clicks; few enough that their continuations stay short. */
export const DEFAULT_LANES = 4;

export function createAckGate(opts: { maxWaitMs?: number; lanes?: number } = {}): AckGate {
  const maxWait = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const lanes = opts.lanes ?? DEFAULT_LANES;
  let pending = 0;
  const waiting = new Set<() => void>();
  let checkQueued = false;
  let running = 0;
  const queued: Array<() => void> = [];

  // `setImmediate` runs after the poll phase, so requests whose bytes arrived by now have been read
  // (and counted) before the waiters go.
  const check = () => {
    checkQueued = false;
    if (pending > 0) return; // the last answer queues the next check
    const ready = [...waiting];
    waiting.clear();
    for (const go of ready) go();
  };
  const queueCheck = () => {
    if (checkQueued) return;
    checkQueued = true;
    setImmediate(check);
  };
  const afterAcks = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => go(), maxWait);
      timer.unref();
      const go = () => {
        clearTimeout(timer);
        waiting.delete(go);
        resolve();
      };
      waiting.add(go);
      queueCheck();
    });

  return {
    enter() {
      pending += 1;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        pending -= 1;
        if (pending === 0 && waiting.size > 0) queueCheck();
      };
    },
    afterAcks,
    async afterAck(work) {
      if (running >= lanes) await new Promise<void>((resolve) => queued.push(resolve));
      else running += 1;
      try {
        await afterAcks();
        return await work();
      } finally {
        const next = queued.shift();
        if (next)
          next(); // the lane passes straight on
        else running -= 1;
      }
    },
    get pending() {
      return pending;
    },
  };
}
