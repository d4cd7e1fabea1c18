"""Terminal rendering of the corpus report (the data comes from :mod:`truceline.store.queries`)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

SNIPPET = 90


def _short(text: str | None, width: int = SNIPPET) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_report(console: Console, data: dict, full: bool = False) -> None:
    t = data["totals"]
    span = " to ".join(t["date_range"]) if t["date_range"] else "no dated documents"
    console.print(
        f"[bold]{t['documents']} documents[/bold] from {t['outlets']} outlets ({span}; {t['undated']} undated, "
        f"{t['non_english']} not English); {t['boilerplate_chars_cut']:,} characters of boilerplate cut; "
        f"{t['duplicates']} duplicate pairs; {t['reused_passages']} re-used passages; {t['runs']} runs.",
        highlight=False,
    )

    docs = Table(title="Documents by outlet and date", title_justify="left")
    for col in ("outlet", "published", "id", "title", "author", "lang", "words"):
        docs.add_column(col, overflow="fold")
    for outlet, rows in data["by_outlet"].items():
        for r in rows:
            date = r["published"] or "unknown"
            docs.add_row(outlet, date, r["id"], _short(r["title"], 60), r["author"] or "", r["language"], str(r["words"]))
    console.print(docs)

    shared = {a: ids for a, ids in data["authors"].items() if len(ids) > 1}
    if shared:
        console.print("[bold]Authors with several documents[/bold] (not independent sources):")
        for author, ids in shared.items():
            console.print(f"  {author}: {', '.join(ids)}", highlight=False)

    cleaning = Table(title="Boilerplate cut", title_justify="left")
    for col in ("id", "paragraphs", "chars", "why", "first cut"):
        cleaning.add_column(col, overflow="fold")
    for c in data["cleaning"]:
        first = c["cuts"][0]["text"] if c["cuts"] else ""
        cleaning.add_row(c["id"], str(c["paragraphs_cut"]), str(c["chars_cut"]), ", ".join(c["reasons"]), _short(first, 50))
        if full:
            for cut in c["cuts"]:
                cleaning.add_row("", "", "", cut["reason"], _short(cut["text"], 70))
    console.print(cleaning)

    if data["duplicates"]:
        dups = Table(title="Duplicate documents", title_justify="left")
        for col in ("document", "duplicate of", "kind", "similarity"):
            dups.add_column(col)
        for d in data["duplicates"]:
            dups.add_row(d["doc_id"], d["other_doc_id"], d["kind"], f"{d['similarity']:.2f}")
        console.print(dups)
    else:
        console.print("No duplicate documents.")

    reused = data["reused_passages"]
    if reused:
        table = Table(title="Re-used passages (the same sentence or quote in several documents)", title_justify="left")
        for col in ("document", "other", "kind", "sim", "passage"):
            table.add_column(col, overflow="fold")
        for r in reused if full else reused[:25]:
            table.add_row(r["doc_id"], r["other_doc"], r["kind"], f"{r['similarity']:.2f}", _short(r["text"]))
        console.print(table)
        if not full and len(reused) > 25:
            console.print(f"... {len(reused) - 25} more (--full lists all)")
    else:
        console.print("No re-used passages.")
