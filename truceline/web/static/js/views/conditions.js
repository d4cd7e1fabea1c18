// Conditions & red lines: conditional obligations, threats, red lines and plan triggers, each with its
// trigger watch (status badge, who claims it was met, the incidents and reports that meet or nearly meet
// it, whether the consequence followed) and every sentence linked to the document view, highlighted.
import { all, documents, get } from "../api.js";
import { actors, append, badge, clear, empty, evidenceList, h, plural, section } from "../dom.js";
import { reviewPanel } from "./review.js";

const STATUS_ORDER = ["triggered", "claimed_triggered", "nearly_met", "not_triggered"];
const KINDS = ["obligation", "threat", "red_line", "plan_trigger", "guarantee"];

/** "if ASSAULT crosses border of IRN then AID": the two event patterns in words. */
export function patternLine(c) {
  const p = c.condition, q = c.consequence;
  const where = p.relation && p.territory.length ? ` ${p.relation.replace(/_/g, " ")} ${p.territory.join(", ")}` : "";
  const against = p.target.length ? ` against ${actors(p.target)}` : "";
  return `if ${p.plover.join("/") || "act"}${where}${against} then ${q.plover.join("/") || "?"}`;
}

function statusOf(c) {
  return (c.watch && c.watch.status) || "not_triggered";
}

export async function render(el, { params }) {
  const [items, docs] = await Promise.all([all("/conditions"), documents()]);
  const wanted = params.get("status");
  el.append(h("h1", "Conditions & red lines"),
    h("p.lede", `${plural(items.length, "condition")}: what each party is bound or has threatened to do if something ` +
      "happens, and whether it has. A condition is triggered only when independent sources, not all of one side, " +
      "report an incident that meets it; one side's word alone makes it claimed."));
  if (!items.length) {
    el.append(empty("No conditional obligation, threat, red line or plan trigger found in this corpus."));
    return;
  }
  const counts = {};
  for (const c of items) counts[statusOf(c)] = (counts[statusOf(c)] || 0) + 1;
  const list = h("div.conditions#condition-list");
  const form = h("form.filters.inline#condition-filters",
    h("fieldset", h("legend", "Status"), h("div.chks", STATUS_ORDER.map((s) => h("label.chk",
      h("input", { type: "checkbox", name: "status", value: s, checked: !wanted || wanted === s, onchange: draw }),
      badge(s), ` ${counts[s] || 0}`)))),
    h("fieldset", h("legend", "Kind"), h("select", { name: "kind", onchange: draw },
      h("option", { value: "" }, "every kind"), KINDS.map((k) => h("option", { value: k }, k.replace(/_/g, " "))))));
  el.append(form, list);

  function draw() {
    const on = new Set([...form.querySelectorAll("input[name=status]:checked")].map((x) => x.value));
    const kind = form.querySelector("select[name=kind]").value;
    const shown = items.filter((c) => on.has(statusOf(c)) && (!kind || c.kind === kind))
      .sort((a, b) => STATUS_ORDER.indexOf(statusOf(a)) - STATUS_ORDER.indexOf(statusOf(b))
        || String(a.date || "").localeCompare(String(b.date || "")));
    append(clear(list), [shown.length ? shown.map((c) => card(c, docs)) : empty("No condition with these filters.")]);
  }
  draw();
}

