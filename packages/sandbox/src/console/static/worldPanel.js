// The simulated world beside the channel: the invariant light, where DNS points (and with which weights),
// the duplication-forbidden CronJobs on both clusters, workloads per cluster, and the fault buttons.
import { el } from "./blockKit.js";

/** A section of the world panel: labelled for screen readers, headed by `title`. */
function panelSection(label, title, ...children) {
  return el("section", { class: "panel-section", "aria-label": label }, el("h3", {}, title), ...children);
}

// Widths through the CSSOM: the page's CSP allows no inline style attributes.
function barPart(cls, pct) {
  const e = el("span", { class: cls });
  e.style.width = `${pct}%`;
  return e;
}

const shortHost = (h) => (h.length > 34 ? `${h.slice(0, 14)}…${h.slice(-18)}` : h);

function cronSide(s) {
  if (!s) return el("td", { class: "cj absent" }, "—");
  const bits = [s.suspended ? "suspended" : "active"];
  if (s.running > 0) bits.push(`${s.running} running`);
  const last = s.lastRun ? new Date(s.lastRun).toISOString().slice(11, 19) : "never";
  return el(
    "td",
    { class: `cj ${s.suspended ? "suspended" : "active"}`, "data-suspended": String(s.suspended) },
    bits.join(", "),
    el("div", { class: "cj-last" }, `last run ${last}`),
  );
}

function dnsSection(world) {
  const names = Object.keys(world.traffic);
  return panelSection(
    "DNS",
    "DNS (Route 53)",
    ...names.map((name) => {
      const share = world.traffic[name];
      const points =
        share.old > 0 && share.new > 0 ? "split" : share.new > 0 ? "new" : share.old > 0 ? "old" : "other";
      const rows = world.dns.filter((a) => a.name === name);
      return el(
        "div",
        {
          class: "dns-name",
          "data-name": name,
          "data-points": points,
          "data-new-share": String(Math.round(share.new)),
        },
        el(
          "div",
          { class: "dns-title" },
          el("strong", {}, name),
          el(
            "span",
            { class: `side ${points}` },
            points === "split"
              ? `old ${Math.round(share.old)}% · new ${Math.round(share.new)}%`
              : `→ ${points}`,
          ),
        ),
        el(
          "div",
          {
            class: "bar",
            role: "img",
            "aria-label": `old ${Math.round(share.old)}%, new ${Math.round(share.new)}%`,
          },
          barPart("bar-old", share.old),
          barPart("bar-new", share.new),
        ),
        el(
          "ul",
          { class: "dns-records" },
          ...rows.map((a) =>
            el(
              "li",
              {},
              el("span", { class: `side ${a.points}` }, a.points),
              ` ${a.setId ? `[${a.setId}] w=${a.weight} ` : ""}TTL ${a.ttl ?? "?"} `,
              el("code", { title: a.value }, shortHost(a.value)),
            ),
          ),
        ),
      );
    }),
  );
}

function cronSection(world) {
  return panelSection(
    "Forbidden CronJobs",
    "Duplication-forbidden CronJobs",
    el(
      "div",
      { class: "caption" },
      "times on the clusters' clock, which runs 30× fast: every-minute jobs run every 2 s",
    ),
    el(
      "table",
      { class: "cronjobs" },
      el("thead", {}, el("tr", {}, el("th", {}, "CronJob"), el("th", {}, "old"), el("th", {}, "new"))),
      el(
        "tbody",
        {},
        ...world.cronJobs.map((c) =>
          el(
            "tr",
            { "data-key": c.key },
            el("th", { scope: "row" }, c.key),
            cronSide(c.old),
            cronSide(c.new),
          ),
        ),
      ),
    ),
  );
}

function clusterCard(side, c) {
  return el(
    "div",
    { class: `cluster ${side}`, "data-side": side, "data-replicas": String(c.replicas) },
    el("strong", {}, `${side}: ${c.name}`),
    el("div", {}, `${c.deployments} Deployments, ${c.ready} ready, ${c.replicas} replicas`),
    el("div", {}, `${c.cronJobs} CronJobs${c.retired ? " · retired" : ""}`),
  );
}

function faultSection(faults, onFault) {
  const toggles = {
    "kube-slow": faults.kubeSlow,
    "kube-failing": faults.kubeFailing,
    "slack-ratelimit": faults.slackRateLimited,
  };
  return panelSection(
    "Faults",
    "Faults on demand",
    el(
      "div",
      { class: "faults" },
      ...faults.catalogue.map((f) => {
        const toggle = f.name in toggles;
        const on = toggle && toggles[f.name];
        return el(
          "button",
          {
            type: "button",
            class: `fault${on ? " on" : ""}`,
            "data-fault": f.name,
            "aria-pressed": toggle ? String(on) : undefined,
            disabled: f.name === "worker-kill" && faults.worker?.state !== "running",
            onclick: () => onFault(f.name, toggle ? !on : true),
          },
          f.label,
        );
      }),
    ),
    el(
      "div",
      { class: "fault-status" },
      `worker: ${faults.worker ? `${faults.worker.state} (killed ${faults.worker.kills}×)` : "in-process"} · Route 53 throttled ${faults.route53Throttled}×`,
    ),
  );
}

export function renderWorld(state, onFault, onReset) {
  const { world, invariant, migration, faults } = state;
  return el(
    "div",
    { class: "world-inner" },
    el(
      "div",
      {
        id: "invariant",
        class: `light ${invariant.ok ? "ok" : "bad"}`,
        "data-ok": String(invariant.ok),
        role: "status",
      },
      el("span", { class: "dot", "aria-hidden": "true" }),
      el(
        "span",
        {},
        invariant.ok ? "Invariant holds: nothing forbidden active on both clusters" : "INVARIANT BROKEN",
      ),
      ...invariant.violations.map((v) => el("div", { class: "violation" }, v)),
      invariant.count > invariant.violations.length
        ? el("div", { class: "violation" }, `and ${invariant.count - invariant.violations.length} more`)
        : undefined,
    ),
    el(
      "div",
      {
        class: "migration-status",
        "data-status": migration?.status ?? "none",
        "data-back-at-start": String(world.backAtStart),
      },
      migration ? `${migration.id}: ${migration.status}` : "no migration yet",
      world.backAtStart ? el("span", { class: "badge" }, "world at its starting point") : undefined,
    ),
    dnsSection(world),
    cronSection(world),
    panelSection(
      "Workloads",
      "Workloads",
      el(
        "div",
        { class: "clusters" },
        clusterCard("old", world.clusters.old),
        clusterCard("new", world.clusters.new),
      ),
    ),
    faultSection(faults, onFault),
    el(
      "section",
      { class: "panel-section", "aria-label": "Start over" },
      el(
        "button",
        { type: "button", id: "reset-world", class: "fault", onclick: onReset },
        "Start over with a fresh world",
      ),
    ),
  );
}
