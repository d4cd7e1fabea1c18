"""Geoparsing: toponym spans (geotagging) and their coordinates (geocoding) against gold XML.

Reads GeoWebNews (Gritta et al. 2019) and the LGL / GeoVirus / TR-News family of XML files:
``<article>`` elements with a ``<text>`` and ``<toponyms><toponym>`` children whose offsets
(``start``/``end``, as child elements or attributes, relative to ``<text>``), name and gold
location (``latitude``/``longitude`` or ``lat``/``lon`` children, or a ``<gaztag geonameid=..>``
carrying ``<lat>``/``<lon>``) are read in any of those spellings.

Gold toponyms: GeoWebNews annotates expressions, demonyms, languages, homonyms and
non-toponyms too; the toponyms scored here are the annotations that carry gold coordinates
(literal, mixed, coercion, embedded, modifier and metonymic types), the set GWN georeferences.
For the other corpora every ``<toponym>`` is gold.

Metrics: span P/R/F1 with exact offsets (``threshold`` 1.0, GWN "strict") and with any overlap,
both via :func:`truceline.eval.metrics.match_spans`; for exactly matched toponyms with gold
coordinates and a predicted location: accuracy@161 km, mean/median error and the AUC of the
error curve (Gritta et al. 2018: mean of ln(1 + km) / ln(1 + 20039), lower is better; toponyms
matched but left unresolved count as the maximum error 20039 km in AUC and acc@161).
"""

from __future__ import annotations

import math
import statistics
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from truceline.eval.metrics import PRF, haversine_km, match_spans, rounded

MAX_KM = 20039.0  # half the Earth's circumference
NOT_TOPONYMS = {"Literal_Expression", "Non_Lit_Expression", "Non_Toponym", "Demonym", "Language", "Homonym"}


@dataclass
class GoldToponym:
    start: int
    end: int
    name: str
    lat: float | None
    lon: float | None
    geonames_id: int | None
    type: str | None = None


def _field(el: ET.Element, *names: str) -> str | None:
    for n in names:
        if n in el.attrib and el.attrib[n].strip():
            return el.attrib[n].strip()
        child = el.find(n)
        if child is not None and child.text and child.text.strip():
            return child.text.strip()
    return None


def _num(v: str | None) -> float | None:
    try:
        return float(v) if v is not None else None
    except ValueError:
        return None


def read_gold(path: Path) -> list[tuple[str, list[GoldToponym]]]:
    """(text, gold toponyms) per article."""
    # B314: a gold file the analyst names on the command line; the stdlib parser fetches no external
    # entities, and expat (>= 2.4.1, bundled with Python 3.11) refuses entity-expansion bombs
    root = ET.parse(path).getroot()  # nosec B314
    articles = [root] if root.tag == "article" else root.iter("article")
    out = []
    for art in articles:
        text_el = art.find("text")
        text = text_el.text or "" if text_el is not None else ""
        tops = []
        for tp in art.iter("toponym"):
            s, e = _num(_field(tp, "start")), _num(_field(tp, "end"))
            if s is None or e is None:
                continue
            gaz = tp.find("gaztag")
            loc = gaz if gaz is not None else tp
            lat = _num(_field(loc, "latitude", "lat") or _field(tp, "latitude", "lat"))
            lon = _num(_field(loc, "longitude", "lon", "lng") or _field(tp, "longitude", "lon", "lng"))
            gid = _field(gaz, "geonameid", "geonamesID") if gaz is not None else None
            gid = gid or _field(tp, "geonamesID", "geonameid")
            ttype = _field(tp, "type")
            if ttype in NOT_TOPONYMS:
                continue
            if ttype is not None and lat is None:  # GWN: only georeferenced annotations are toponyms
                continue
            name = _field(tp, "extractedName", "phrase", "name") or text[int(s) : int(e)]
            tops.append(GoldToponym(int(s), int(e), name, lat, lon, int(gid) if gid and gid.isdigit() else None, ttype))
        out.append((text, tops))
    return out


def auc(errors_km: list[float]) -> float:
    """Area under the error curve of Gritta et al. (2018), normalised to [0, 1]; lower is better."""
    if not errors_km:
        return 0.0
    return sum(math.log1p(min(e, MAX_KM)) for e in errors_km) / (len(errors_km) * math.log1p(MAX_KM))


def score(path: Path, limit: int | None = None) -> dict:
    """Toponym P/R/F1 (exact and overlap) and geocoding accuracy@161 km, mean/median error, AUC."""
    from truceline.nlp.geo import extract_places, get_index
    from truceline.nlp.runtime import BATCH_SIZE, get_nlp

    gold = read_gold(Path(path))[:limit]
    t0 = time.perf_counter()
    nlp = get_nlp()
    get_index()
    strict, loose = PRF(0, 0, 0), PRF(0, 0, 0)
    errors: list[float] = []
    n_unresolved = 0
    for i, ((text, tops), sdoc) in enumerate(zip(gold, nlp.pipe((t for t, _ in gold), batch_size=BATCH_SIZE), strict=False)):
        places = extract_places(f"gold{i}", text, sdoc)
        pred = []  # (start, end, place)
        for p in places:
            for ev in p.evidence:
                pred.append((ev.span.start, ev.span.end, p))
        pspans = [(s, e) for s, e, _ in pred]
        gspans = [(g.start, g.end) for g in tops]
        pairs = match_spans(pspans, gspans, 1.0)
        strict += PRF(len(pairs), len(pspans), len(gspans))
        loose += PRF(len(match_spans(pspans, gspans, 1e-9)), len(pspans), len(gspans))
        for pi, gi in pairs:
            g, place = tops[gi], pred[pi][2]
            if g.lat is None or g.lon is None:
                continue
            if place.lat is None or place.lon is None:
                n_unresolved += 1
                errors.append(MAX_KM)
                continue
            errors.append(haversine_km(place.lat, place.lon, g.lat, g.lon))
    resolved = [e for e in errors if e < MAX_KM]
    return rounded({
        "toponym_precision": strict.precision,
        "toponym_recall": strict.recall,
        "toponym_f1": strict.f1,
        "overlap_precision": loose.precision,
        "overlap_recall": loose.recall,
        "overlap_f1": loose.f1,
        "acc_at_161km": sum(e <= 161 for e in errors) / len(errors) if errors else 0.0,
        "acc_at_161km_resolved": sum(e <= 161 for e in resolved) / len(resolved) if resolved else 0.0,
        "mean_error_km": statistics.fmean(errors) if errors else 0.0,
        "median_error_km": statistics.median(errors) if errors else 0.0,
        "auc": auc(errors),
        "n_gold": strict.n_gold,
        "n_pred": strict.n_pred,
        "n_matched_with_coords": len(errors),
        "n_resolved": len(resolved),
        "n_unresolved": n_unresolved,
        "seconds": time.perf_counter() - t0,
    })
