// The console page: a Slack channel over the sandbox. State arrives whole by server-sent events; every
// command and click goes to the sandbox server, which sends it to the bot exactly as Slack would.
import { el, renderBlocks } from "./blockKit.js";
import { renderText } from "./mrkdwn.js";
import { renderWorld } from "./worldPanel.js";

const $ = (id) => document.getElementById(id);
let state;
let me = new URLSearchParams(location.search).get("as") ?? localStorage.getItem("hikkoshi.user") ?? "alice";
let openThread;
const dismissed = new Set();

async function post(path, body) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const out = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(out.error ?? `HTTP ${res.status}`);
  return out;
}

const hint = (text) => {
  $("composer-hint").textContent = text;
};

function askConfirm(confirm, names) {
  const dialog = $("confirm");
  for (const [id, obj] of [
    ["confirm-title", confirm.title],
    ["confirm-text", confirm.text],
    ["confirm-ok", confirm.confirm],
    ["confirm-deny", confirm.deny],
  ]) {
    $(id).replaceChildren();
    renderText(
      obj ?? {
        type: "plain_text",
        text: id === "confirm-ok" ? "Yes" : id === "confirm-deny" ? "Cancel" : "",
      },
      names,
      $(id),
    );
  }
  $("confirm-ok").className = `bk-button ${confirm.style === "danger" ? "danger" : "primary"}`;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true }),
  );
}

function onButton(ts) {
  return async (elm, block) => {
    const names = state.feed.names;
    if (elm.confirm && !(await askConfirm(elm.confirm, names))) return;
    try {
      await post("/api/click", {
        user: me,
        ts,
        actionId: elm.action_id,
        ...(block?.block_id ? { blockId: block.block_id } : {}),
      });
    } catch (err) {
      hint(String(err.message));
    }
  };
}

const timeOf = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** A message from the app: its avatar, then a head (name, APP badge, time and `note`) over `body`. */
function appMessage(attrs, atMs, note, ...body) {
  return el(
    "article",
    attrs,
    el("div", { class: "avatar", "aria-hidden": "true" }, "H"),
    el(
      "div",
      { class: "msg-body" },
      el(
        "div",
        { class: "msg-head" },
        el("strong", {}, "hikkoshi"),
        el("span", { class: "app-badge" }, "APP"),
        el("time", {}, timeOf(atMs)),
        note,
      ),
      ...body,
    ),
  );
}

function messageView(m, { inThread }) {
  const names = state.feed.names;
  return appMessage(
    { class: "msg", "data-ts": m.ts },
    Number(m.ts) * 1000,
    m.edited ? el("span", { class: "edited" }, "(edited)") : undefined,
    renderBlocks(m.blocks, m.text, { names, onButton: onButton(m.ts) }),
    !inThread && m.replies.length > 0
      ? el(
          "button",
          {
            type: "button",
            class: "thread-link",
            "data-thread": m.ts,
            onclick: () => {
              openThread = m.ts;
              setView("thread");
              render();
            },
          },
          `${m.replies.length} ${m.replies.length === 1 ? "reply" : "replies"}`,
        )
      : undefined,
  );
}

function ephemeralView(e) {
  const names = state.feed.names;
  return appMessage(
    { class: "msg ephemeral", "data-seq": String(e.seq) },
    e.at,
    el("span", { class: "only-you" }, "Only visible to you"),
    e.command ? el("div", { class: "command-echo" }, e.command) : undefined,
    renderBlocks(e.blocks, e.text, {
      names,
      onButton: () => hint("Buttons in ephemeral messages are not simulated"),
    }),
    el(
      "button",
      {
        type: "button",
        class: "link dismiss",
        onclick: () => {
          dismissed.add(e.seq);
          render();
        },
      },
      "Dismiss",
    ),
  );
}

