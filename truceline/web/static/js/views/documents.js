// Document list: every stored document, newest first, with a word search.
import { get } from "../api.js";
import { empty, h, plural } from "../dom.js";

export async function render(el, { params }) {
  const q = params.get("q") || "";
  const page = await get("/documents", { q, limit: 500 });
  const input = h("input#doc-search", { type: "search", name: "q", value: q, placeholder: "Words in the title or text" });
  el.append(h("h1", "Documents"),
    h("form.filters.inline", { onsubmit: (e) => {
      e.preventDefault();
      window.location.hash = input.value.trim() ? `#/documents?q=${encodeURIComponent(input.value.trim())}` : "#/documents";
    } }, input, " ", h("button.primary", { type: "submit" }, "Search")),
    h("p.count", plural(page.total, "document") + (q ? ` containing “${q}”` : "")));
  if (!page.items.length) {
    el.append(empty("No document."));
    return;
  }
  el.append(h("div.card.scroll", h("table.data#documents-table",
    h("thead", h("tr", h("th", "Title"), h("th", "Outlet"), h("th", "Author"), h("th", "Published"), h("th", "Language"),
      h("th.num", "Characters"), h("th.num", "Events"))),
    h("tbody", page.items.map((d) => h("tr",
      h("td", h("a", { href: `#/document/${encodeURIComponent(d.id)}` }, d.title || d.id)),
      h("td", d.outlet || "—"), h("td", d.author || "—"),
      h("td", d.published || "undated", d.published_source ? h("div.small.muted", d.published_source) : null),
      h("td", d.language), h("td.num", String(d.chars)), h("td.num", String(d.events))))))));
}
