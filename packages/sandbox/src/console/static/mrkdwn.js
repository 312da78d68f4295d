// Slack mrkdwn to DOM nodes. Every piece of message text ends up in a text node (never parsed as HTML):
// what the bot escaped (&lt; &gt; &amp;) is shown as the characters, and a typed "<!channel>" stays text.

import { emojify } from "./emoji.js";

const decode = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** `<...>` entities: mentions, channels, user groups, dates, links. */
function entity(body, names) {
  const span = (cls, text) => {
    const e = document.createElement("span");
    e.className = cls;
    e.textContent = text;
    return e;
  };
  let m = /^@([UW][A-Z0-9]+)(?:\|(.*))?$/.exec(body);
  if (m) return span("mention", `@${names.users?.[m[1]] ?? m[2] ?? m[1]}`);
  m = /^#([CG][A-Z0-9]+)(?:\|(.*))?$/.exec(body);
  if (m) return span("mention", `#${m[2] || "migrations"}`);
  m = /^!subteam\^([A-Z0-9]+)(?:\|(.*))?$/.exec(body);
  if (m) return span("mention", m[2] ? decode(m[2]).replace(/^@?/, "@") : `@${names.groups?.[m[1]] ?? m[1]}`);
  m = /^!date\^(\d+)\^[^|]*(?:\|(.*))?$/.exec(body);
  if (m) return span("date", new Date(Number(m[1]) * 1000).toLocaleString());
  m = /^!(here|channel|everyone)(?:\|.*)?$/.exec(body);
  if (m) return span("mention", `@${m[1]}`);
  m = /^((?:https?|mailto):[^|]+)(?:\|(.*))?$/.exec(body);
  if (m) {
    const a = document.createElement("a");
    a.href = decode(m[1]);
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    a.textContent = decode(m[2] ?? m[1]);
    return a;
  }
  return document.createTextNode(decode(`<${body}>`));
}

const INLINE = /(`[^`\n]+`)|(<[^<>\n]+>)|(\*[^*\n]+\*)|(_[^_\n]+_)|(~[^~\n]+~)/g;

function inline(text, names, parent) {
  let at = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > at) parent.append(emojify(decode(text.slice(at, m.index))));
    const tok = m[0];
    const inner = tok.slice(1, -1);
    if (m[1]) {
      const c = document.createElement("code");
      c.textContent = decode(inner);
      parent.append(c);
    } else if (m[2]) parent.append(entity(inner, names));
    else {
      const tag = m[3] ? "strong" : m[4] ? "em" : "s";
      const e = document.createElement(tag);
      inline(inner, names, e);
      parent.append(e);
    }
    at = m.index + tok.length;
  }
  if (at < text.length) parent.append(emojify(decode(text.slice(at))));
}

/** Renders mrkdwn into `parent`: code blocks, quotes, line breaks, then inline formatting. */
export function renderMrkdwn(text, names, parent) {
  const parts = text.split("```");
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      const pre = document.createElement("pre");
      pre.textContent = decode(part.replace(/^\n/, ""));
      parent.append(pre);
      return;
    }
    // Emoji first: their names hold "_", which would otherwise read as italics.
    const lines = emojify(part).split("\n");
    lines.forEach((line, j) => {
      if (line.startsWith("&gt; ") || line === "&gt;") {
        const q = document.createElement("blockquote");
        inline(line.replace(/^&gt; ?/, ""), names, q);
        parent.append(q);
        return;
      }
      inline(line, names, parent);
      if (j < lines.length - 1) parent.append(document.createElement("br"));
    });
  });
}

/** A Block Kit text object (plain_text or mrkdwn) into `parent`. */
export function renderText(obj, names, parent) {
  if (!obj || typeof obj.text !== "string") return;
  if (obj.type === "mrkdwn") renderMrkdwn(obj.text, names, parent);
  else parent.append(obj.emoji === false ? obj.text : emojify(obj.text));
}
