// A clock the test moves by hand: timers fire in order, with the microtasks between them settled.
import type { Clock } from "../../src/bot/live/pacing.js";
import { T0 } from "./fixtures.js";

export class ManualClock implements Clock {
  t = T0;
  private timers: Array<{ id: number; at: number; fn: () => void }> = [];
  private seq = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.push({ id, at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      this.setTimeout(resolve, ms);
    });
  async settle() {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  }
  async advance(ms: number) {
    const target = this.t + ms;
    for (;;) {
      await this.settle();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = target;
    await this.settle();
  }
}
