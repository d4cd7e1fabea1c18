// DOM helpers. Every string goes in as text (textContent / createTextNode), never as markup:
// article text, titles and actor names come from documents nobody here controls.

/** h("a.cls#id", {href, onclick, dataset, ...}, child, "text", [children]) -> Element */
export function h(tag, attrs, ...children) {
  const [name, ...rest] = tag.split(/(?=[.#])/);
  const el = name === "svg" || SVG_TAGS.has(name)
    ? document.createElementNS("http://www.w3.org/2000/svg", name)
    : document.createElement(name || "div");
  for (const part of rest) {
    if (part[0] === ".") el.classList.add(part.slice(1));
    else if (part[0] === "#") el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "style" || key === "innerHTML" || key === "outerHTML") {
      throw new Error(`h(): ${key} is not allowed (CSP, and text only)`);
    }
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "class") for (const c of String(value).split(/\s+/).filter(Boolean)) el.classList.add(c);
    else if (key === "text") el.textContent = String(value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

const SVG_TAGS = new Set(["g", "path", "circle", "line", "text", "rect", "title", "defs", "marker", "tspan"]);

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A status pill: its class names the status, so the colours live in app.css. */
export function badge(value, prefix = "st") {
  if (value === null || value === undefined || value === "") return h("span.badge.st-none", "—");
  const slug = String(value).toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return h(`span.badge.${prefix}-${slug}`, String(value).replace(/_/g, " "));
}

export function actorText(ref) {
  if (!ref) return "—";
  return ref.code ? `${ref.text} [${ref.code}]` : ref.text;
}

export function actors(refs) {
  return refs && refs.length ? refs.map(actorText).join(", ") : "—";
}

export function section(title, ...children) {
  return h("section.card", h("h2", title), ...children);
}

export function empty(message) {
  return h("p.empty", message);
}

/** A link to the document view with this evidence span selected. */
export function evidenceHref(span, record) {
  const params = new URLSearchParams();
  if (record) params.set("record", record);
  params.set("start", span.start);
  params.set("end", span.end);
  return `#/document/${encodeURIComponent(span.doc_id)}?${params}`;
}

/** The evidence sentences of a record, each linking to the document view with it highlighted. */
export function evidenceList(evidence, record, docs) {
  if (!evidence || !evidence.length) return empty("No evidence span.");
  return h("ul.evidence", evidence.map((ev) => {
    const doc = docs && docs.get(ev.span.doc_id);
    return h("li",
      h("a.ev-link", { href: evidenceHref(ev.span, record), title: "Open the document with this sentence highlighted" },
        quoted(ev.span.text)),
      h("span.ev-src", " — ", doc ? `${doc.outlet || "unknown outlet"}, “${doc.title || doc.id}”` : ev.span.doc_id,
        ev.role && ev.role !== "support" ? ` (${ev.role}${ev.note ? ": " + ev.note : ""})` : ""));
  }));
}

export function dayDiff(a, b) {
  // whole days from ISO date a to ISO date b (b - a)
  const pa = Date.parse(a.slice(0, 10)), pb = Date.parse(b.slice(0, 10));
  if (Number.isNaN(pa) || Number.isNaN(pb)) return null;
  return Math.round((pb - pa) / 86400000);
}

export function plural(n, word, many) {
  return `${n} ${n === 1 ? word : many || word + "s"}`;
}

/** A sentence in quotation marks, unless it already starts with one. */
export function quoted(text) {
  const t = String(text ?? "");
  return /^[“"‘'«]/.test(t) ? t : `“${t}”`;
}
