// Clocks for simulated controllers. Object timestamps and CronJob schedules follow the host clock,
// so a fast clock lets a test watch `*/1 * * * *` schedules fire within a second or two.

export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
}

export const realClock: Clock = { now: () => Date.now() };

/** Time that runs `speed` times faster than wall time, starting at `start` (default: now). */
export class ScaledClock implements Clock {
  private readonly wallStart = Date.now();
  private readonly start: number;
  constructor(
    readonly speed: number,
    start?: number,
  ) {
    this.start = start ?? this.wallStart;
  }
  now(): number {
    return this.start + (Date.now() - this.wallStart) * this.speed;
  }
}

/** Time that moves only when told to (`advance`, `set`). */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: number = Date.now()) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