function card(c, docs) {
  const w = c.watch || { matches: [], claimants: [], consequence_followed: "unknown" };
  const met = w.matches.filter((m) => m.verdict === "meets");
  const near = w.matches.filter((m) => m.verdict === "nearly_meets");
  return h(`article.cond.card.cs-${statusOf(c).replace(/_/g, "-")}`, { dataset: { id: c.id, status: statusOf(c) } },
    h("header.agr-head", badge(c.kind, "kind"), " ", h("span.watch-status", badge(statusOf(c), "ws")),
      c.source === "analyst" ? [" ", h("span.badge.st-none", "added by analyst")] : null),
    h("h3", h("a.cond-link", { href: `#/condition/${encodeURIComponent(c.id)}` }, `${actors(c.bound)}: ${patternLine(c)}`)),
    h("dl.facts",
      h("dt", "Basis"), h("dd", c.basis ? `${c.basis.kind.replace(/_/g, " ")}: ${c.basis.name || ""}` : "—"),
      c.beneficiary.length ? [h("dt", "For"), h("dd", actors(c.beneficiary))] : null,
      h("dt", "Stated"), h("dd", c.date || "—"),
      statusOf(c) === "claimed_triggered" ? [h("dt", "Claimed by"), h("dd.claimants", actors(w.claimants))] : null,
      h("dt", "Watch"), h("dd", `${plural(met.length, "incident or report")} meet it, ${near.length} nearly`),
      h("dt", "Consequence"), h("dd", badge(w.consequence_followed, "cf"))),
    evidenceList(c.evidence.slice(0, 2), c.id, docs));
}

export async function renderOne(el, { id }) {
  const [docs, c] = await Promise.all([documents(), get(`/conditions/${encodeURIComponent(id)}`)]);
  const w = c.watch || { matches: [], claimants: [], reasons: [], consequence_followed: "unknown" };
  el.append(h("p.crumbs", h("a", { href: "#/conditions" }, "Conditions & red lines"), " › ", c.kind.replace(/_/g, " ")));
  el.append(h("h1", `${actors(c.bound)}: ${patternLine(c)}`),
    h("p.agr-status", badge(c.kind, "kind"), " ", h("span.watch-status", badge(statusOf(c), "ws")),
      statusOf(c) === "claimed_triggered" ? h("span.muted", ` claimed by ${actors(w.claimants)}`) : null));
  el.append(section("The condition", h("dl.facts",
    h("dt", "Bound"), h("dd", actors(c.bound)),
    h("dt", "For"), h("dd", actors(c.beneficiary)),
    h("dt", "If"), h("dd", c.condition.text || patternLine(c)),
    h("dt", "Then"), h("dd", c.consequence.text || c.consequence.plover.join("/")),
    h("dt", "Basis"), h("dd", c.basis ? `${c.basis.kind.replace(/_/g, " ")}: ${c.basis.name || ""}${c.basis.date ? ` (${c.basis.date})` : ""}` : "—",
      c.basis && c.basis.citation ? h("div.muted.small", c.basis.citation) : null),
    h("dt", "Stated"), h("dd", c.date || "—")),
    evidenceList(c.evidence, c.id, docs),
    c.basis && c.basis.evidence.length ? [h("h3", "Basis"), evidenceList(c.basis.evidence, c.id, docs)] : null));
  el.append(section(`Trigger watch (${w.matches.length})`, w.matches.length
    ? h("ol.matches#matches", w.matches.map((m) => h(`li.match.mv-${m.verdict.replace(/_/g, "-")}`,
      h("div", badge(m.verdict, "mv"), " ", h("strong", m.plover || ""), ` ${m.date || "undated"}`,
        m.location ? ` · ${m.location}` : "", m.incident_id ? [" · ", h("a", { href: `#/claims?incident=${encodeURIComponent(m.incident_id)}` }, "incident")] : " · report"),
      h("p.small", m.why.join("; ")),
      h("p.small.muted", `${plural(m.independent_sources, "independent source")}`,
        m.sides.length ? `, from ${m.sides.join(", ")}` : "", m.corroborated ? ", corroborated" : ", not corroborated",
        ` · claimed by ${actors(m.claimants)}`),
      evidenceList(m.evidence, c.id, docs))))
    : empty("Nothing has met or nearly met this condition.")));
  el.append(section("Consequence", h("p", "Followed: ", badge(w.consequence_followed, "cf"),
    w.consequence_incident_id ? [" · ", h("a", { href: `#/claims?incident=${encodeURIComponent(w.consequence_incident_id)}` }, "the incident")] : null),
  w.evidence && w.evidence.length ? evidenceList(w.evidence, c.id, docs) : null,
  h("ul.small.muted", (w.reasons || []).map((r) => h("li", r)))));
  el.append(h("div.review-slot", reviewPanel("condition", c)));
}
