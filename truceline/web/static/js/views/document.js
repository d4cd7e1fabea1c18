// Document view: the clean text with every extracted span highlighted by kind, each linked to what it supports.
// ?record=<id> selects a record (highlighted, scrolled to, shown in the side panel); ?start=&end= an evidence span.
// The article text is only ever inserted with createTextNode (through h()), never parsed as markup.
import { get } from "../api.js";
import { actors, actorText, badge, clear, empty, h, plural } from "../dom.js";
import { REVIEW_KINDS, reviewPanel } from "./review.js";

// sentence-level kinds paint the background, token-level kinds underline; earlier wins
const BACKGROUND = ["contradictions", "conditions", "agreements", "quotes", "events", "claims", "incidents"];
const UNDERLINE = ["timex", "places", "mentions"];
const ALL_KINDS = [...BACKGROUND, ...UNDERLINE];
const LABELS = { mentions: "actor mentions", quotes: "quotes", timex: "dates (TIMEX3)", places: "places", events: "events",
  claims: "claims", incidents: "incidents", contradictions: "contradictions", agreements: "agreements & commitments",
  conditions: "conditions & red lines" };
const SINGULAR = { mentions: "mention", quotes: "quote", timex: "timex", places: "place", events: "event", claims: "claim",
  incidents: "incident", contradictions: "contradiction", agreements: "agreement", commitments: "commitment",
  conditions: "condition" };

export async function render(el, { id, params }) {
  const doc = await get(`/documents/${encodeURIComponent(id)}`);
  const selected = params.get("record");
  const start = params.has("start") ? Number(params.get("start")) : null;
  const end = params.has("end") ? Number(params.get("end")) : null;
  const focus = Number.isInteger(start) && Number.isInteger(end) && end > start ? [start, end] : null;
  const index = indexRecords(doc);
  const actorsById = new Map(doc.actors.map((a) => [a.id, a]));
  const active = new Set(ALL_KINDS);

  el.append(h("p.crumbs", h("a", { href: "#/documents" }, "Documents"), " › ", doc.outlet || "unknown outlet"));
  el.append(h("h1.doc-title", doc.title || doc.id));
  el.append(h("p.doc-meta", [doc.outlet || "unknown outlet", doc.author ? `by ${doc.author}` : null,
    doc.published ? `published ${doc.published}${doc.published_source === "estimated" ? " (estimated)" : ""}` : "undated",
    doc.language, doc.url].filter(Boolean).join(" · ")));

  const counts = {};
  for (const hl of doc.highlights) counts[hl.kind] = (counts[hl.kind] || 0) + 1;
  const legend = h("div.legend.doc-legend#doc-legend", ALL_KINDS.filter((k) => counts[k]).map((k) => h("label.chk",
    h("input", { type: "checkbox", checked: true, value: k, onchange: (e) => {
      if (e.target.checked) active.add(k); else active.delete(k);
      paint();
    } }), h(`span.swatch.sw-${k}`), `${LABELS[k]} (${counts[k]})`)));
  el.append(legend);

  const text = h("div.doctext#doctext", { lang: doc.language || "en" });
  const panel = h("aside.docpanel#docpanel");
  el.append(h("div.docgrid", h("article.card.docbody", text), panel));

  function paint() {
    renderText(text, doc.text, doc.highlights.filter((x) => active.has(x.kind)), selected, focus, (records) => {
      showPanel(panel, records, index, actorsById, doc);
    });
  }
  paint();

  if (selected || focus) {
    const covering = selected ? [selected] : doc.highlights.filter((x) => x.start <= focus[0] && x.end >= focus[1]).map((x) => x.record);
    showPanel(panel, [...new Set(covering)], index, actorsById, doc, focus ? doc.text.slice(focus[0], focus[1]) : null);
  } else {
    showPanel(panel, [], index, actorsById, doc);
  }
}

export function afterMount(el) {
  const target = el.querySelector(".hl.focus") || el.querySelector(".hl.sel");
  if (target) target.scrollIntoView({ block: "center" });
}

