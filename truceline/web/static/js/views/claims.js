// Claims and contradictions: both sides side by side, with sources and independence.
import { all, documents, get } from "../api.js";
import { actors, actorText, badge, empty, evidenceList, h, plural, section, quoted } from "../dom.js";
import { reviewPanel } from "./review.js";

export async function render(el, { params }) {
  const incidentId = params.get("incident");
  const focus = params.get("contradiction");
  const [docs, contradictions, claims, incidents] = await Promise.all([
    documents(), all("/contradictions"), all("/claims"), all("/incidents"),
  ]);
  const incById = new Map(incidents.map((i) => [i.id, i]));

  el.append(h("h1", "Claims and contradictions"),
    h("p.lede", "Accounts that cannot all be true, each side with who says it and where; then every claim, with " +
      "how many independent sources stand behind its incident (copies of one report or one speaker count once)."));

  if (incidentId) {
    const inc = await get(`/incidents/${encodeURIComponent(incidentId)}`);
    el.append(incidentCard(inc, docs));
  }

  el.append(h("h2.sec", `Contradictions (${contradictions.length})`));
  if (!contradictions.length) el.append(empty("No contradiction found."));
  for (const c of contradictions) {
    const inc = c.incident_id ? incById.get(c.incident_id) : null;
    el.append(h(`article.card.contradiction${c.id === focus ? ".focus" : ""}`, { id: `con-${c.id}`, dataset: { id: c.id } },
      h("header", badge(c.kind, "ck"), " ", h("h3.inline", c.subject)),
      inc ? h("p.muted", "Incident: ", h("a", { href: `#/claims?incident=${encodeURIComponent(inc.id)}` },
        `${inc.plover} ${inc.date || ""}`), ` · grade ${inc.grade || "—"} · ${plural(inc.independent_sources, "independent source")}`,
        inc.source_groups.length ? [" · groups: ", inc.source_groups.map((g, i) => [i ? " | " : "", h("code", g.join(" + "))])] : null) : null,
      h(`div.sides.n${Math.min(c.sides.length, 3)}`, c.sides.map((s, i) => h("div.side",
        h("div.side-label", `Side ${String.fromCharCode(65 + i)}`),
        h("p.side-statement", s.statement), s.value ? h("p", "Value: ", h("code", s.value)) : null,
        h("dl.facts",
          h("dt", "Claimants"), h("dd", actors(s.claimants)),
          h("dt", "Outlets"), h("dd", [...new Set(s.doc_ids.map((d) => (docs.get(d) || {}).outlet || "unknown"))].join(", ") || "—"),
          h("dt", "Documents"), h("dd", s.doc_ids.map((d, j) => [j ? ", " : "",
            h("a", { href: `#/document/${encodeURIComponent(d)}?record=${encodeURIComponent(c.id)}` }, (docs.get(d) || {}).title || d)])),
          h("dt", "Origins"), h("dd", s.origins.map((o, j) => [j ? ", " : "", h("code", o)]))),
        evidenceList(s.evidence, c.id, docs)))),
      c.reasons.length ? h("ul.reasons", c.reasons.map((r) => h("li", r))) : null));
  }

  const shown = incidentId ? claims.filter((c) => c.incident_id === incidentId) : claims;
  el.append(h("h2.sec", `Claims (${shown.length}${incidentId ? " on this incident" : ""})`));
  el.append(h("div.card.scroll", h("table.data.claims#claims-table",
    h("thead", h("tr", h("th", "Incident"), h("th", "Claimant"), h("th", "Kind"), h("th", "Stance"), h("th", "Source"),
      h("th.num", "Indep."), h("th", "Sentence"))),
    h("tbody", shown.map((c) => {
      const inc = incById.get(c.incident_id);
      const doc = docs.get(c.doc_id) || {};
      const ev = c.evidence[0];
      return h("tr", { dataset: { id: c.id } },
        h("td", inc ? h("a", { href: `#/claims?incident=${encodeURIComponent(inc.id)}` }, `${inc.plover} ${inc.date || ""}`) : "—",
          inc && inc.grade ? h("span.grade", inc.grade) : null),
        h("td", actorText(c.claimant)), h("td", badge(c.kind, "ck")), h("td", badge(c.stance)),
        h("td", c.outlet || "—", h("div.small", h("a", { href: `#/document/${encodeURIComponent(c.doc_id)}?record=${encodeURIComponent(c.id)}` },
          doc.title || c.doc_id))),
        h("td.num", inc ? String(inc.independent_sources) : "—"),
        h("td", ev ? h("a.ev-link", { href: `#/document/${encodeURIComponent(ev.span.doc_id)}?record=${encodeURIComponent(c.id)}&start=${ev.span.start}&end=${ev.span.end}` },
          quoted(ev.span.text)) : "—"));
    })))));
}

function incidentCard(inc, docs) {
  return section(`Incident ${inc.id}`,
    h("p", badge(inc.plover, "k"), " ", actors(inc.source), " → ", actors(inc.target), inc.date ? ` · ${inc.date}` : "",
      inc.location ? ` · ${inc.location}` : "", " ", h("span.grade", inc.grade || "—")),
    h("dl.facts",
      h("dt", "Independent sources"), h("dd", String(inc.independent_sources)),
      h("dt", "Source groups"), h("dd", inc.source_groups.map((g, i) => [i ? " | " : "", h("code", g.join(" + "))])),
      h("dt", "Denied by"), h("dd", String(inc.denied_by)),
      h("dt", "Grade reasons"), h("dd", h("ul.reasons", inc.reasons.map((r) => h("li", r))))),
    evidenceList(inc.evidence, inc.id, docs),
    reviewPanel("incident", inc));
}

export function afterMount(el, { params }) {
  const focus = params.get("contradiction") ? `#con-${CSS.escape(params.get("contradiction"))}` : null;
  const target = focus && el.querySelector(focus);
  if (target) target.scrollIntoView({ block: "start" });
}
