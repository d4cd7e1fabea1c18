"""Score :func:`truceline.nlp.timex.extract_timex` on a TimeML directory (TempEval-3 style).

Conventions (stated so numbers can be compared):

* Every ``*.tml`` under the directory (subfolders included) is one document.
* The document date is the ``functionInDocument="CREATION_TIME"`` TIMEX3 (the DCT): it is
  metadata, like a publication date, and is passed to the extractor as ``dct``. The DCT
  timex itself is not scored.
* The scored text is the content of the ``<TEXT>`` element with all tags stripped and XML
  entities decoded (the whole file when there is no ``<TEXT>``); gold spans are offsets in
  that plain text. The extractor sees that text only, never the gold.
* Spans are matched one-to-one with :func:`truceline.eval.metrics.match_spans`:
  **strict** = exact offsets, **relaxed** = any overlap.
* **value** / **type**: TempEval-3 attribute F1: an attribute counts as correct on a
  relaxed match whose attribute equals the gold one; precision = correct / predictions,
  recall = correct / gold. ``type_accuracy`` / ``value_accuracy`` are the same counts over
  relaxed matches.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from truceline.eval.metrics import PRF, match_spans, rounded

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'([A-Za-z_:]+)="([^"]*)"')


@dataclass
class GoldTimex:
    start: int
    end: int
    type: str
    value: str
    text: str


@dataclass
class TimeMLDoc:
    name: str
    text: str
    dct: date | None
    timex: list[GoldTimex]


def _dct(raw: str) -> date | None:
    for m in re.finditer(r"<TIMEX3\b([^>]*)>", raw):
        attrs = dict(_ATTR.findall(m.group(1)))
        if attrs.get("functionInDocument") == "CREATION_TIME":
            v = attrs.get("value", "")
            mm = re.match(r"(\d{4})-(\d{2})-(\d{2})", v)
            if mm:
                return date(int(mm.group(1)), int(mm.group(2)), int(mm.group(3)))
    return None


def read_tml(path: Path) -> TimeMLDoc:
    """Plain text of the ``<TEXT>`` element, its gold TIMEX3 spans and the DCT."""
    raw = path.read_text(encoding="utf-8")
    dct = _dct(raw)
    m = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
    body = m.group(1) if m else raw
    out: list[str] = []
    pos = 0  # length of plain text so far
    open_timex: list[tuple[int, dict[str, str]]] = []
    gold: list[GoldTimex] = []
    last = 0
    for t in _TAG.finditer(body):
        chunk = html.unescape(body[last : t.start()])
        out.append(chunk)
        pos += len(chunk)
        last = t.end()
        closing, name, attrs, selfclose = t.group(1), t.group(2), t.group(3), t.group(4)
        if name != "TIMEX3":
            continue
        if closing:
            start, a = open_timex.pop()
            if a.get("functionInDocument") != "CREATION_TIME":
                gold.append(GoldTimex(start, pos, a.get("type", ""), a.get("value", ""), ""))
        elif not selfclose:
            open_timex.append((pos, dict(_ATTR.findall(attrs))))
    out.append(html.unescape(body[last:]))
    text = "".join(out)
    for g in gold:
        g.text = text[g.start : g.end]
    return TimeMLDoc(path.stem, text, dct, gold)


def score(path: Path, details: bool = False) -> dict:
    """TempEval-3 timex scores of ``extract_timex`` over every ``*.tml`` under ``path``."""
    from truceline.nlp.runtime import BATCH_SIZE, get_nlp
    from truceline.nlp.timex import extract_timex

    t0 = time.perf_counter()
    docs = [read_tml(p) for p in sorted(Path(path).rglob("*.tml"))]
    nlp = get_nlp()
    strict = relaxed = PRF(0, 0, 0)
    tp_value = tp_type = n_rel = 0
    errors: list[dict] = []
    for doc, sdoc in zip(docs, nlp.pipe((d.text for d in docs), batch_size=BATCH_SIZE), strict=True):
        pred = extract_timex(doc.name, doc.text, sdoc, doc.dct)
        ps = [(t.evidence[0].span.start, t.evidence[0].span.end) for t in pred]
        gs = [(g.start, g.end) for g in doc.timex]
        strict += PRF(len(match_spans(ps, gs, 1.0)), len(ps), len(gs))
        pairs = match_spans(ps, gs, 1e-9)
        relaxed += PRF(len(pairs), len(ps), len(gs))
        n_rel += len(pairs)
        for i, j in pairs:
            ok_v = pred[i].value == doc.timex[j].value
            ok_t = pred[i].type == doc.timex[j].type
            tp_value += ok_v
            tp_type += ok_t
            if details and not (ok_v and ok_t and ps[i] == gs[j]):
                errors.append({"doc": doc.name, "kind": "attr", "pred": (pred[i].evidence[0].span.text, pred[i].type, pred[i].value),
                               "gold": (doc.timex[j].text, doc.timex[j].type, doc.timex[j].value)})
        if details:
            mp = {i for i, _ in pairs}
            mg = {j for _, j in pairs}
            errors += [{"doc": doc.name, "kind": "fp", "pred": (pred[i].evidence[0].span.text, pred[i].type, pred[i].value)}
                       for i in range(len(pred)) if i not in mp]
            errors += [{"doc": doc.name, "kind": "fn", "gold": (g.text, g.type, g.value)}
                       for j, g in enumerate(doc.timex) if j not in mg]
    value = PRF(tp_value, relaxed.n_pred, relaxed.n_gold)
    typ = PRF(tp_type, relaxed.n_pred, relaxed.n_gold)
    result = rounded({
        "n_docs": len(docs),
        "n_gold": relaxed.n_gold,
        "n_pred": relaxed.n_pred,
        "strict_precision": strict.precision, "strict_recall": strict.recall, "strict_f1": strict.f1,
        "relaxed_precision": relaxed.precision, "relaxed_recall": relaxed.recall, "relaxed_f1": relaxed.f1,
        "value_precision": value.precision, "value_recall": value.recall, "value_f1": value.f1,
        "type_f1": typ.f1,
        "value_accuracy": tp_value / n_rel if n_rel else 0.0,
        "type_accuracy": tp_type / n_rel if n_rel else 0.0,
        "seconds": time.perf_counter() - t0,
    })
    if details:
        result["errors"] = errors
    return result