function keepScroll(box, build) {
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  build();
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderChannel() {
  const myId = state.feed.users.find((u) => u.key === me)?.id;
  const items = [
    ...state.feed.messages.map((m) => ({
      at: Number(m.ts) * 1000,
      node: () => messageView(m, { inThread: false }),
    })),
    ...state.feed.ephemerals
      .filter((e) => e.user === myId && !dismissed.has(e.seq))
      .map((e) => ({ at: e.at, node: () => ephemeralView(e) })),
  ].sort((a, b) => a.at - b.at);
  const box = $("messages");
  keepScroll(box, () => {
    box.replaceChildren(
      ...(items.length
        ? items.map((i) => i.node())
        : [
            el(
              "p",
              { class: "empty" },
              "Nothing here yet. Type /migrate plan production or /migrate start production below.",
            ),
          ]),
    );
  });
}

function renderThread() {
  const parent = state.feed.messages.find((m) => m.ts === openThread);
  document.body.classList.toggle("thread-open", Boolean(parent));
  const box = $("thread-messages");
  if (!parent) {
    box.replaceChildren(el("p", { class: "empty" }, "Open a thread from a message's replies."));
    return;
  }
  keepScroll(box, () => {
    box.replaceChildren(
      messageView(parent, { inThread: true }),
      el("div", { class: "thread-sep" }, `${parent.replies.length} replies`),
      ...parent.replies.map((r) => messageView({ ...r, edited: false, replies: [] }, { inThread: true })),
    );
  });
}

function renderUsers() {
  const sel = $("user-switcher");
  if (sel.options.length > 0) return;
  for (const u of state.feed.users) sel.append(el("option", { value: u.key }, `${u.name}, ${u.role}`));
  if (!state.feed.users.some((u) => u.key === me)) me = "alice";
  sel.value = me;
}

async function onFault(name, on) {
  try {
    await post("/api/fault", { name, on });
  } catch (err) {
    hint(String(err.message));
  }
}

async function onReset() {
  const plain = (text) => ({ type: "plain_text", text });
  const ok = await askConfirm(
    {
      title: plain("Start over?"),
      text: plain(
        "Throws this world away and builds a fresh one: both clusters, DNS at the old cluster, no migration.",
      ),
      confirm: plain("Start over"),
      deny: plain("Cancel"),
      style: "danger",
    },
    state.feed.names,
  );
  if (!ok) return;
  hint("Building a fresh world...");
  try {
    await post("/api/reset", {});
    dismissed.clear();
    openThread = undefined;
    hint("A fresh world is ready.");
  } catch (err) {
    hint(String(err.message));
  }
}

function render() {
  if (!state) return;
  renderUsers();
  renderChannel();
  renderThread();
  $("world").replaceChildren(renderWorld(state, onFault, onReset));
}

function setView(view) {
  document.body.dataset.view = view;
  for (const b of document.querySelectorAll("[data-suggest]"))
    b.addEventListener("click", () => {
      $("composer-input").value = b.dataset.suggest;
      $("composer-input").focus();
    });
  for (const b of document.querySelectorAll(".tabs button"))
    b.setAttribute("aria-pressed", String(b.dataset.tab === view));
}

function start() {
  $("user-switcher").addEventListener("change", (ev) => {
    me = ev.target.value;
    localStorage.setItem("hikkoshi.user", me);
    hint(`You are now ${me}.`);
    render();
  });
  for (const b of document.querySelectorAll(".tabs button"))
    b.addEventListener("click", () => setView(b.dataset.tab));
  $("close-thread").addEventListener("click", () => {
    openThread = undefined;
    setView("channel");
    render();
  });
  $("composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $("composer-input");
    const text = input.value.trim();
    if (!text) return;
    if (!/^\/migrate(\s|$)/.test(text)) {
      hint("This sandbox channel only takes /migrate commands (try /migrate help).");
      return;
    }
    input.value = "";
    hint(`Sent ${text} as ${me}`);
    try {
      await post("/api/command", { user: me, text });
    } catch (err) {
      hint(String(err.message));
    }
  });
  const es = new EventSource("/events");
  es.addEventListener("state", (ev) => {
    state = JSON.parse(ev.data);
    document.body.classList.remove("offline");
    render();
  });
  es.addEventListener("error", () => document.body.classList.add("offline"));
}

start();
