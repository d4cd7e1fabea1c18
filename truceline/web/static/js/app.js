// The dashboard: a hash router over the views. Every view is a module exporting render(el, params).
import { meta } from "./api.js";
import { clear, h } from "./dom.js";

const VIEWS = {
  overview: () => import("./views/overview.js"),
  timeline: () => import("./views/timeline.js"),
  agreements: () => import("./views/agreements.js"),
  agreement: () => import("./views/agreements.js").then((m) => ({ render: m.renderOne, afterMount: m.afterMountOne })),
  claims: () => import("./views/claims.js"),
  conditions: () => import("./views/conditions.js"),
  condition: () => import("./views/conditions.js").then((m) => ({ render: m.renderOne })),
  network: () => import("./views/network.js"),
  map: () => import("./views/map.js"),
  documents: () => import("./views/documents.js"),
  document: () => import("./views/document.js"),
};
const NAV_OF = { agreement: "agreements", document: "documents", condition: "conditions" };

/** "#/document/abc?record=x" -> {route: "document", id: "abc", params: URLSearchParams} */
export function parseHash(hash) {
  const raw = (hash || "").replace(/^#\/?/, "");
  const [path, query] = raw.split("?", 2);
  const [route, ...rest] = path.split("/");
  return { route: route || "overview", id: rest.length ? decodeURIComponent(rest.join("/")) : null,
           params: new URLSearchParams(query || "") };
}

let generation = 0;

async function route() {
  const mine = ++generation;
  const { route: name, id, params } = parseHash(window.location.hash);
  const view = document.getElementById("view");
  const loader = VIEWS[name];
  for (const a of document.querySelectorAll("#nav a")) {
    a.classList.toggle("active", a.dataset.route === (NAV_OF[name] || name));
  }
  clear(view);
  view.dataset.view = name;
  delete view.dataset.ready;
  view.appendChild(h("p.loading", "Loading…"));
  if (!loader) {
    clear(view).appendChild(h("section.card", h("h2", "Not found"), h("p", `No page “${name}”.`),
      h("a", { href: "#/overview" }, "Back to the overview")));
    return;
  }
  try {
    const module = await loader();
    const el = h("div.page");
    await module.render(el, { id, params });
    if (mine !== generation) return; // the user moved on meanwhile
    clear(view).appendChild(el);
    view.dataset.ready = name;
    if (module.afterMount) module.afterMount(el, { id, params });
  } catch (error) {
    if (mine !== generation) return;
    clear(view).appendChild(h("section.card.error", h("h2", "Could not load this page"), h("p", String(error.message || error))));
    view.dataset.ready = "error";
  }
}

async function header() {
  try {
    const m = await meta();
    if (m.as_of) document.getElementById("asof").textContent = `as of ${m.as_of}`;
  } catch {
    /* the view reports API errors */
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", () => {
  header();
  route();
});
