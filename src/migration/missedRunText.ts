// How a schedule time that fell inside a handoff gap is told to people: in the CronJob's own time zone,
// to the second only when the schedule has seconds.

import type { HandoffReport } from "./ports.js";

type MissedRun = NonNullable<HandoffReport["missedRuns"]>[number];

export function scheduleClock(ms: number, timeZone: string): string {
  const d = new Date(ms);
  let text: string;
  try {
    const withSeconds = d.getUTCSeconds() !== 0;
    text = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hour: "2-digit",
      minute: "2-digit",
      ...(withSeconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
    }).format(d);
  } catch {
    return `${d.toISOString().slice(11, 19)} UTC`;
  }
  return `${text} ${timeZone}`;
}

/** "`billing/invoice-run`: 09:00 UTC run did not happen on either cluster" */
export function missedRunText(m: MissedRun, target: string): string {
  const when = scheduleClock(m.scheduledAt, m.timeZone);
  switch (m.outcome) {
    case "lost":
      return `\`${m.resource}\`: ${when} run did not happen on either cluster${m.why ? ` (${m.why})` : ""}`;
    case "runs-on-target":
      return `\`${m.resource}\`: ${when} run fell in the gap and runs once on ${target} (missed-run=run-once)`;
  }
}
