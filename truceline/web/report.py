"""One self-contained, offline HTML report: the timeline, the agreements tracker and the contradictions.

``truceline report --html FILE`` (and ``make demo``) write it. Everything is in the one file: CSS
inline, no script, no image, no link to anywhere else, so it opens from a disk or an e-mail
attachment with no network. Every string from the store (article sentences, titles, names) goes
through :func:`html.escape`; nothing from a document is ever written as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from truceline import api_python

CSS = """
:root { --ink:#1d2733; --muted:#5f6b7a; --line:#dde2e8; --ok:#1b7f5b; --okb:#e3f4ec; --warn:#9a6100; --warnb:#fdf1d8;
  --bad:#b42318; --badb:#fde7e4; --info:#2a5db0; --infob:#e6eefb; --grey:#eef0f3; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1100px; padding: 1.5rem 1.5rem 3rem; line-height: 1.5; font-size: 15px; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 2px solid var(--line);
  padding-bottom: .3rem; } h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.muted { color: var(--muted); } .small { font-size: .85em; }
nav a { margin-right: 1rem; color: var(--info); text-decoration: none; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .4rem 0 1rem; }
th { text-align: left; color: var(--muted); font-size: .78rem; text-transform: uppercase; letter-spacing: .03em;
  border-bottom: 2px solid var(--line); padding: .45rem .6rem; background: #fafbfc; }
td { border-bottom: 1px solid var(--line); padding: .45rem .6rem; vertical-align: top; }
.badge { display: inline-block; font-size: .74rem; font-weight: 600; padding: .05rem .5rem; border-radius: 999px;
  background: var(--grey); color: var(--muted); white-space: nowrap; }
.ok { background: var(--okb); color: var(--ok); } .warn { background: var(--warnb); color: var(--warn); }
.bad { background: var(--badb); color: var(--bad); } .info { background: var(--infob); color: var(--info); }
.cd-overdue { color: var(--bad); font-weight: 600; } .cd-soon { color: var(--warn); font-weight: 600; }
.cd-later { color: var(--info); font-weight: 600; } .cd-met { color: var(--ok); font-weight: 600; }
blockquote { margin: .3rem 0; padding: .1rem .7rem; border-left: 3px solid #e0a526; color: #36414d; font-size: .9rem; }
.src { color: var(--muted); font-size: .8rem; }
.agr { border: 1px solid var(--line); border-left: 5px solid #9aa5b1; border-radius: 6px; padding: .6rem 1rem; margin: .8rem 0; }
.agr.s-ok { border-left-color: var(--ok); } .agr.s-bad { border-left-color: var(--bad); } .agr.s-info { border-left-color: var(--info); }
.sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: .8rem; }
.side { border: 1px solid var(--line); border-top: 4px solid var(--warn); border-radius: 6px; padding: .5rem .8rem; background: #fafbfc; }
.side + .side { border-top-color: var(--info); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .3rem 0; }
dt { color: var(--muted); font-size: .88rem; } dd { margin: 0; }
.tl-date { white-space: nowrap; font-variant-numeric: tabular-nums; color: var(--muted); font-weight: 600; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .82rem; }
@media print { nav { display: none; } .agr, .side { break-inside: avoid; } }
"""

STATUS_CLASS = {
    "met": "ok", "in_force": "ok", "accepted": "ok", "asserts": "ok",
    "pending": "info", "proposed": "info", "under_consideration": "info",
    "overdue": "warn", "alleged": "warn",
    "breached": "bad", "collapsed": "bad", "rejected": "bad", "denies": "bad",
}  # fmt: skip


def e(value: Any) -> str:
    """Escape anything for HTML text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def badge(value: str | None) -> str:
    if not value:
        return '<span class="badge">—</span>'
    return f'<span class="badge {STATUS_CLASS.get(value, "")}">{e(value.replace("_", " "))}</span>'


def actors(refs: Iterable[dict] | None) -> str:
    out = [f"{r.get('text')} [{r['code']}]" if r.get("code") else str(r.get("text")) for r in refs or []]
    return e(", ".join(out)) if out else "—"


def evidence(items: Iterable[dict], titles: dict[str, str]) -> str:
    parts = []
    for ev in items or []:
        span = ev["span"]
        parts.append(f"<blockquote>{e(span['text'])}<div class=\"src\">{e(titles.get(span['doc_id'], span['doc_id']))}"
                     f"{' · ' + e(ev.get('role')) if ev.get('role') and ev.get('role') != 'support' else ''}</div></blockquote>")
    return "".join(parts) or '<span class="muted">no evidence span</span>'


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return (date.fromisoformat(str(b)[:10]) - date.fromisoformat(str(a)[:10])).days
    except (TypeError, ValueError):
        return None


def countdown(c: dict, as_of: str | None) -> str:
    if not c.get("deadline"):
        expr = c.get("deadline_expression")
        return f'<span class="muted">{e(f"“{expr}” (unresolved)" if expr else "no deadline")}</span>'
    if c.get("status") == "met":
        return f'<span class="cd-met">met (due {e(c["deadline"])})</span>'
    days = _days(as_of, c["deadline"])
    if days is None:
        return e(c["deadline"])
    if days < 0:
        return f'<span class="cd-overdue">overdue by {-days} day{"s" if days != -1 else ""}</span>'
    if days == 0:
        return '<span class="cd-soon">due today</span>'
    return f'<span class="{"cd-soon" if days <= 7 else "cd-later"}">due in {days} day{"s" if days != 1 else ""}</span>'


def _titles(rep: dict) -> dict[str, str]:
    titles = {}
    for outlet, docs in (rep.get("by_outlet") or {}).items():
        for d in docs:
            titles[d["id"]] = f"{outlet}, “{d.get('title') or d['id']}”"
    return titles


def _timeline_html(lines: list[dict], titles: dict[str, str]) -> str:
    rows = []
    for line in lines:
        ev = line.get("evidence") or []
        first = ev[0]["span"] if ev else None
        sentence = f"<blockquote>{e(first['text'])}</blockquote>" if first else ""
        grade = f' <span class="badge">{e(line["grade"])}</span>' if line.get("grade") else ""
        rows.append(
            f"<tr><td class=\"tl-date\">{e(line.get('date') or 'undated')}</td><td>{badge(line['kind'])}</td>"
            f"<td><strong>{e(line['title'])}</strong>{' ' + badge(line['status']) if line.get('status') else ''}{grade}"
            f"{sentence}<div class=\"src\">{e(', '.join(line.get('sources') or []) or 'no outlet recorded')}</div></td></tr>")
    if not rows:
        return '<p class="muted">No timeline line.</p>'
    return ("<table><thead><tr><th>Date</th><th>Kind</th><th>What</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _agreements_html(agreements: list[dict], as_of: str | None, titles: dict[str, str]) -> str:
    if not agreements:
        return '<p class="muted">No agreement found.</p>'
    out = []
    for a in agreements:
        cls = STATUS_CLASS.get(a.get("status", ""), "")
        flag = ' <span class="badge bad">reported violated</span>' if a.get("breached") and a.get("status") != "breached" else ""
        history = "".join(
            f"<li><strong>{e(s.get('date') or 'undated')}</strong> {badge(s.get('status'))} "
            f"<span class=\"muted\">{e(s.get('note'))}</span>{evidence(s.get('evidence') or [], titles)}</li>"
            for s in a.get("history") or [])
        commitments = ""
        if a.get("commitments"):
            rows = "".join(
                f"<tr><td>{actors(c.get('obligors'))}</td><td>{'<strong>must not</strong> ' if c.get('negative') else ''}"
                f"{e(c.get('action'))}</td><td>{actors(c.get('recipients'))}</td>"
                f"<td>{e(c.get('deadline') or '—')}<div class=\"src\">{e(c.get('deadline_expression'))}</div></td>"
                f"<td>{countdown(c, as_of)}</td><td>{badge(c.get('status'))}</td>"
                f"<td>{evidence(c.get('evidence') or [], titles)}</td></tr>"
                for c in a["commitments"])
            commitments = ("<table><thead><tr><th>Who</th><th>Commits to</th><th>For</th><th>Deadline</th><th>Countdown</th>"
                           f"<th>Status</th><th>Evidence</th></tr></thead><tbody>{rows}</tbody></table>")
        else:
            commitments = '<p class="muted small">No commitment recorded.</p>'
        mediators = f"<dt>Mediators</dt><dd>{actors(a.get('mediators'))}</dd>" if a.get("mediators") else ""
        proposer = f"<dt>Proposed by</dt><dd>{actors([a['proposer']])}</dd>" if a.get("proposer") else ""
        out.append(
            f'<div class="agr s-{cls}"><h3>{e(a.get("title") or a.get("kind"))}</h3>'
            f'<p>{badge(a.get("kind"))} {badge(a.get("status"))}{flag}</p>'
            f"<dl><dt>Parties</dt><dd>{actors(a.get('parties'))}</dd>{mediators}{proposer}"
            f"<dt>Date</dt><dd>{e(a.get('date') or '—')}{', ' + e(a['location']) if a.get('location') else ''}</dd>"
            f"<dt>Sources</dt><dd>{e(a.get('independent_sources', 0))} independent · {len(a.get('doc_ids') or [])} document(s)</dd></dl>"
            f"<h4>Commitments</h4>{commitments}<h4>Status history</h4><ol>{history}</ol></div>")
    return "".join(out)


def _contradictions_html(contradictions: list[dict], titles: dict[str, str]) -> str:
    if not contradictions:
        return '<p class="muted">No contradiction found.</p>'
    out = []
    for c in contradictions:
        sides = "".join(
            f'<div class="side"><div class="small muted">Side {chr(65 + i)}</div><p><strong>{e(s.get("statement"))}</strong></p>'
            f"{'<p>Value: <code>' + e(s['value']) + '</code></p>' if s.get('value') else ''}"
            f"<dl><dt>Claimants</dt><dd>{actors(s.get('claimants'))}</dd>"
            f"<dt>Documents</dt><dd>{e('; '.join(titles.get(d, d) for d in s.get('doc_ids') or []) or '—')}</dd>"
            f"<dt>Origins</dt><dd>{e(', '.join(s.get('origins') or []) or '—')}</dd></dl>"
            f"{evidence(s.get('evidence') or [], titles)}</div>"
            for i, s in enumerate(c.get("sides") or []))
        reasons = "".join(f"<li>{e(r)}</li>" for r in c.get("reasons") or [])
        out.append(f'<div class="agr"><h3>{badge(c.get("kind"))} {e(c.get("subject"))}</h3>'
                   f'<div class="sides">{sides}</div><ul class="small muted">{reasons}</ul></div>')
    return "".join(out)


WATCH_CLASS = {"triggered": "bad", "claimed_triggered": "warn", "nearly_met": "warn", "not_triggered": "ok"}


def _conditions_html(conditions: list[dict], titles: dict[str, str]) -> str:
    """Each condition with its trigger watch: what met it, who says so, and whether the consequence followed."""
    from truceline.reporting import condition_line

    if not conditions:
        return '<p class="muted">No conditional obligation, threat or red line found.</p>'
    out = []
    for c in conditions:
        w = c.get("watch") or {}
        basis = c.get("basis") or {}
        matches = "".join(
            f"<li>{badge(m.get('verdict'))} {e(m.get('plover'))} {e(m.get('date') or 'undated')}"
            f"{' at ' + e(m['location']) if m.get('location') else ''}: {e('; '.join(m.get('why') or []))} "
            f"<span class=\"muted\">({e(m.get('independent_sources', 0))} independent source(s); claimed by "
            f"{actors(m.get('claimants'))})</span>{evidence(m.get('evidence') or [], titles)}</li>"
            for m in w.get("matches") or [])
        reasons = "".join(f"<li>{e(r)}</li>" for r in w.get("reasons") or [])
        matches = matches or '<li class="muted">nothing has met it</li>'
        status = w.get("status", "not_triggered")
        claimed = f" by {actors(w.get('claimants'))}" if status == "claimed_triggered" else ""
        out.append(
            f'<div class="agr cond"><h3>{badge(c.get("kind"))} {actors(c.get("bound"))}: {e(condition_line(c))}</h3>'
            f'<p><span class="badge {WATCH_CLASS.get(status, "")}">{e(status.replace("_", " "))}</span>{claimed}'
            f" · consequence followed: <strong>{e(w.get('consequence_followed', 'unknown'))}</strong></p>"
            f"<dl><dt>Basis</dt><dd>{e(basis.get('kind', '—'))}: {e(basis.get('name') or '')}"
            f"{' (' + e(basis['date']) + ')' if basis.get('date') else ''}</dd>"
            f"<dt>For</dt><dd>{actors(c.get('beneficiary'))}</dd><dt>Stated</dt><dd>{e(c.get('date') or '—')}</dd></dl>"
            f"{evidence(c.get('evidence') or [], titles)}"
            f"<h4>Trigger watch</h4><ul>{matches}</ul>"
            f'<ul class="small muted">{reasons}</ul></div>')
    return "".join(out)


def render_html(rep: dict, lines: list[dict]) -> str:
    """The report page from :func:`truceline.api_python.report` and the timeline (as dicts)."""
    v = rep.get("verification") or {}
    totals = rep.get("totals") or {}
    as_of = v.get("as_of")
    titles = _titles(rep)
    span = totals.get("date_range")
    agreements = v.get("agreements") or []
    contradictions = v.get("contradictions") or []
    conditions = v.get("conditions") or []
    commitments = [c for a in agreements for c in a.get("commitments") or []]
    attention = sum(1 for c in commitments if c.get("status") in ("overdue", "breached")) + sum(
        1 for a in agreements if a.get("breached"))
    summary = (f"{e(totals.get('documents', 0))} documents from {e(totals.get('outlets', 0))} outlets"
               + (f", published {e(span[0])} to {e(span[1])}" if span else "")
               + f". As of {e(as_of or 'unknown')}: {len(agreements)} agreements, {len(commitments)} commitments, "
               f"{len(contradictions)} contradictions, {attention} item(s) needing attention.")
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>truceline report</title>"
        f"<style>{CSS}</style></head><body>"
        "<header><h1>truceline — peace process report</h1>"
        f"<p class=\"muted\">{summary}</p>"
        "<nav><a href=\"#agreements\">Agreements</a><a href=\"#conditions\">Conditions &amp; red lines</a>"
        "<a href=\"#contradictions\">Contradictions</a>"
        "<a href=\"#timeline\">Timeline</a></nav></header>"
        f"<section id=\"agreements\"><h2>Agreements tracker ({len(agreements)})</h2>"
        f"<p class=\"muted small\">Deadlines counted from the corpus's as-of date, {e(as_of or 'unknown')}.</p>"
        f"{_agreements_html(agreements, as_of, titles)}</section>"
        f"<section id=\"conditions\"><h2>Conditions &amp; red lines ({len(conditions)})</h2>"
        f"{_conditions_html(conditions, titles)}</section>"
        f"<section id=\"contradictions\"><h2>Contradictions ({len(contradictions)})</h2>"
        f"{_contradictions_html(contradictions, titles)}</section>"
        f"<section id=\"timeline\"><h2>Timeline ({len(lines)})</h2>{_timeline_html(lines, titles)}</section>"
        "<footer>Generated by truceline from the stored documents; every line rests on the quoted sentence. "
        "Offline file: no scripts, no external resources.</footer>"
        "</body></html>\n"
    )


def write_html(db: str | None, path: Path) -> None:
    """Write the self-contained HTML report of the store at ``db`` to ``path``."""
    rep = api_python.report(db)
    lines = [line.model_dump(mode="json") for line in api_python.timeline(db)]
    Path(path).write_text(render_html(rep, lines), encoding="utf-8")
