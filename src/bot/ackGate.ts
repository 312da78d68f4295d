// Acks first, work after. Slack waits on the ack (3 s, then it retries); nobody waits on what a click
// does next to the millisecond. Work after an ack (the dedupe claim, reads, the engine call, the
// response_url answer, a live-message redraw) shares one event loop with the acks of requests still
// arriving, so it steps aside for them:
// - `afterAck(fn)` runs the work behind an ack in a lane of a few at a time (one Redis reply carrying the
//   answers of fifty clicks would otherwise run fifty continuations back to back, while acks wait);
// - each step of that work awaits `afterAcks()`, which lets the waiters go in a later turn of the event
//   loop once no request the front door received is waiting for its answer and none arrived for
//   `quietMs` (requests of a burst arrive a fraction of a millisecond apart: the burst's acks go first,
//   its work after). All waiters go at once: the lane keeps them few, and a turn per waiter would cost
//   a poll syscall each.

export interface AckGate {
  /** The front door received a request that will be answered; call the returned function once it is. */
  enter(): () => void;
  /**
   * Resolves in a later turn of the event loop once no received request waits for its answer and none
   * arrived for `quietMs`, or at the latest `maxWaitMs` after the gate began holding work back: a steady
   * flood must not starve the work.
   */
  afterAcks(): Promise<void>;
  /**
   * Runs the work behind an ack: at most `lanes` such tasks at once, each started via `afterAcks()`; a
   * task that runs longer than `maxWaitMs` goes on outside the lane.
   */
  afterAck<T>(work: () => Promise<T>): Promise<T>;
  /** Requests received and not answered yet. */
  readonly pending: number;
}

/** Long enough to let a burst of acks out, short against Slack's patience with a response_url answer. */
export const DEFAULT_MAX_WAIT_MS = 250;
/** Enough to overlap the round trips of a few clicks; few enough that their continuations stay short. */
export const DEFAULT_LANES = 4;
/** No request for this long: a burst is over. */
export const DEFAULT_QUIET_MS = 2;

export function createAckGate(opts: { maxWaitMs?: number; lanes?: number; quietMs?: number } = {}): AckGate {
  const maxWait = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const lanes = opts.lanes ?? DEFAULT_LANES;
  const quietMs = opts.quietMs ?? DEFAULT_QUIET_MS;
  let pending = 0;
  let lastArrival = Number.NEGATIVE_INFINITY;
  /** Looks again once the quiet period since the last arrival has passed. */
  let recheck: ReturnType<typeof setTimeout> | undefined;
  let waiting: Array<() => void> = [];
  let checkQueued = false;
  /** Armed while work is held back: a flood that never lets up lets the work go anyway. */
  let starving: ReturnType<typeof setTimeout> | undefined;
  let running = 0;
  const queued: Array<() => void> = [];

  const releaseAll = () => {
    if (starving) clearTimeout(starving);
    if (recheck) clearTimeout(recheck);
    starving = undefined;
    recheck = undefined;
    const ready = waiting;
    waiting = [];
    for (const go of ready) go();
  };
  // `setImmediate` runs after the poll phase, so requests whose bytes arrived by now have been read
  // (and counted) before the waiters go.
  const check = () => {
    checkQueued = false;
    if (waiting.length === 0) return;
    const quietFor = performance.now() - lastArrival;
    if (pending === 0 && quietFor >= quietMs) return releaseAll();
    if (!starving) {
      starving = setTimeout(releaseAll, maxWait);
      starving.unref();
    }
    // With requests unanswered, the last answer queues the next check; otherwise the quiet period does.
    if (pending === 0 && !recheck) {
      recheck = setTimeout(
        () => {
          recheck = undefined;
          check();
        },
        Math.max(1, Math.ceil(quietMs - quietFor)),
      );
      recheck.unref(); // the server keeps the process alive; a timer of ours never should
    }
  };
  const queueCheck = () => {
    if (checkQueued) return;
    checkQueued = true;
    setImmediate(check);
  };
  const afterAcks = () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      queueCheck();
    });

  return {
    enter() {
      pending += 1;
      lastArrival = performance.now();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        pending -= 1;
        if (pending === 0 && waiting.length > 0) queueCheck();
      };
    },
    afterAcks,
    async afterAck(work) {
      if (running >= lanes) await new Promise<void>((resolve) => queued.push(resolve));
      else running += 1;
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        clearTimeout(overstay);
        const next = queued.shift();
        if (next)
          next(); // the lane passes straight on
        else running -= 1;
      };
      // A slow task (a dry run probing clusters) keeps running but gives its lane up: a 3 a.m. Rollback
      // click never queues behind four of them.
      const overstay = setTimeout(release, maxWait);
      overstay.unref();
      try {
        await afterAcks();
        return await work();
      } finally {
        release();
      }
    },
    get pending() {
      return pending;
    },
  };
}
