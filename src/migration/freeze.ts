import type { FreezeWindow } from "../config/schema.js";

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
type Day = (typeof DAYS)[number];

export interface ActiveFreeze {
  window: FreezeWindow;
  /** First instant after the window (ms epoch). */
  endsAt: number;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function localDayAndMinute(now: number, timeZone: string): { day: Day; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(now));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const day = get("weekday").toLowerCase().slice(0, 3) as Day;
  return { day, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

/**
 * The freeze window in force at `now`, if any. Windows are inclusive of their `to` minute and may span
 * midnight (`from` later than `to`), in which case the part after midnight belongs to the listed day.
 */
export function activeFreeze(windows: readonly FreezeWindow[], now: number): ActiveFreeze | undefined {
  const startOfMinute = now - (now % 60_000);
  for (const w of windows) {
    const { day, minute } = localDayAndMinute(now, w.timeZone);
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    const yesterday = DAYS[(DAYS.indexOf(day) + 6) % 7]!;
    let minutesLeft: number | undefined;
    if (from <= to) {
      if (w.days.includes(day) && minute >= from && minute <= to) minutesLeft = to - minute + 1;
    } else if (w.days.includes(day) && minute >= from) {
      minutesLeft = 24 * 60 - minute + to + 1;
    } else if (w.days.includes(yesterday) && minute <= to) {
      minutesLeft = to - minute + 1;
    }
    if (minutesLeft !== undefined) return { window: w, endsAt: startOfMinute + minutesLeft * 60_000 };
  }
  return undefined;
}

export function describeFreeze(f: ActiveFreeze): string {
  const end = new Date(f.endsAt).toLocaleString("en-GB", {
    timeZone: f.window.timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
  });
  return `inside freeze window "${f.window.reason}" (${f.window.days.join(",")} ${f.window.from}–${f.window.to} ${f.window.timeZone}); it ends ${end} ${f.window.timeZone}`;
}
