// Map: the Natural Earth outline (vendored world-atlas) with geocoded places and incidents as dots.
import { all } from "../api.js";
import { empty, h, plural } from "../dom.js";

let atlas = null;

export async function render(el) {
  const [places, incidents] = await Promise.all([all("/places"), all("/incidents")]);
  atlas = atlas || fetch("vendor/countries-110m.json").then((r) => r.json());
  const world = await atlas;
  // an incident without coordinates of its own is placed at its named location, when that place is geocoded
  const byName = new Map(places.map((p) => [p.name.toLowerCase(), p]));
  const located = incidents.map((i) => {
    if (i.lat !== null && i.lon !== null) return { ...i, placed: "own" };
    const p = i.location && byName.get(i.location.toLowerCase());
    return p ? { ...i, lat: p.lat, lon: p.lon, placed: "location" } : null;
  }).filter(Boolean);
  el.append(h("h1", "Map"),
    h("p.lede", `${plural(places.length, "geocoded place")} (blue, sized by mentions) and ` +
      `${plural(located.length, "incident")} (red, at their own coordinates or their named place). ` +
      "Outline: Natural Earth 1:110m, offline. The second map zooms on the densest area."));
  if (!places.length && !located.length) {
    el.append(empty("Nothing in this corpus has coordinates."));
    return;
  }
  const fig = h("figure.card.chart#map");
  const zoom = h("figure.card.chart#map-zoom");
  el.append(h("div.maps", fig, zoom), h("div.legend", h("span.legend-item", h("span.swatch.dot-place"), "place"),
    h("span.legend-item", h("span.swatch.dot-incident"), "incident")));
  const pts = [...places.map((p) => [p.lon, p.lat]), ...located.map((i) => [i.lon, i.lat])];
  draw(fig, world, places, located, frameOf(pts, 12, 8), 12);
  draw(zoom, world, places, located, denseFrame(places, located), 30);

  el.append(h("h2.sec", "Places"), h("div.card.scroll", h("table.data#places-table",
    h("thead", h("tr", h("th", "Place"), h("th", "Kind"), h("th", "Country"), h("th.num", "Mentions"), h("th.num", "Documents"),
      h("th", "Lat, lon"))),
    h("tbody", places.map((p) => h("tr", h("td", p.name), h("td", p.feature), h("td", p.country || "—"),
      h("td.num", String(p.mentions)), h("td.num", String(p.doc_ids.length)),
      h("td.small", `${p.lat.toFixed(2)}, ${p.lon.toFixed(2)}`)))))));
}

function frameOf(pts, minPadX, minPadY) {
  const d3 = window.d3;
  const [minX, maxX] = d3.extent(pts, (p) => p[0]), [minY, maxY] = d3.extent(pts, (p) => p[1]);
  const padX = Math.max(minPadX, (maxX - minX) * 0.15), padY = Math.max(minPadY, (maxY - minY) * 0.15);
  return { type: "MultiPoint", coordinates: [[minX - padX, minY - padY], [maxX + padX, maxY + padY]] };
}

/** A frame around the busiest spot: incidents when there are some, else the most-mentioned places. */
function denseFrame(places, incidents) {
  const d3 = window.d3;
  const pts = incidents.length ? incidents.map((i) => [i.lon, i.lat])
    : places.slice(0, Math.max(3, Math.ceil(places.length / 3))).map((p) => [p.lon, p.lat]);
  const cx = d3.median(pts, (p) => p[0]), cy = d3.median(pts, (p) => p[1]);
  return { type: "MultiPoint", coordinates: [[cx - 7, cy - 4.5], [cx + 7, cy + 4.5]] };
}

function draw(fig, world, places, incidents, frame, labels) {
  const d3 = window.d3, topo = window.topojson;
  const width = 960, height = 560;
  const countries = topo.feature(world, world.objects.countries);
  const borders = topo.mesh(world, world.objects.countries, (a, b) => a !== b);
  const projection = d3.geoMercator().fitExtent([[20, 20], [width - 20, height - 20]], frame);
  const path = d3.geoPath(projection);
  const svg = d3.create("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("class", "map")
    .attr("role", "img").attr("aria-label", "Map of places and incidents");
  svg.append("rect").attr("class", "sea").attr("width", width).attr("height", height);
  svg.append("g").selectAll("path").data(countries.features).join("path").attr("class", "land").attr("d", path)
    .append("title").text((d) => (d.properties && d.properties.name) || "");
  svg.append("path").datum(borders).attr("class", "border").attr("d", path);
  const size = d3.scaleSqrt().domain([0, d3.max(places, (p) => p.mentions) || 1]).range([4, 18]);
  svg.append("g").selectAll("circle").data(places).join("circle").attr("class", "dot-place")
    .attr("cx", (d) => projection([d.lon, d.lat])[0]).attr("cy", (d) => projection([d.lon, d.lat])[1])
    .attr("r", (d) => size(d.mentions))
    .append("title").text((d) => `${d.name}: ${d.mentions} mentions in ${d.doc_ids.length} documents`);
  svg.append("g").selectAll("text").data(places.slice(0, labels)).join("text").attr("class", "map-label")
    .attr("x", (d) => projection([d.lon, d.lat])[0] + size(d.mentions) + 3)
    .attr("y", (d) => projection([d.lon, d.lat])[1] + 4).text((d) => d.name);
  svg.append("g").selectAll("circle").data(incidents).join("circle").attr("class", "dot-incident")
    .attr("cx", (d) => projection([d.lon, d.lat])[0]).attr("cy", (d) => projection([d.lon, d.lat])[1]).attr("r", 7)
    .on("click", (event, d) => { window.location.hash = `#/claims?incident=${encodeURIComponent(d.id)}`; })
    .append("title").text((d) => `${d.plover} ${d.date || ""} ${d.location || ""} (grade ${d.grade || "—"})` +
      (d.placed === "location" ? " — placed at its named location" : ""));
  fig.append(svg.node());
}
