"""Terminal rendering of the corpus report (the data comes from :mod:`truceline.store.queries`)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

SNIPPET = 90


def _short(text: str | None, width: int = SNIPPET) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_report(console: Console, data: dict, full: bool = False) -> None:
    _render_corpus(console, data, full)
    _render_reading(console, data, full)
    if "verification" in data:
        _render_verification(console, data["verification"], full)


def _refs(refs: list[dict]) -> str:
    return ", ".join(dict.fromkeys(r["text"] for r in refs)) or ""


def _render_verification(console: Console, v: dict, full: bool) -> None:
    """Agreements and commitments, contradictions, corroboration of re-used passages, incidents."""
    incidents = v["incidents"]
    multi = [i for i in incidents if len(i["doc_ids"]) > 1]
    console.print(f"[bold]Verification[/bold] (as of {v['as_of'] or 'unknown'}): {len(incidents)} incidents "
                  f"({len(multi)} reported by several documents), {len(v['claims'])} claims, "
                  f"{len(v['contradictions'])} contradictions, {len(v['agreements'])} agreements.", highlight=False)
    agreements = Table(title="Agreements, ceasefires and plans", title_justify="left")
    for col in ("kind", "date", "status", "parties", "mediators / proposer", "sources", "commitments (status, deadline)"):
        agreements.add_column(col, overflow="fold")
    for a in v["agreements"]:
        brokers = _refs(a["mediators"]) or (a["proposer"]["text"] if a.get("proposer") else "")
        commits = "\n".join(f"{c['status']:8} {c['deadline'] or '-':10} {_short(c['action'], 60)}" for c in a["commitments"])
        status = a["status"] + (" (breached)" if a.get("breached") and a["status"] != "breached" else "")
        agreements.add_row(a["title"] or a["kind"], a["date"] or "", status, _refs(a["parties"]), brokers,
                           f"{a['independent_sources']} indep. / {len(a['doc_ids'])} docs", commits)
    console.print(agreements)
    cons = Table(title="Contradictions (each side with its documents)", title_justify="left")
    for col in ("kind", "subject", "side", "documents", "evidence"):
        cons.add_column(col, overflow="fold")
    for c in v["contradictions"]:
        for n, side in enumerate(c["sides"]):
            cons.add_row(c["kind"] if n == 0 else "", _short(c["subject"], 50) if n == 0 else "", _short(side["statement"], 60),
                         ", ".join(side["doc_ids"]), _short(side["evidence"][0]["span"]["text"] if side["evidence"] else "", 70))
    console.print(cons)
    shared = Table(title="Passages carried by several documents: independent sources", title_justify="left")
    for col in ("documents", "independent", "origin", "passage"):
        shared.add_column(col, overflow="fold")
    for p in v["shared_passages"]:
        shared.add_row(str(p["carried_by"]), str(p["independent_sources"]), "; ".join(g[0] for g in p["origins"]),
                       _short(p["text"], 80))
    console.print(shared)
    render_conditions(console, v.get("conditions") or [])
    rows = multi if not full else incidents
    inc = Table(title="Incidents reported by several documents" if not full else "Incidents", title_justify="left")
    for col in ("date", "type", "source -> target", "grade", "indep.", "docs", "first mention"):
        inc.add_column(col, overflow="fold")
    for i in rows:
        inc.add_row(i["date"] or "", i["plover"], f"{_refs(i['source'])} -> {_refs(i['target'])}", i["grade"] or "",
                    str(i["independent_sources"]), str(len(i["doc_ids"])), _short(i["evidence"][0]["span"]["text"], 70))
    console.print(inc)


def condition_line(c: dict) -> str:
    """"if ASSAULT crosses border of IRN then ASSAULT/COERCE": a condition's two patterns in words."""
    p, q = c["condition"], c["consequence"]
    where = f" {p['relation'].replace('_', ' ')} {', '.join(p['territory'])}" if p.get("relation") and p.get("territory") else ""
    against = f" against {_refs(p['target'])}" if p.get("target") else ""
    return f"if {'/'.join(p['plover']) or 'act'}{where}{against} then {'/'.join(q['plover']) or '?'}"


