// Overview: what the corpus holds, and what needs attention now.
import { all, documents, meta } from "../api.js";
import { actors, badge, empty, h, plural, section } from "../dom.js";
import { countdown } from "./agreements.js";

export async function render(el) {
  const [m, docs, agreements, commitments, contradictions] = await Promise.all([
    meta(), documents(), all("/agreements"), all("/commitments"), all("/contradictions"),
  ]);
  const outlets = new Set([...docs.values()].map((d) => d.outlet || "unknown outlet"));
  const att = m.attention || {};
  const agrById = new Map(agreements.map((a) => [a.id, a]));
  const cmtById = new Map(commitments.map((c) => [c.id, c]));
  const conById = new Map(contradictions.map((c) => [c.id, c]));

  el.append(h("h1", "Overview"),
    h("p.lede", `A verifiable record of the peace process, built from ${plural(m.documents, "document")} from `,
      `${plural(outlets.size, "outlet")}`, m.date_range ? `, published ${m.date_range[0]} to ${m.date_range[1]}.` : "."));
  if (m.verification_stale) {
    // an ingest with --no-verify (or one that stopped): the incidents, claims, agreements below predate some documents
    el.append(h("p.stale-banner", { role: "status" }, "Documents have changed since the incidents, claims, agreements ",
      "and conditions were built; they do not yet reflect every document. Run ", h("code", "truceline verify"), "."));
  }

  const stats = [
    ["Documents", m.documents, "#/documents"], ["Outlets", m.outlets, "#/documents"], ["Events", m.events, "#/network"],
    ["Incidents", m.incidents, "#/map"], ["Claims", m.claims, "#/claims"], ["Contradictions", m.contradictions, "#/claims"],
    ["Agreements", m.agreements, "#/agreements"], ["Commitments", m.commitments, "#/agreements"],
  ];
  el.append(h("div.stats", stats.map(([label, n, href]) =>
    h("a.stat", { href }, h("span.stat-n", String(n ?? 0)), h("span.stat-l", label)))));

  // what needs attention
  const items = [];
  for (const id of att.overdue_commitments || []) {
    const c = cmtById.get(id);
    items.push(h("li.att.att-overdue", badge("overdue"), " ",
      h("a", { href: `#/agreement/${encodeURIComponent(c ? c.agreement_id : "")}` }, c ? c.action : id),
      c && c.deadline ? h("span.muted", ` — was due ${c.deadline}`) : null));
  }
  for (const id of att.breached_commitments || []) {
    const c = cmtById.get(id);
    items.push(h("li.att.att-breached", badge("breached"), " ",
      h("a", { href: `#/agreement/${encodeURIComponent(c ? c.agreement_id : "")}` }, c ? c.action : id),
      c ? h("span.muted", ` — ${actors(c.obligors)}`) : null));
  }
  for (const id of att.breached_agreements || []) {
    const a = agrById.get(id);
    items.push(h("li.att.att-breached", badge("breached"), " ",
      h("a", { href: `#/agreement/${encodeURIComponent(id)}` }, a ? a.title || a.kind : id),
      a ? h("span.muted", ` — reported violated; status now ${a.status.replace(/_/g, " ")}`) : null));
  }
  for (const id of att.contradictions || []) {
    const c = conById.get(id);
    items.push(h("li.att.att-contradiction", badge(c ? c.kind : "contradiction", "ck"), " ",
      h("a", { href: `#/claims?contradiction=${encodeURIComponent(id)}` }, c ? c.subject : id),
      c ? h("span.muted", ` — ${plural(c.sides.length, "side")}`) : null));
  }
  el.append(section("Needs attention",
    items.length ? h("ul.attention", items) : empty("Nothing overdue, breached or contradicted.")));

  // upcoming deadlines
  const upcoming = commitments.filter((c) => c.deadline && c.status === "pending")
    .sort((a, b) => a.deadline.localeCompare(b.deadline));
  el.append(section("Upcoming deadlines", upcoming.length
    ? h("ul.plain", upcoming.map((c) => h("li", h("strong", c.deadline), " ",
      h("a", { href: `#/agreement/${encodeURIComponent(c.agreement_id)}?commitment=${encodeURIComponent(c.id)}` }, c.action),
      h("span.muted", ` — ${actors(c.obligors)} `), countdown(c, m.as_of))))
    : empty("No pending commitment has a deadline.")));

  // corpus by outlet
  const byOutlet = new Map();
  for (const d of docs.values()) {
    const key = d.outlet || "unknown outlet";
    if (!byOutlet.has(key)) byOutlet.set(key, []);
    byOutlet.get(key).push(d);
  }
  el.append(section("Corpus",
    h("table.data", h("thead", h("tr", h("th", "Outlet"), h("th", "Document"), h("th", "Published"), h("th.num", "Events"))),
      h("tbody", [...byOutlet.entries()].sort().flatMap(([outlet, list]) => list.map((d, i) =>
        h("tr", h("td", i === 0 ? outlet : ""),
          h("td", h("a", { href: `#/document/${encodeURIComponent(d.id)}` }, d.title || d.id)),
          h("td", d.published || "undated", d.published_source === "estimated" ? h("span.muted", " (estimated)") : null),
          h("td.num", String(d.events))))))),
    h("p.muted", `Schema ${m.schema_version}. Deadlines and countdowns are reckoned from the corpus's as-of date, ${m.as_of || "unknown"}.`)));
}