/** id -> {kind, record, parent} for every record of the document (commitments under their agreement). */
function indexRecords(doc) {
  const index = new Map();
  for (const kind of ALL_KINDS) {
    for (const rec of doc[kind] || []) {
      index.set(rec.id, { kind, record: rec });
      for (const c of rec.commitments || []) index.set(c.id, { kind: "commitments", record: c, parent: rec });
    }
  }
  return index;
}

/** Split the text at every highlight boundary; each piece carries the kinds and records covering it. */
export function segments(length, highlights, focus) {
  const cuts = new Set([0, length]);
  for (const x of highlights) { cuts.add(Math.max(0, Math.min(length, x.start))); cuts.add(Math.max(0, Math.min(length, x.end))); }
  if (focus) { cuts.add(focus[0]); cuts.add(focus[1]); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const over = highlights.filter((x) => x.start <= a && x.end >= b);
    out.push({ start: a, end: b, over, focus: !!focus && a >= focus[0] && b <= focus[1] });
  }
  return out;
}

function renderText(el, text, highlights, selected, focus, onPick) {
  clear(el);
  for (const seg of segments(text.length, highlights, focus)) {
    const piece = text.slice(seg.start, seg.end);
    if (!seg.over.length && !seg.focus) {
      el.appendChild(document.createTextNode(piece));
      continue;
    }
    const kinds = new Set(seg.over.map((x) => x.kind));
    const bg = BACKGROUND.find((k) => kinds.has(k));
    const ul = UNDERLINE.find((k) => kinds.has(k));
    const records = [...new Set(seg.over.map((x) => x.record))];
    const span = h("span.hl", {
      class: [bg ? `bg-${bg}` : "", ul ? `ul-${ul}` : "", selected && records.includes(selected) ? "sel" : "",
        seg.focus ? "focus" : ""].join(" "),
      dataset: { kinds: [...kinds].join(" "), records: records.join(" "), start: seg.start, end: seg.end },
      title: [...kinds].map((k) => SINGULAR[k]).join(", "),
      tabindex: records.length ? "0" : null,
    }, piece);
    if (records.length) {
      span.addEventListener("click", () => onPick(records));
      span.addEventListener("keydown", (e) => { if (e.key === "Enter") onPick(records); });
    }
    el.appendChild(span);
  }
}

function showPanel(panel, ids, index, actorsById, doc, focusText) {
  clear(panel);
  panel.append(h("h2", "Selected"));
  if (focusText) panel.append(h("p.focus-text#focus-text", h("strong", "Evidence: "), focusText));
  if (!ids.length) {
    panel.append(empty("Click a highlighted passage to see the records it supports."));
    panel.append(summary(doc));
    return;
  }
  const slot = h("div.review-slot");
  const openReview = (entry) => {
    clear(slot).append(reviewPanel(SINGULAR[entry.kind], entry.record));
  };
  for (const rid of ids) {
    const entry = index.get(rid);
    if (!entry) {
      panel.append(h("div.rec", h("p.muted", `Record ${rid} is not part of this document.`)));
      continue;
    }
    const card = recordCard(entry, actorsById, doc);
    if (REVIEW_KINDS.includes(SINGULAR[entry.kind])) {
      card.append(h("button.small.review-open", { type: "button", onclick: () => openReview(entry) }, "Review"));
    }
    panel.append(card);
  }
  const reviewable = ids.map((r) => index.get(r)).filter((e) => e && REVIEW_KINDS.includes(SINGULAR[e.kind]));
  if (reviewable.length) openReview(reviewable[0]);
  panel.append(slot);
}

function summary(doc) {
  return h("dl.facts.small", ALL_KINDS.filter((k) => (doc[k] || []).length).map((k) =>
    [h("dt", LABELS[k]), h("dd", String(doc[k].length))]));
}

