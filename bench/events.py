"""Event-coding speed: events coded per second after parsing, and the whole document path.

Run: .venv/bin/python bench/events.py [--texts DIR] [--limit N]
Texts default to the PolNeAR dev articles in ../shared/gold/quotes/polnear/dev/text (read in
place, never copied). All numbers come from one run, so the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "gold" / "quotes" / "polnear" / "dev" / "text"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=60)
    args = ap.parse_args()
    files = sorted(args.texts.glob("*.txt"))[: args.limit]
    if not files:
        raise SystemExit(f"{args.texts}: no .txt files")
    texts = [f.read_text("utf-8") for f in files]
    words = sum(len(t.split()) for t in texts)

    import truceline
    from truceline.events.coder import code_events
    from truceline.nlp.actors import link_actors
    from truceline.nlp.runtime import BATCH_SIZE, get_nlp

    nlp = get_nlp()
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=BATCH_SIZE))
    parse_s = time.perf_counter() - t0

    when = date(2016, 10, 1)
    linked = [link_actors(f"d{i}", t, d, when) for i, (t, d) in enumerate(zip(texts, docs, strict=True))]
    t0 = time.perf_counter()
    n_events = 0
    for i, (t, d, (actors, mentions)) in enumerate(zip(texts, docs, linked, strict=True)):
        n_events += len(code_events(f"d{i}", t, d, when, mentions, actors))
    code_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            shutil.copy(f, tmp)
        t0 = time.perf_counter()
        out, _ = truceline.extract([tmp])
        full_s = time.perf_counter() - t0

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"documents: {len(texts)}  words: {words}  events: {n_events}")
    print(f"spaCy md parse:         {parse_s:7.2f} s  {words / parse_s:9.0f} words/s")
    print(f"event coding (parsed):  {code_s:7.2f} s  {n_events / code_s:9.0f} events/s  {len(texts) / code_s:7.1f} docs/s")
    print(f"whole path (extract):   {full_s:7.2f} s  {words / full_s:9.0f} words/s  {len(out) / full_s:7.2f} docs/s")
    print(f"ratio whole path / parse time: {full_s / parse_s:.2f}   peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
