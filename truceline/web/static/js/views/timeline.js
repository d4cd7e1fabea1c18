// The peace process in order, filterable by kind and date range (filters live in the URL).
import { documents, get, meta } from "../api.js";
import { badge, empty, evidenceHref, h, plural, quoted } from "../dom.js";
import { commitmentIndex, KIND_COLOURS, parseDate, recordHref, TIMELINE_KINDS } from "./common.js";

export async function render(el, { params }) {
  const kinds = params.getAll("kind").filter((k) => TIMELINE_KINDS.includes(k));
  const since = params.get("since") || "";
  const until = params.get("until") || "";
  const [m, docs, cmt, page] = await Promise.all([
    meta(), documents(), commitmentIndex(),
    get("/timeline", { kind: kinds, since, until, limit: 500 }),
  ]);
  const lines = page.items;

  el.append(h("h1", "Timeline"),
    h("p.lede", "Proposals, agreements, ceasefires, status changes, deadlines, incidents, accusations, threats and " +
      "contradictions, in date order. Each line links to its record and to the sentences it rests on."));

  // filter form: submitting rewrites the hash, the router re-renders with the new query
  const boxes = TIMELINE_KINDS.map((k) => h("label.chk", h("input", {
    type: "checkbox", name: "kind", value: k, checked: kinds.length === 0 || kinds.includes(k),
  }), h(`span.swatch.k-${k}`), k));
  const sinceIn = h("input", { type: "date", name: "since", value: since, min: "1900-01-01" });
  const untilIn = h("input", { type: "date", name: "until", value: until });
  const form = h("form.filters#timeline-filters", {
    onsubmit: (event) => {
      event.preventDefault();
      const q = new URLSearchParams();
      const chosen = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      if (chosen.length && chosen.length < TIMELINE_KINDS.length) chosen.forEach((k) => q.append("kind", k));
      if (sinceIn.value) q.set("since", sinceIn.value);
      if (untilIn.value) q.set("until", untilIn.value);
      window.location.hash = `#/timeline${q.toString() ? "?" + q : ""}`;
    },
  },
  h("fieldset", h("legend", "Kinds"), h("div.chks", boxes)),
  h("fieldset", h("legend", "Dates"), h("label", "From ", sinceIn), h("label", " to ", untilIn),
    m.date_range ? h("span.muted", ` (corpus: ${m.date_range[0]} – ${m.date_range[1]})`) : null),
  h("div.actions", h("button.primary", { type: "submit" }, "Apply"),
    h("a.button", { href: "#/timeline" }, "Reset")));
  el.append(h("section.card", form));

  el.append(h("p.count#timeline-count", `${plural(page.total, "line")}` +
    (kinds.length || since || until ? " match the filter" : "")));

  if (!lines.length) {
    el.append(empty("No timeline line matches this filter."));
    return;
  }
  el.append(chart(lines, m));

  el.append(h("ol.timeline#timeline-list", lines.map((line) => {
    const href = recordHref(line.record, cmt);
    const ev = line.evidence && line.evidence[0];
    return h(`li.tl-line.k-${line.kind}`, { dataset: { kind: line.kind, date: line.date || "" } },
      h("div.tl-date", line.date || "undated"),
      h("div.tl-body",
        h("div.tl-head", badge(line.kind, "k"), " ",
          href ? h("a.tl-title", { href }, line.title) : h("span.tl-title", line.title),
          line.status ? [" ", badge(line.status)] : null,
          line.grade ? h("span.grade", { title: "Admiralty grade: source reliability A–F × credibility 1–6" }, line.grade) : null),
        ev ? h("a.tl-ev", { href: evidenceHref(ev.span, line.record.split(":").slice(1).join(":")) }, quoted(ev.span.text)) : null,
        h("div.tl-src.muted", line.sources.length ? `Sources: ${line.sources.join(", ")}` : "No outlet recorded",
          line.doc_ids.length ? ` · ${plural(line.doc_ids.length, "document")}` : "",
          line.doc_ids.length ? [" (", line.doc_ids.map((d, i) => [i ? ", " : "",
            h("a", { href: `#/document/${encodeURIComponent(d)}` }, (docs.get(d) || {}).title || d)]), ")"] : null)));
  })));
}

/** A strip chart of the dated lines (d3), over the corpus's months; lines far outside are counted, not drawn. */
function chart(lines, m) {
  const d3 = window.d3;
  const wrap = h("figure.card.chart#timeline-chart");
  if (!d3) return wrap;
  const dated = lines.map((l) => ({ line: l, date: parseDate(l.date) })).filter((x) => x.date);
  if (!dated.length) return wrap;
  // the chart spans the dated lines near the corpus's own dates (a 1992 background line would squash it)
  let near = dated;
  if (m.date_range) {
    const a = parseDate(m.date_range[0]), b = parseDate(m.date_range[1]), pad = 60 * 86400000;
    near = dated.filter((x) => +x.date >= +a - pad && +x.date <= +b + pad);
  }
  if (!near.length) near = dated;
  let lo = d3.min(near, (x) => x.date), hi = d3.max(near, (x) => x.date);
  lo = new Date(+lo - 3 * 86400000);
  hi = new Date(+hi + 3 * 86400000);
  const shown = dated.filter((x) => x.date >= lo && x.date <= hi);
  const width = 960, rowH = 16, kinds = [...new Set(shown.map((x) => x.line.kind))];
  const height = 36 + kinds.length * rowH;
  const x = d3.scaleUtc().domain([lo, hi]).range([110, width - 40]);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("class", "tl-chart")
    .attr("role", "img").attr("aria-label", "Timeline lines by date and kind");
  svg.append("g").attr("transform", `translate(0,${height - 22})`).call(d3.axisBottom(x).ticks(8));
  kinds.forEach((k, i) => {
    svg.append("text").attr("x", 104).attr("y", 14 + i * rowH).attr("text-anchor", "end").attr("class", "tl-kind").text(k);
  });
  svg.append("g").selectAll("circle").data(shown).join("circle")
    .attr("cx", (d) => x(d.date)).attr("cy", (d) => 10 + kinds.indexOf(d.line.kind) * rowH).attr("r", 5)
    .attr("fill", (d) => KIND_COLOURS[d.line.kind] || "#555").attr("fill-opacity", 0.75)
    .append("title").text((d) => `${d.line.date} — ${d.line.title}`);
  wrap.append(svg.node());
  const outside = lines.length - shown.length;
  if (outside) wrap.append(h("figcaption.muted", `${plural(outside, "line")} undated or far outside the corpus's dates — listed below, not drawn.`));
  return wrap;
}