def render_conditions(console: Console, items: list[dict]) -> None:
    """Conditions with their trigger watch: status, claimants, what met it, whether the consequence followed."""
    table = Table(title="Conditional obligations, threats, red lines and plan triggers (trigger watch)",
                  title_justify="left")
    for col in ("kind", "bound", "condition", "basis", "status", "claimed by", "met by", "consequence", "evidence"):
        table.add_column(col, overflow="fold")
    for c in items:
        w = c.get("watch") or {}
        met = [m for m in w.get("matches", []) if m["verdict"] == "meets"]
        near = [m for m in w.get("matches", []) if m["verdict"] == "nearly_meets"]
        shown = met or near
        by = "\n".join(f"{m['verdict']}: {_short(m['evidence'][0]['span']['text'] if m['evidence'] else '', 60)} "
                       f"({m['independent_sources']} indep.)" for m in shown[:3])
        basis = c.get("basis") or {}
        table.add_row(c["kind"].replace("_", " ") + (" (analyst)" if c.get("source") == "analyst" else ""),
                      _refs(c["bound"]), condition_line(c), f"{basis.get('kind', '')}: {basis.get('name') or ''}".strip(": "),
                      w.get("status", ""), _refs(w.get("claimants", [])), by, w.get("consequence_followed", ""),
                      _short(c["evidence"][0]["span"]["text"] if c["evidence"] else "", 70))
    console.print(table)


def render_timeline(console: Console, items: list) -> None:
    table = Table(title="Peace-process timeline", title_justify="left")
    for col in ("date", "kind", "what", "status / grade", "sources", "evidence"):
        table.add_column(col, overflow="fold")
    for e in items:
        sources = ", ".join(e.sources) or ", ".join(d[:8] for d in e.doc_ids)
        evidence = _short(e.evidence[0].span.text, 70) if e.evidence else ""
        table.add_row(e.date or "undated", e.kind, _short(e.title, 70), e.status or e.grade or "", sources, evidence)
    console.print(table)


def _render_corpus(console: Console, data: dict, full: bool) -> None:
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
            if r["published"] and r["published_source"] == "estimated":
                date += " (est.)"
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


def _render_reading(console: Console, data: dict, full: bool) -> None:
    limit = None if full else 20
    if data.get("actors"):
        table = Table(title="Actors (by mentions)", title_justify="left")
        for col in ("actor", "code", "type", "mentions", "docs", "codes in force"):
            table.add_column(col, overflow="fold")
        for a in data["actors"][:limit]:
            name = a["name"] + (" (provisional)" if a["provisional"] else "")
            table.add_row(name, a["code"] or "", a["type"], str(a["mentions"]), str(a["documents"]), ", ".join(a["codes_in_force"]))
        console.print(table)
        if limit and len(data["actors"]) > limit:
            console.print(f"... {len(data['actors']) - limit} more actors (--full lists all)")
    if data.get("quotes"):
        table = Table(title="Quotes", title_justify="left")
        for col in ("document", "speaker", "actor", "cue", "kind", "content"):
            table.add_column(col, overflow="fold")
        for q in data["quotes"][: None if full else 40]:
            speaker = q["speaker"] or ""
            if q["speaker_text"] and q["speaker_text"] != speaker:
                speaker += f" (= {q['speaker_text']})"
            actor = f"{q['speaker_actor']} [{q['speaker_code']}]" if q["speaker_actor"] else ""
            kind = q["kind"] + (f", {q['channel']}" if q["channel"] else "")
            table.add_row(q["doc_id"], speaker, actor, q["cue"] or "", kind, _short(q["content"], 80))
        console.print(table)
    timex = data.get("timex") or {}
    if timex:
        console.print(f"[bold]{timex['count']} time expressions[/bold]; {len(timex['issues'])} with inconsistencies:")
        for t in timex["issues"]:
            console.print(f"  {t['doc_id']}: \"{t['text']}\" -> {t['value']}: {'; '.join(t['issues'])}", highlight=False)
    if data.get("places"):
        table = Table(title="Places", title_justify="left")
        for col in ("place", "country", "feature", "lat", "lon", "geonames", "mentions", "docs"):
            table.add_column(col)
        for p in data["places"][:limit]:
            lat = f"{p['lat']:.3f}" if p["lat"] is not None else ""
            lon = f"{p['lon']:.3f}" if p["lon"] is not None else ""
            table.add_row(p["name"], p["country"] or "", p["feature"], lat, lon, str(p["geonames_id"] or ""),
                          str(p["mentions"]), str(p["documents"]))  # fmt: skip
        console.print(table)
    if data.get("events"):
        table = Table(title="Events (PLOVER)", title_justify="left")
        for col in ("document", "event", "cameo", "source", "target", "modality", "claimant", "date", "sentence"):
            table.add_column(col, overflow="fold")
        for e in data["events"][: None if full else 40]:
            modality = e["modality"] + (", negated" if e["negated"] else "")
            table.add_row(e["doc_id"], e["plover"] + (f"/{e['mode']}" if e["mode"] else ""), e["cameo"] or "",
                          e["source"], e["target"], modality, e["claimant"] or "", e["date"] or "",
                          _short(e["sentence"], 70))  # fmt: skip
        console.print(table)
        if not full and len(data["events"]) > 40:
            console.print(f"... {len(data['events']) - 40} more events (--full lists all)")
