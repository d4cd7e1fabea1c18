"""Score :func:`truceline.nlp.quotes.extract_quotes` on a PolNeAR-style BRAT directory.

The directory has ``text/<name>.txt`` and ``attributions/<name>_<annotator>.ann`` (BRAT
standoff: ``Source``, ``Cue``, ``Content`` entities joined by ``Attribution`` events). Only
the text is read by the extractor.

Conventions (stated so numbers can be compared):

* One annotation per text: when several annotators did a text, the first ``.ann`` in
  name order is the reference (dev has two such texts with six annotators each).
* Each gold attribution is its ``Content`` entity; a discontinuous content
  (``start end;start end``, e.g. a quote split by "he said") counts as one span, its
  envelope from the first start to the last end. A prediction is likewise the envelope of
  its evidence spans.
* Content spans are matched one-to-one with :func:`truceline.eval.metrics.match_spans`
  at overlap 0.3, 0.8 (of the longer span) and exact offsets.
* **Direct** gold = a content that starts with a double quotation mark and ends with one
  (trailing ``.,;:`` and spaces ignored, a leading "that " allowed: "said that “…”");
  a quote split by its frame ("“A,” he said. “B.”") is direct too, as its envelope opens
  and closes with marks. **Direct** predictions = ``kind == "direct"``.
  The direct scores match those two sets against each other only.
* **Speaker accuracy** = share of content matches at overlap 0.3 whose predicted speaker
  span overlaps the gold ``Source`` span (a gold attribution without a source counts as
  wrong unless the prediction has no speaker either).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from truceline.eval.metrics import PRF, match_spans, rounded

_DOUBLE = "\"“”„‟«»"
THRESHOLDS = {"overlap03": 0.3, "overlap08": 0.8, "exact": 1.0}


@dataclass
class GoldAttribution:
    content: tuple[int, int]
    segments: list[tuple[int, int]]
    source: list[tuple[int, int]] | None
    direct: bool


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    """Gold attributions of one BRAT ``.ann`` file (entity text may hold newlines)."""
    ents: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if re.fullmatch(r"T\d+", parts[0]):
            typ, _, offs = parts[1].partition(" ")
            try:
                segs = [(int(a), int(b)) for a, b in (seg.split() for seg in offs.split(";"))]
            except ValueError:
                continue
            ents[parts[0]] = (typ, segs)
        elif re.fullmatch(r"E\d+", parts[0]):
            roles = {}
            for arg in parts[1].split():
                role, _, ref = arg.partition(":")
                roles[re.sub(r"\d+$", "", role)] = ref
            events.append(roles)
    out: list[GoldAttribution] = []
    for ev in events:
        c = ents.get(ev.get("Content", ""))
        if c is None or c[0] != "Content":
            continue
        segs = sorted(c[1])
        span = (segs[0][0], segs[-1][1])
        src = ents.get(ev.get("Source", ""))
        out.append(GoldAttribution(span, segs, src[1] if src else None, is_direct(text[span[0]:span[1]])))
    return out


def is_direct(content: str) -> bool:
    """Content that is one quotation: opens and closes with a double mark (trailing ``.,;:``
    ignored), optionally introduced by "that" (PolNeAR keeps the complementizer)."""
    s = re.sub(r"^that\s+", "", content.strip())
    s_end = s.rstrip(".,;: ")
    return len(s) > 1 and s[0] in _DOUBLE and s_end[-1:] in _DOUBLE


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(path: Path, limit: int | None = None) -> dict:
    """P/R/F1 of content spans (all and direct), speaker accuracy, counts and time."""
    from truceline.nlp.quotes import extract_quotes
    from truceline.nlp.runtime import BATCH_SIZE, get_nlp

    path = Path(path)
    anns: dict[str, Path] = {}
    for ann in sorted((path / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0] if not (path / "text" / f"{ann.stem}.txt").exists() else ann.stem
        anns.setdefault(name, ann)
    names = [n for n in sorted(anns) if (path / "text" / f"{n}.txt").exists()][:limit]
    texts = [(path / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names]

    t0 = time.perf_counter()
    nlp = get_nlp()
    prf = {k: PRF(0, 0, 0) for k in THRESHOLDS}
    dprf = {k: PRF(0, 0, 0) for k in THRESHOLDS}
    spk = [0, 0]
    dspk = [0, 0]
    for name, text, sdoc in zip(names, texts, nlp.pipe(texts, batch_size=BATCH_SIZE), strict=True):
        gold = read_ann(anns[name], text)
        quotes = extract_quotes(name, text, sdoc)
        pred = [(min(e.span.start for e in q.evidence), max(e.span.end for e in q.evidence)) for q in quotes]
        gspans = [g.content for g in gold]
        d_pred_idx = [i for i, q in enumerate(quotes) if q.kind == "direct"]
        d_gold_idx = [j for j, g in enumerate(gold) if g.direct]
        for key, thr in THRESHOLDS.items():
            pairs = match_spans(pred, gspans, thr)
            prf[key] += PRF(len(pairs), len(pred), len(gspans))
            dpairs = match_spans([pred[i] for i in d_pred_idx], [gspans[j] for j in d_gold_idx], thr)
            dprf[key] += PRF(len(dpairs), len(d_pred_idx), len(d_gold_idx))
            if key != "overlap03":
                continue
            for i, j in pairs:
                ok = _speaker_ok(quotes[i].speaker, gold[j].source)
                spk[0] += ok
                spk[1] += 1
            for a, b in dpairs:
                ok = _speaker_ok(quotes[d_pred_idx[a]].speaker, gold[d_gold_idx[b]].source)
                dspk[0] += ok
                dspk[1] += 1
    seconds = time.perf_counter() - t0
    out: dict = {"n_docs": len(names), "n_gold": prf["exact"].n_gold, "n_pred": prf["exact"].n_pred}
    for key in THRESHOLDS:
        out[f"content_precision_{key}"] = prf[key].precision
        out[f"content_recall_{key}"] = prf[key].recall
        out[f"content_f1_{key}"] = prf[key].f1
    for key in THRESHOLDS:
        out[f"direct_content_precision_{key}"] = dprf[key].precision
        out[f"direct_content_recall_{key}"] = dprf[key].recall
        out[f"direct_content_f1_{key}"] = dprf[key].f1
    out["n_gold_direct"] = dprf["exact"].n_gold
    out["n_pred_direct"] = dprf["exact"].n_pred
    out["speaker_accuracy"] = spk[0] / spk[1] if spk[1] else 0.0
    out["direct_speaker_accuracy"] = dspk[0] / dspk[1] if dspk[1] else 0.0
    out["n_speaker_scored"] = spk[1]
    out["seconds"] = seconds
    return rounded(out)


def _speaker_ok(pred, source: list[tuple[int, int]] | None) -> bool:
    if not source:
        return pred is None
    if pred is None:
        return False
    return any(_overlaps((pred.start, pred.end), s) for s in source)
