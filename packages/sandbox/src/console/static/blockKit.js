// Block Kit as Slack draws it in a channel: header, section (text, fields, accessory), context, divider,
// actions (buttons with their style and confirm dialog), image. Unknown blocks show their type.
import { renderText } from "./mrkdwn.js";

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== undefined && c !== null) e.append(c);
  return e;
}

function button(elm, ctx) {
  const b = el("button", {
    type: "button",
    class: `bk-button${elm.style ? ` ${elm.style}` : ""}`,
    "data-action-id": elm.action_id,
  });
  renderText(elm.text, ctx.names, b);
  if (elm.url) {
    b.addEventListener("click", () => window.open(elm.url, "_blank", "noopener"));
    return b;
  }
  b.addEventListener("click", () => ctx.onButton(elm, ctx.block));
  return b;
}

function element(elm, ctx) {
  switch (elm.type) {
    case "button":
      return button(elm, ctx);
    case "image":
      return el("span", { class: "bk-image-alt" }, elm.alt_text ?? "");
    case "mrkdwn":
    case "plain_text": {
      const s = el("span");
      renderText(elm, ctx.names, s);
      return s;
    }
    default:
      return el("span", { class: "bk-unsupported" }, `(${elm.type})`);
  }
}

function block(b, ctx) {
  const c = { ...ctx, block: b };
  switch (b.type) {
    case "header": {
      const h = el("div", { class: "bk-header", role: "heading", "aria-level": "3" });
      renderText(b.text, ctx.names, h);
      return h;
    }
    case "section": {
      const s = el("div", { class: "bk-section" });
      const body = el("div", { class: "bk-section-body" });
      if (b.text) {
        const t = el("div", { class: "bk-text" });
        renderText(b.text, ctx.names, t);
        body.append(t);
      }
      if (Array.isArray(b.fields)) {
        const f = el("div", { class: "bk-fields" });
        for (const field of b.fields) {
          const cell = el("div", { class: "bk-field" });
          renderText(field, ctx.names, cell);
          f.append(cell);
        }
        body.append(f);
      }
      s.append(body);
      if (b.accessory) s.append(el("div", { class: "bk-accessory" }, element(b.accessory, c)));
      return s;
    }
    case "context":
      return el("div", { class: "bk-context" }, ...(b.elements ?? []).map((e) => element(e, c)));
    case "divider":
      return el("hr", { class: "bk-divider" });
    case "actions":
      return el(
        "div",
        { class: "bk-actions", "data-block-id": b.block_id },
        ...(b.elements ?? []).map((e) => element(e, c)),
      );
    case "image":
      return el("div", { class: "bk-image-alt" }, b.alt_text ?? "");
    default:
      return el("div", { class: "bk-unsupported" }, `(${b.type} block)`);
  }
}

/** A message's blocks (or its text when it has none). `ctx`: { names, onButton(element, block) }. */
export function renderBlocks(blocks, fallback, ctx) {
  const box = el("div", { class: "bk" });
  if (!Array.isArray(blocks) || blocks.length === 0) {
    box.append(block({ type: "section", text: { type: "mrkdwn", text: fallback ?? "" } }, ctx));
    return box;
  }
  for (const b of blocks) box.append(block(b, ctx));
  return box;
}
