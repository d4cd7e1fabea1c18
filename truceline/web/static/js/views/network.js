// Actor network: a d3 force layout over /api/v1/network, edges coloured by PLOVER type.
import { get } from "../api.js";
import { empty, h, plural } from "../dom.js";

const PLOVER_COLOURS = {
  AGREE: "#1b7f5b", CONSULT: "#2a6fdb", SUPPORT: "#43a047", COOPERATE: "#00897b", AID: "#7cb342", YIELD: "#9e9d24",
  REQUEST: "#8e44ad", DEMAND: "#6a1b9a", ACCUSE: "#e67e22", REJECT: "#b7791f", THREATEN: "#c2185b",
  PROTEST: "#795548", SANCTION: "#5d4037", MOBILIZE: "#546e7a", COERCE: "#d84315", ASSAULT: "#c0392b",
};

export async function render(el) {
  const net = await get("/network");
  el.append(h("h1", "Actor network"),
    h("p.lede", `${plural(net.nodes.length, "actor")} and ${plural(net.edges.length, "relation")}: who consults, ` +
      "accuses, threatens or attacks whom, from the coded events. Drag a node to move it; hover an edge for its count."));
  if (!net.nodes.length) {
    el.append(empty("No event with both a source and a target actor."));
    return;
  }
  const types = [...new Set(net.edges.map((e) => e.plover))].sort();
  el.append(h("div.legend#network-legend", types.map((t) =>
    h("span.legend-item", h(`span.swatch.p-${t.toLowerCase()}`), t))));
  const fig = h("figure.card.chart#network");
  el.append(fig);
  draw(fig, net);
}

function draw(fig, net) {
  const d3 = window.d3;
  const width = 960, height = 620;
  const nodes = net.nodes.map((n) => ({ ...n }));
  // parallel edges between one pair get different curvatures
  const seen = new Map();
  const links = net.edges.map((e) => {
    const key = [e.source, e.target].sort().join("|");
    const k = seen.get(key) || 0;
    seen.set(key, k + 1);
    return { ...e, bend: k };
  });
  const size = d3.scaleSqrt().domain([0, d3.max(nodes, (n) => n.events) || 1]).range([5, 22]);
  const sim = d3.forceSimulation(nodes)
    .force("link", d3.forceLink(links).id((d) => d.id).distance(140))
    .force("charge", d3.forceManyBody().strength(-420))
    .force("center", d3.forceCenter(width / 2, height / 2))
    .force("collide", d3.forceCollide().radius((d) => size(d.events) + 18))
    .force("x", d3.forceX(width / 2).strength(0.05)).force("y", d3.forceY(height / 2).strength(0.07));

  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("class", "net")
    .attr("role", "img").attr("aria-label", "Actor network");
  const defs = svg.append("defs");
  for (const [t, colour] of Object.entries(PLOVER_COLOURS)) {
    defs.append("marker").attr("id", `arrow-${t}`).attr("viewBox", "0 -5 10 10").attr("refX", 10).attr("refY", 0)
      .attr("markerWidth", 7).attr("markerHeight", 7).attr("orient", "auto")
      .append("path").attr("d", "M0,-5L10,0L0,5").attr("fill", colour);
  }
  const link = svg.append("g").attr("class", "links").selectAll("path").data(links).join("path")
    .attr("fill", "none").attr("stroke", (d) => PLOVER_COLOURS[d.plover] || "#888")
    .attr("stroke-width", (d) => 1.2 + Math.sqrt(d.events) * 1.2).attr("stroke-opacity", 0.8)
    .attr("marker-end", (d) => (PLOVER_COLOURS[d.plover] ? `url(#arrow-${d.plover})` : null))
    .attr("data-plover", (d) => d.plover);
  link.append("title").text((d) => `${d.source.id || d.source} → ${d.target.id || d.target}: ${d.plover} × ${d.events}`);

  const node = svg.append("g").attr("class", "nodes").selectAll("g").data(nodes).join("g").attr("class", "node")
    .call(d3.drag()
      .on("start", (event, d) => { if (!event.active) sim.alphaTarget(0.3).restart(); d.fx = d.x; d.fy = d.y; })
      .on("drag", (event, d) => { d.fx = event.x; d.fy = event.y; })
      .on("end", (event, d) => { if (!event.active) sim.alphaTarget(0); d.fx = null; d.fy = null; }));
  node.append("circle").attr("r", (d) => size(d.events)).attr("class", (d) => `n-${sector(d.id)}`);
  node.append("text").attr("class", "node-label").attr("dy", (d) => size(d.events) + 13).attr("text-anchor", "middle")
    .text((d) => `${d.label} [${d.id}]`);
  node.append("title").text((d) => `${d.label} [${d.id}]: ${d.events} events`);

  const r = (d) => size(d.events);
  sim.on("tick", () => {
    for (const n of nodes) {
      n.x = Math.max(30, Math.min(width - 30, n.x));
      n.y = Math.max(30, Math.min(height - 30, n.y));
    }
    link.attr("d", (d) => {
      const sx = d.source.x, sy = d.source.y, tx = d.target.x, ty = d.target.y;
      const dx = tx - sx, dy = ty - sy, dist = Math.hypot(dx, dy) || 1;
      const ex = tx - (dx / dist) * (r(d.target) + 2), ey = ty - (dy / dist) * (r(d.target) + 2);
      if (!d.bend) return `M${sx},${sy}L${ex},${ey}`;
      const arc = dist * (1.6 / d.bend);
      return `M${sx},${sy}A${arc},${arc} 0 0,1 ${ex},${ey}`;
    });
    node.attr("transform", (d) => `translate(${d.x},${d.y})`);
  });
  // settle quickly so the picture is stable (and screenshots are too)
  sim.tick(220);
  sim.alpha(0.05);
  fig.append(svg.node());
}

function sector(code) {
  if (code.startsWith("IGO") || code.startsWith("NGO")) return "intl";
  if (/GOV|PRE|MIL|COP/.test(code.slice(3))) return "gov";
  if (/REB|INS|SEP/.test(code.slice(3))) return "reb";
  return code.length === 3 ? "state" : "other";
}
