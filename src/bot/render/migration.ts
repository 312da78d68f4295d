// The live message: a pure function from the view model to Block Kit. Stays inside Slack's limits for a
// plan of any length by condensing the checklist, then checking the whole message and shrinking again.

import { ACTION_APPROVE, ACTION_RETRY, ACTION_ROLLBACK, encodeButtonValue } from "../actions/value.js";
import {
  type Block,
  type ButtonElement,
  chunkLines,
  context,
  LIMITS,
  plain,
  type RenderedMessage,
  section,
} from "./blocks.js";
import {
  escapeMrkdwn,
  firstLine,
  formatDuration,
  mention,
  progressText,
  slackTime,
  statusEmoji,
  statusLabel,
  stepEmoji,
  truncate,
} from "./format.js";
import {
  type ActionModel,
  type ApprovalKind,
  buildMessageModel,
  type LiveView,
  type MessageModel,
  type StepLine,
} from "./model.js";
import { auditText } from "./thread.js";

export type { LiveView } from "./model.js";

const TITLE_MAX = 60;
const DETAIL_MAX = 140;
/** Characters of checklist text on the first attempt; halved until the whole message fits. */
const CHECKLIST_BUDGET = 5400;
const MAX_CHECKLIST_SECTIONS = 3;

function stepText(line: StepLine): string {
  const title = escapeMrkdwn(truncate(line.title, TITLE_MAX));
  const parts = [`${stepEmoji(line.state)} ${line.current ? `*${title.replace(/\*/g, "")}*` : title}`];
  if (line.progress) parts.push(progressText(line.progress));
  if (line.durationMs !== undefined && line.state !== "pending") parts.push(formatDuration(line.durationMs));
  if (line.until !== undefined) parts.push(`until ${slackTime(line.until)}`);
  if (line.detail) parts.push(escapeMrkdwn(truncate(firstLine(line.detail), DETAIL_MAX)));
  return parts.join(" · ");
}

const GROUP_LABEL: Partial<Record<StepLine["state"], string>> = {
  succeeded: "steps done",
  pending: "steps to go",
  skipped: "steps skipped",
  compensated: "steps undone",
};

