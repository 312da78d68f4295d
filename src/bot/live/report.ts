// The summary that closes the thread: posted once, by the owner of the live message, when the migration
// has ended; recorded as posted so a later owner does not post it again.

import type { MigrationCommands } from "../../migration/commands.js";
import { isTerminal, type Migration } from "../../migration/types.js";
import { renderReport } from "../render/report.js";
import type { LiveRef, LiveStore } from "./store.js";

export interface ReportState {
  posted: boolean;
}

export interface ReportDeps {
  commands: Pick<MigrationCommands, "report" | "auditDropped">;
  store: Pick<LiveStore, "markReportPosted">;
  names(ids: readonly string[]): Promise<Record<string, string>>;
  postReply(ref: LiveRef, text: string, what: string): Promise<string>;
}

export async function postReportOnce(
  deps: ReportDeps,
  state: ReportState,
  m: Migration,
  ref: LiveRef,
): Promise<void> {
  if (!isTerminal(m.status) || state.posted) return;
  const report = await deps.commands.report(m.id);
  if (report) {
    const names = await deps.names([
      report.startedBy,
      ...report.approvals.map((a) => a.by),
      ...(report.rollback ? [report.rollback.by] : []),
    ]);
    const dropped = await deps.commands.auditDropped({ migrationId: m.id });
    await deps.postReply(ref, renderReport(report, names, dropped), "the summary");
  }
  await deps.store.markReportPosted(m.id);
  state.posted = true;
}
