// The traffic records of a zone's names as this process last read them, so a change can be built from
// the read that verified the one before instead of a fresh pre-read. Such a batch is sent as DELETE of
// the exact old sets + CREATE (records.ts `guardedChanges`): if the records changed meanwhile, Route 53
// refuses the whole batch and the change is planned again from a fresh read.

import { nameSet, type RecordSet } from "./records.js";

interface Entry {
  names: string;
  sets: RecordSet[];
  at: number;
}

const namesKey = (names: readonly string[]) => nameSet(names).join(" ");

export class KnownRecords {
  private readonly byZone = new Map<string, Entry>();
  /** When a change to the zone was last sent: a read made before it says nothing of what is there now. */
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * After a read of exactly these names' traffic sets, made at `at` (now, unless it was made elsewhere:
   * a stored read). An older read than the one remembered, or one older than a change sent since, is not.
   */
  remember(zoneId: string, names: readonly string[], sets: readonly RecordSet[], at = this.now()): void {
    const current = this.byZone.get(zoneId);
    if ((current && current.at > at) || at < (this.changedAt.get(zoneId) ?? Number.NEGATIVE_INFINITY)) return;
    this.byZone.set(zoneId, {
      names: namesKey(names),
      sets: JSON.parse(JSON.stringify(sets)) as RecordSet[],
      at,
    });
  }

  /** The last read of these names, if no change was sent since and it is at most `maxAgeMs` old. */
  recall(
    zoneId: string,
    names: readonly string[],
    maxAgeMs = Number.POSITIVE_INFINITY,
  ): RecordSet[] | undefined {
    const e = this.byZone.get(zoneId);
    if (!e || e.names !== namesKey(names) || this.now() - e.at > maxAgeMs) return undefined;
    return JSON.parse(JSON.stringify(e.sets)) as RecordSet[];
  }

  /** A change was sent (or may have been): what was read before no longer says what is there. */
  forget(zoneId: string): void {
    this.byZone.delete(zoneId);
    this.changedAt.set(zoneId, this.now());
  }
}