/** Lines for the checklist within `budget` characters: runs of quiet steps fold into one line each. */
export function checklistLines(steps: readonly StepLine[], budget: number): string[] {
  const full = steps.map(stepText);
  if (full.reduce((n, l) => n + l.length + 1, 0) <= budget) return full;
  const folded: string[] = [];
  let i = 0;
  while (i < steps.length) {
    const s = steps[i]!;
    if (s.important) {
      folded.push(full[i]!);
      i += 1;
      continue;
    }
    let j = i;
    while (j < steps.length && !steps[j]!.important && steps[j]!.state === s.state) j += 1;
    const run = j - i;
    folded.push(run === 1 ? full[i]! : `${stepEmoji(s.state)} ${run} ${GROUP_LABEL[s.state] ?? "steps"}`);
    i = j;
  }
  const out: string[] = [];
  let used = 0;
  for (let k = 0; k < folded.length; k++) {
    const line = folded[k]!;
    const tail = `… and ${folded.length - k} more lines`;
    if (used + line.length + 1 + tail.length + 1 > budget) {
      out.push(tail);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out;
}

function titleText(m: MessageModel): string {
  const reason = truncate(escapeMrkdwn(m.targetReason), 300);
  const status = `${statusEmoji(m.status)} *${statusLabel(m.status)}* · ${formatDuration(m.elapsedMs)}`;
  const lines = [
    `*Migration ${escapeMrkdwn(m.env)}*: \`${m.source}\` → \`${m.target}\``,
    `Started by ${mention(m.startedBy)}${reason ? ` · target: ${reason}` : ""}`,
    status,
  ];
  if (m.rollback) {
    lines.push(
      `:rewind: Rollback requested by ${mention(m.rollback.by)}: ${truncate(auditText(m.rollback.reason, {}), 200)}`,
    );
  }
  return lines.join("\n");
}

function approveLabel(kind: ApprovalKind): string {
  switch (kind) {
    case "gate-cutover":
      return "Approve cutover";
    case "gate-decommission":
      return "Approve decommission";
    case "traffic-step":
      return "Approve next traffic step";
  }
}

function gateText(m: MessageModel): string | undefined {
  if (m.gate) {
    const g = m.gate;
    const parts = [
      `:raised_hand: *${escapeMrkdwn(truncate(g.title, TITLE_MAX))}* is waiting for approval · waited ${formatDuration(g.waitedMs)}`,
    ];
    if (g.approvalValidMinutes !== undefined) {
      parts.push(`an approval is valid for ${g.approvalValidMinutes} min, then the gate asks again`);
    }
    if (g.excluded) parts.push(`four-eyes: someone other than ${mention(g.excluded)} must approve`);
    return parts.join("\n");
  }
  if (m.pendingApproval) {
    return `:ballot_box_with_check: Approved by ${mention(m.pendingApproval.by)}; the approval expires at ${slackTime(m.pendingApproval.expiresAt)}`;
  }
  return undefined;
}

function findingsText(m: MessageModel): string | undefined {
  const f = m.findings;
  if (f.blocking + f.warning + f.info === 0) return undefined;
  const parts: string[] = [];
  if (f.blocking > 0) parts.push(`${f.blocking} blocking`);
  if (f.warning > 0) parts.push(`${f.warning} warning${f.warning > 1 ? "s" : ""}`);
  if (f.info > 0) parts.push(`${f.info} info`);
  return `:mag: Preflight findings: ${parts.join(", ")} (details in the thread)`;
}

/** What Retry does, for its confirm dialog (plain text, at most 300 characters with any title). */
export function retryConfirmText(stepTitle: string): string {
  return `Runs "${truncate(stepTitle, TITLE_MAX)}" again as a new attempt, then the migration goes on. What the failed attempt left is kept (a failed Velero object stays for describe) and named in the thread. Fix the cause first, or roll back instead.`;
}

function button(a: ActionModel): ButtonElement {
  switch (a.kind) {
    case "approve":
      return {
        type: "button",
        action_id: ACTION_APPROVE,
        text: plain(approveLabel(a.gate)),
        style: "primary",
        value: encodeButtonValue({ migrationId: a.migrationId, stepId: a.stepId, version: a.version }),
      };
    case "retry":
      return {
        type: "button",
        action_id: ACTION_RETRY,
        text: plain(truncate(`Retry ${a.stepTitle}`, LIMITS.buttonText)),
        style: "primary",
        value: encodeButtonValue({ migrationId: a.migrationId, stepId: a.stepId, version: a.version }),
        confirm: {
          title: plain(truncate(`Retry in ${a.env}?`, LIMITS.confirmTitle)),
          text: plain(truncate(retryConfirmText(a.stepTitle), LIMITS.confirmText)),
          confirm: plain("Retry"),
          deny: plain("Cancel"),
          style: "primary",
        },
      };
    case "rollback": {
      const what =
        a.completedEffects > 0
          ? `Undoes ${a.completedEffects} completed step${a.completedEffects > 1 ? "s" : ""} in reverse order (traffic, CronJobs, replicas back to the old cluster).`
          : "Nothing has changed yet; the migration stops.";
      return {
        type: "button",
        action_id: ACTION_ROLLBACK,
        text: plain(a.retry ? "Retry rollback" : "Roll back"),
        style: "danger",
        value: encodeButtonValue({ migrationId: a.migrationId, version: a.version }),
        confirm: {
          title: plain(truncate(`Roll back ${a.env}?`, LIMITS.confirmTitle)),
          text: plain(truncate(what, LIMITS.confirmText)),
          confirm: plain("Roll back"),
          deny: plain("Cancel"),
          style: "danger",
        },
      };
    }
  }
}

function fallbackText(m: MessageModel): string {
  const gate = m.gate ? ` (${m.gate.title})` : "";
  return truncate(`Migration ${m.env}: ${m.source} → ${m.target} · ${statusLabel(m.status)}${gate}`, 300);
}

function blocksFor(m: MessageModel, budget: number): Block[] {
  const v = `v${m.version}`;
  const blocks: Block[] = [section(titleText(m), `title-${v}`)];
  const lines = checklistLines(m.steps, budget);
  chunkLines(lines)
    .slice(0, MAX_CHECKLIST_SECTIONS)
    .forEach((text, i) => {
      blocks.push(section(text, `steps-${i}-${v}`));
    });
  const gate = gateText(m);
  if (gate) blocks.push(section(gate, `gate-${v}`));
  if (m.error) {
    blocks.push(
      section(`:warning: ${truncate(escapeMrkdwn(m.error), 700)}\n_Details in the thread._`, `error-${v}`),
    );
  }
  const findings = findingsText(m);
  if (findings) blocks.push(context([findings], `findings-${v}`));
  if (m.actions.length > 0) {
    blocks.push({ type: "actions", block_id: `actions-${v}`, elements: m.actions.map(button) });
  }
  blocks.push(context([`\`${m.migrationId}\` · ${v} · updated ${slackTime(m.updatedAt)}`], `footer-${v}`));
  return blocks;
}

export function renderModel(m: MessageModel): RenderedMessage {
  let budget = CHECKLIST_BUDGET;
  for (let attempt = 0; attempt < 8; attempt++) {
    const blocks = blocksFor(m, budget);
    if (JSON.stringify(blocks).length <= LIMITS.blocksJson - 1000) return { text: fallbackText(m), blocks };
    budget = Math.floor(budget / 2);
  }
  return {
    text: fallbackText(m),
    blocks: blocksFor({ ...m, steps: [], error: m.error && truncate(m.error, 200) }, 0),
  };
}

/** The live message for a migration, as Block Kit. Pure: same view and `now`, same output. */
export function renderMigrationMessage(view: LiveView, now: number): RenderedMessage {
  return renderModel(buildMessageModel(view, now));
}
