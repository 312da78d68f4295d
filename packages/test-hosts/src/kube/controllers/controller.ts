// Base of the simulated controllers: timers that all stop on close, and change subscriptions.

import type { KubeApi } from "../api.js";
import type { ChangeEvent } from "../store.js";

export interface Controller {
  start(): void;
  stop(): void;
}

export abstract class TimerController implements Controller {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private unsubscribe: (() => void) | undefined;
  protected stopped = false;

  constructor(protected readonly api: KubeApi) {}

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.api.store.onChange((e) => {
      if (!this.stopped) this.onChange(e);
    });
    this.onStart();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.intervals) clearInterval(t);
    this.timers.clear();
    this.intervals.clear();
  }

  protected onStart(): void {}
  protected onChange(_event: ChangeEvent): void {}

  /** setTimeout that is cancelled by stop(); errors are swallowed (a controller retries on its next pass). */
  protected after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        if (this.stopped) return;
        try {
          fn();
        } catch {
          // next pass retries
        }
      },
      Math.max(0, ms),
    );
    t.unref?.();
    this.timers.add(t);
  }

  protected every(ms: number, fn: () => void): void {
    const t = setInterval(() => {
      if (this.stopped) return;
      try {
        fn();
      } catch {
        // next pass retries
      }
    }, ms);
    t.unref?.();
    this.intervals.add(t);
  }
}