function recordCard({ kind, record: r, parent }, actorsById, doc) {
  const head = h("div.rec-head", badge(SINGULAR[kind], "k"), " ", h("code.small", r.id));
  const body = [];
  const link = (href, label) => h("a.rec-link", { href }, label);
  switch (kind) {
    case "mentions": {
      const a = actorsById.get(r.actor_id);
      body.push(h("p", a ? `${a.name}` : r.actor_id || "unresolved", r.code ? ` [${r.code}]` : "", h("span.muted", ` · ${r.kind}, resolved by ${r.resolved_by}`)));
      if (a && a.roles.length) body.push(h("p.small.muted", a.roles.map((x) => x.title).slice(0, 3).join("; ")));
      break;
    }
    case "quotes":
      body.push(h("p", `${r.kind} quote`, r.speaker_text ? ` by ${r.speaker_text}` : "", r.cue ? ` (cue: ${r.cue})` : ""));
      break;
    case "timex":
      body.push(h("p", `${r.type} `, h("code", r.value), r.anchor ? h("span.muted", ` from ${r.anchor}`) : null));
      for (const issue of r.issues) body.push(h("p.warn", issue));
      break;
    case "places":
      body.push(h("p", `${r.name} (${r.feature}${r.country ? ", " + r.country : ""})`,
        r.lat !== null ? h("span.muted", ` ${r.lat.toFixed(2)}, ${r.lon.toFixed(2)}`) : null), link("#/map", "On the map"));
      break;
    case "events": {
      body.push(h("p", h("strong", r.plover), r.cameo ? ` (CAMEO ${r.cameo})` : "", `: ${actors(r.source)} → ${actors(r.target)}`),
        h("p.small", badge(r.modality), r.date ? ` ${r.date}` : "", r.location ? ` · ${r.location}` : "",
          r.claimant ? ` · claimed by ${actorText(r.claimant)}` : ""));
      const inc = (doc.incidents || []).find((i) => i.event_ids.includes(r.id));
      if (inc) body.push(link(`#/claims?incident=${encodeURIComponent(inc.id)}`, `Incident ${inc.grade || ""} with ${plural(inc.independent_sources, "independent source")}`));
      break;
    }
    case "claims":
      body.push(h("p", badge(r.stance), ` ${r.kind} by ${actorText(r.claimant)}`, r.outlet ? h("span.muted", ` in ${r.outlet}`) : null));
      if (r.incident_id) body.push(link(`#/claims?incident=${encodeURIComponent(r.incident_id)}`, "Its incident and other claims"));
      break;
    case "incidents":
      body.push(h("p", h("strong", r.plover), `: ${actors(r.source)} → ${actors(r.target)}`, r.date ? ` · ${r.date}` : ""),
        h("p.small", "Grade ", h("span.grade", r.grade || "—"), ` · ${plural(r.independent_sources, "independent source")}`),
        link(`#/claims?incident=${encodeURIComponent(r.id)}`, "Claims on this incident"));
      break;
    case "contradictions":
      body.push(h("p", badge(r.kind, "ck"), ` ${r.subject}`), link(`#/claims?contradiction=${encodeURIComponent(r.id)}`, "Both sides"));
      break;
    case "agreements":
      body.push(h("p", h("strong", r.title || r.kind), " ", badge(r.status)),
        link(`#/agreement/${encodeURIComponent(r.id)}`, "Open in the agreements tracker"));
      break;
    case "conditions":
      body.push(h("p", h("strong", r.kind.replace(/_/g, " ")), ` by ${actors(r.bound)} `, badge((r.watch && r.watch.status) || "not_triggered", "ws")),
        link(`#/condition/${encodeURIComponent(r.id)}`, "Open its trigger watch"));
      break;
    case "commitments":
      body.push(h("p", `${actors(r.obligors)}: ${r.action}`), h("p.small", badge(r.status), r.deadline ? ` due ${r.deadline}` : ""),
        link(`#/agreement/${encodeURIComponent(parent.id)}?commitment=${encodeURIComponent(r.id)}`, `Commitment of “${parent.title || parent.kind}”`));
      break;
    default:
      break;
  }
  if (r.review) body.push(h("p.small.review-current", "Reviewed", r.review.verdict ? `: ${r.review.verdict}` : ""));
  return h(`div.rec.rec-${kind}`, head, body);
}
