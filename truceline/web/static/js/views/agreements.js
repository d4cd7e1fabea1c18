// Agreements tracker: every agreement with status, parties, history and commitments with deadlines.
import { all, documents, get, meta } from "../api.js";
import { actors, actorText, badge, clear, dayDiff, empty, evidenceList, h, plural, section } from "../dom.js";
import { reviewPanel } from "./review.js";

const ORDER = ["in_force", "accepted", "breached", "under_consideration", "proposed", "collapsed", "rejected"];

export async function render(el) {
  const [m, agreements] = await Promise.all([meta(), all("/agreements")]);
  el.append(h("h1", "Agreements tracker"),
    h("p.lede", `${plural(agreements.length, "agreement")}, joint statements, ceasefires and plans. Deadlines are ` +
      `counted from the corpus's as-of date, ${m.as_of || "unknown"}.`));
  if (!agreements.length) {
    el.append(empty("No agreement found in this corpus."));
    return;
  }
  agreements.sort((a, b) => (ORDER.indexOf(a.status) - ORDER.indexOf(b.status))
    || (b.commitments.length - a.commitments.length) || String(a.date || "").localeCompare(String(b.date || "")));
  el.append(h("div.agreements#agreement-list", agreements.map((a) => h(`article.agr.card.st-border-${a.status.replace(/_/g, "-")}`,
    { dataset: { id: a.id } },
    h("header.agr-head", badge(a.kind, "kind"), " ", badge(a.status), violated(a)),
    h("h3", h("a.agr-link", { href: `#/agreement/${encodeURIComponent(a.id)}` }, a.title || a.kind)),
    h("dl.facts",
      h("dt", "Parties"), h("dd", actors(a.parties)),
      a.mediators.length ? [h("dt", "Mediators"), h("dd", actors(a.mediators))] : null,
      a.proposer ? [h("dt", "Proposed by"), h("dd", actorText(a.proposer))] : null,
      h("dt", "Date"), h("dd", a.date || (a.history[0] && a.history[0].date) || "—", a.location ? `, ${a.location}` : ""),
      h("dt", "Commitments"), h("dd", commitmentSummary(a.commitments)),
      h("dt", "Sources"), h("dd", `${plural(a.independent_sources, "independent source")} · ${plural(a.doc_ids.length, "document")}`)),
  ))));
}

function violated(a) {
  return a.breached && a.status !== "breached" ? [" ", h("span.badge.st-breached", "reported violated")] : null;
}

function commitmentSummary(list) {
  if (!list.length) return "none recorded";
  const counts = {};
  for (const c of list) counts[c.status] = (counts[c.status] || 0) + 1;
  return [plural(list.length, "commitment"), " (", Object.entries(counts).map(([s, n], i) => [i ? ", " : "", `${n} `, badge(s)]), ")"];
}

/** Countdown or overdue flag for a deadline, relative to the corpus's as-of date. */
export function countdown(c, asOf) {
  if (!c.deadline) return h("span.muted", c.deadline_expression ? `“${c.deadline_expression}” (unresolved)` : "no deadline");
  const days = asOf ? dayDiff(asOf, c.deadline) : null;
  if (days === null) return h("span", c.deadline);
  if (c.status === "met") return h("span.cd.cd-met", `met (due ${c.deadline})`);
  if (days < 0) return h("span.cd.cd-overdue", `overdue by ${plural(-days, "day")}`);
  if (days === 0) return h("span.cd.cd-soon", "due today");
  return h(`span.cd.${days <= 7 ? "cd-soon" : "cd-later"}`, `due in ${plural(days, "day")}`);
}

export async function renderOne(el, { id, params }) {
  const [m, docs, a] = await Promise.all([meta(), documents(), get(`/agreements/${encodeURIComponent(id)}`)]);
  const focus = params.get("commitment");
  const focused = a.commitments.find((c) => c.id === focus);
  const reviewSlot = h("div.review-slot", focused ? reviewPanel("commitment", focused) : reviewPanel("agreement", a));
  el.append(h("p.crumbs", h("a", { href: "#/agreements" }, "Agreements"), " › ", a.kind.replace(/_/g, " ")));
  el.append(h("h1", a.title || a.kind), h("p.agr-status", badge(a.kind, "kind"), " ", badge(a.status),
    violated(a), a.breached ? h("span.muted", " some report says it was violated") : null));

  el.append(section("Parties and sources", h("dl.facts",
    h("dt", "Parties"), h("dd", actors(a.parties)),
    h("dt", "Mediators"), h("dd", actors(a.mediators)),
    h("dt", "Proposed by"), h("dd", actorText(a.proposer)),
    h("dt", "Date and place"), h("dd", a.date || "—", a.location ? `, ${a.location}` : ""),
    h("dt", "Independence"), h("dd", `${plural(a.independent_sources, "independent source")}: `,
      a.source_groups.map((g, i) => [i ? " · " : "", h("code", g.join(" + "))])),
    h("dt", "Documents"), h("dd", a.doc_ids.map((d, i) => [i ? ", " : "",
      h("a", { href: `#/document/${encodeURIComponent(d)}?record=${encodeURIComponent(a.id)}` }, (docs.get(d) || {}).title || d)])))));

  // commitments
  el.append(section(`Commitments (${a.commitments.length})`, a.commitments.length
    ? h("table.data.commitments#commitments",
      h("thead", h("tr", h("th", "Who"), h("th", "Commits to"), h("th", "For"), h("th", "Deadline"), h("th", "Countdown"),
        h("th", "Status"), h("th", "Evidence"))),
      h("tbody", a.commitments.map((c) => h(`tr.cmt${c.id === focus ? ".focus" : ""}`, { id: `c-${c.id}`, dataset: { id: c.id } },
        h("td", actors(c.obligors)),
        h("td", c.negative ? h("span.badge.neg", "must not") : null, c.negative ? " " : "", c.action),
        h("td", actors(c.recipients)),
        h("td", c.deadline || "—", c.deadline_expression ? h("div.muted.small", `“${c.deadline_expression}” from ${c.deadline_anchor || "?"}`) : null),
        h("td", countdown(c, m.as_of)),
        h("td.cmt-status", badge(c.status)),
        h("td", evidenceList(c.evidence, c.id, docs),
          h("button.small.review-open", { type: "button", dataset: { commitment: c.id }, onclick: () => {
            clear(reviewSlot).append(reviewPanel("commitment", c));
            reviewSlot.scrollIntoView({ block: "start" });
          } }, "Review this commitment"))))))
    : empty("No commitment recorded for this agreement.")));

  // status history
  el.append(section("Status history", a.history.length
    ? h("ol.history", a.history.map((s) => h("li",
      h("div", h("strong", s.date || "undated"), " ", badge(s.status), s.note ? h("span.muted", ` ${s.note}`) : null),
      evidenceList(s.evidence, a.id, docs))))
    : empty("No status change recorded.")));

  el.append(section("Evidence", evidenceList(a.evidence, a.id, docs)));

  if (a.claims && a.claims.length) {
    el.append(section("Claims about it", h("ul.plain", a.claims.map((c) => h("li", badge(c.stance), " ",
      actorText(c.claimant), h("span.muted", ` (${c.kind}, ${c.outlet || "unknown outlet"})`))))));
  }
  el.append(reviewSlot);
}

export function afterMountOne(el, { params }) {
  const focus = params.get("commitment");
  const row = focus && el.querySelector(`#c-${CSS.escape(focus)}`);
  if (row) row.scrollIntoView({ block: "center" });
}
