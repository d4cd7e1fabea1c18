"""Ingest throughput: spaCy md alone vs the whole truceline path (files to stored records), 1 and 2 workers.

Run:
  .venv/bin/python bench/throughput.py [--limit N] [--workers 1,2]           # throughput (default: all texts)
  .venv/bin/python bench/throughput.py --memory --sizes 1000,10000 [--workers 2] [--stream-only] [--corpus varied|cycled]

Texts are the PolNeAR articles in ../shared/gold/quotes/polnear/*/text (924 of them; read in
place; the whole-path runs write them to a temporary directory as .txt files and ingest them into
a fresh SQLite store there). Every measurement runs in its own fresh process, after the model is
loaded, so peak RSS (``VmHWM`` of the process; for pool workers the largest ``VmHWM`` sampled
among its descendants, see :class:`Descendants`) belongs to that measurement alone. The memory
mode needs more documents than there are texts: ``varied`` (the default, see :func:`varied`)
rewords every copy and re-prints a constant share of documents, as coverage does; ``cycled``
repeats the texts verbatim with a numbered first line, so each passage has ``n / 924`` copies and
the re-use work per document grows with ``n``. Its corpus is made and written by the parent
process: the measuring process only ingests the files, as a real run does (holding the 10,000
texts had kept 93 MB resident through the run, 65 MB more than holding 1,000).
It reports the peak RSS of the streaming part and of the whole run (the final verification
rebuild loads the store).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "quotes" / "polnear"


def texts(limit: int | None) -> list[str]:
    files = sorted(GOLD.glob("*/text/*.txt"))
    if not files:
        raise SystemExit(f"{GOLD}: no */text/*.txt files")
    return [f.read_text("utf-8") for f in files[:limit]]


def cycled(n: int) -> list[str]:
    base = texts(None)
    return [f"Copy {i // len(base) + 1} of report {i % len(base) + 1}.\n\n{base[i % len(base)]}" for i in range(n)]


_WORD = re.compile(r"[A-Za-z]+")


def varied(n: int, rate: float = 0.5, reuse: float = 0.1, window: int = 200) -> list[str]:
    """``n`` documents whose passages are about as often shared as in real coverage, whatever ``n``.

    Cycling ``n`` texts copies every passage ``n / len(base)`` times, so the re-use work per new
    document grows with the corpus, which real coverage does not do. Here the first pass keeps
    the texts as they are; every later copy swaps each word for a random corpus word with
    probability ``rate`` (case kept), so two copies share almost no 3-word shingle. And a
    ``reuse`` share of the documents re-prints (lightly edited) a document from the ``window``
    before it, as outlets re-print wire copy, so re-use links keep a constant rate.
    """
    base = texts(None)
    vocab = [w.lower() for t in base for w in _WORD.findall(t)]
    out: list[str] = []
    for i in range(n):
        rng = random.Random(i)
        if i >= window and rng.random() < reuse:
            source, r = out[rng.randrange(i - window, i)], 0.02
        else:
            source, r = base[i % len(base)], (rate if i >= len(base) else 0.0)

        def swap(m: re.Match[str], rng: random.Random = rng, r: float = r) -> str:
            if rng.random() >= r:
                return m.group()
            w = rng.choice(vocab)
            return w.capitalize() if m.group()[0].isupper() else w

        out.append(f"Report {i + 1}.\n\n" + _WORD.sub(swap, source))
    return out


def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process, of its finished children, and of the farther descendants
    :class:`Descendants` sampled (pool workers are the fork server's children, reaped by it): a
    figure that other load on the machine changes far less than wall time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime + sum(Descendants.cpu.values())


def children_mb() -> float:
    """The largest peak RSS among this process's descendants: those it reaped (``ru_maxrss`` of
    its children) and those :class:`Descendants` saw alive (pool workers are the fork server's
    children, and the server lives as long as this process)."""
    return max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, Descendants.peak_mb)


class Descendants(threading.Thread):
    """Samples the ``VmHWM`` of every live descendant process twice a second.

    A worker's high-water mark only rises, so the last sample before it exits is within half a
    second of its peak; replaced workers are sampled while they run.
    """

    peak_mb = 0.0
    cpu: dict[int, float] = {}  # pid -> CPU seconds last seen, for descendants that are not our children

    def __init__(self) -> None:
        super().__init__(daemon=True)

    def run(self) -> None:
        me, tick = os.getpid(), os.sysconf("SC_CLK_TCK")
        while True:
            parents: dict[int, int] = {}
            used: dict[int, float] = {}
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        fields = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
                        parents[int(d)] = int(fields[1])
                        used[int(d)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
                    except (OSError, ValueError, IndexError):
                        continue
            for pid in parents:
                p, hops = pid, 0
                while p in parents and p != me and hops < 8:
                    p, hops = parents[p], hops + 1
                if p == me and pid != me:
                    if parents[pid] != me:  # our own children are counted by RUSAGE_CHILDREN once reaped
                        Descendants.cpu[pid] = max(Descendants.cpu.get(pid, 0.0), used[pid])
                    try:
                        hwm = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                                   if line.startswith("VmHWM:"))  # fmt: skip
                    except (OSError, StopIteration, ValueError):
                        continue
                    Descendants.peak_mb = max(Descendants.peak_mb, hwm / 1024)
            time.sleep(0.5)


# --- one measurement (in a child process) ------------------------------------------------------


def measure_spacy(docs: list[str], workers: int) -> dict:
    from truceline.nlp.runtime import BATCH_SIZE, stock_nlp

    nlp = stock_nlp()  # as shipped: truceline's own copy has faster, exact stand-ins (nlp/components.py)
    c0, t0 = cpu_seconds(), time.perf_counter()
    for _ in nlp.pipe(docs, batch_size=BATCH_SIZE, n_process=workers):
        pass
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": cpu_seconds() - c0}


def write_corpus(docs: list[str], src: Path) -> None:
    src.mkdir(parents=True, exist_ok=True)
    for i, t in enumerate(docs):
        (src / f"{i:06d}.txt").write_text(t, "utf-8")


def measure_truceline(src: Path, workers: int, batch_size: int, verify: bool = True) -> dict:
    """The whole path on the ``.txt`` files in ``src``, into a fresh SQLite store."""
    from truceline.ingestion.textmeta import detect_language
    from truceline.nlp.pool import WARM_TEXT, warm_reading
    from truceline.pipeline import ingest, verify_store
    from truceline.store.engine import open_engine

    t_load = time.perf_counter()
    warm_reading()  # the model, loaded outside the timing as for spaCy alone, and the reading resources
    detect_language(WARM_TEXT)  # the language identifier's model
    with tempfile.TemporaryDirectory() as warm:  # verification's resources (boundaries, vocabularies, vectors)
        (Path(warm) / "warm.txt").write_text(WARM_TEXT, "utf-8")
        ingest([Path(warm) / "warm.txt"], db=f"sqlite:///{warm}/warm.db")
    from truceline.nlp.territory import areas, shapes

    shapes(), areas()  # the boundary file: a one-document corpus may never ask where a place is
    if workers > 1:  # the pool's fork server loads the model and reading resources once: also not timed
        from truceline.nlp.pool import open_pool

        pool = open_pool(workers)
        pool.close()
        pool.join()
    load_s = time.perf_counter() - t_load
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(f"sqlite:///{tmp}/store.db")
        c0, t0 = cpu_seconds(), time.perf_counter()
        summary = ingest([src], engine=engine, workers=workers, batch_size=batch_size, verify=False)
        stream_s = time.perf_counter() - t0
        stream_rss = vm_hwm_mb()
        t1 = time.perf_counter()
        if verify:
            verify_store(engine)
        verify_s = time.perf_counter() - t1
        cpu_s = cpu_seconds() - c0
        engine.dispose()
    return {"seconds": stream_s + verify_s, "cpu_seconds": cpu_s, "stream_seconds": stream_s, "verify_seconds": verify_s,
            "added": summary.added, "stream_rss_mb": stream_rss, "load_seconds": load_s}  # fmt: skip


def child(args: argparse.Namespace) -> None:
    if Path("/proc/self/stat").exists():
        Descendants().start()
    if args.dir:  # memory mode: the parent wrote the corpus, so this process never holds it (10,000 texts)
        src = Path(args.dir)
        out = measure_truceline(src, args.w, args.batch_size, verify=not args.stream_only)
        out.update(docs=len(list(src.glob("*.txt"))), words=args.words)
    else:
        docs = texts(args.limit)
        if args.one == "spacy":
            out = measure_spacy(docs, args.w)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                write_corpus(docs, Path(tmp))
                out = measure_truceline(Path(tmp), args.w, args.batch_size, verify=not args.stream_only)
        out.update(docs=len(docs), words=sum(len(t.split()) for t in docs))
    out.update(rss_mb=vm_hwm_mb(), child_rss_mb=children_mb())
    print(json.dumps(out))


def run_child(*extra: str) -> dict:
    cmd = [sys.executable, __file__, *extra]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- reports -----------------------------------------------------------------------------------


def throughput(args: argparse.Namespace) -> None:
    workers = [int(w) for w in args.workers.split(",")]
    rows: dict[tuple[str, int], dict] = {}
    for w in workers:
        for what in ("spacy", "truceline"):
            limit = ["--limit", str(args.limit)] if args.limit else []
            r = run_child("--one", what, "--w", str(w), *limit, "--batch-size", str(args.batch_size))
            rows[(what, w)] = r
            extra = (f"  (stream {r['stream_seconds']:.1f} s + verify {r['verify_seconds']:.1f} s; "
                     f"not timed: loading model and reading resources {r['load_seconds']:.1f} s)"
                     if what == "truceline" else "")  # fmt: skip
            print(f"{what:9} workers={w}: {r['docs']} docs {r['words']} words in {r['seconds']:7.2f} s  "
                  f"{r['docs'] / r['seconds']:6.2f} articles/s  {r['words'] / r['seconds']:7.0f} words/s  "
                  f"peak RSS {r['rss_mb']:.0f} MB (largest child {r['child_rss_mb']:.0f} MB){extra}", flush=True)
    for w in workers:
        a, b = rows[("spacy", w)], rows[("truceline", w)]
        print(f"workers={w}: whole path / spaCy alone = {a['seconds'] / b['seconds']:.2f} "
              f"(streaming part alone {a['seconds'] / b['stream_seconds']:.2f}; target >= 0.70); "
              f"in CPU seconds {a['cpu_seconds'] / b['cpu_seconds']:.2f}")
    if 1 in workers and 2 in workers:
        for what in ("spacy", "truceline"):
            print(f"{what}: 2 workers vs 1 = {rows[(what, 1)]['seconds'] / rows[(what, 2)]['seconds']:.2f}x (target >= 1.7x)")


def memory(args: argparse.Namespace) -> None:
    args.corpus = args.corpus or "varied"
    sizes = [int(s) for s in args.sizes.split(",")]
    w = int(args.workers.split(",")[0])
    got = []
    for n in sizes:
        extra = ["--stream-only"] if args.stream_only else []
        with tempfile.TemporaryDirectory() as tmp:  # the corpus is made here: its memory is not the measurement's
            docs = {"cycled": cycled, "varied": varied}[args.corpus](n)
            words = sum(len(t.split()) for t in docs)
            write_corpus(docs, Path(tmp))
            del docs
            r = run_child("--one", "truceline", "--w", str(w), "--dir", tmp, "--words", str(words),
                          "--batch-size", str(args.batch_size), *extra)
        got.append(r)
        print(f"{n:6} docs ({args.corpus}), workers={w}: {r['seconds']:.1f} s ({r['docs'] / r['stream_seconds']:.2f} docs/s streaming); "
              f"peak RSS streaming {r['stream_rss_mb']:.0f} MB, whole run {r['rss_mb']:.0f} MB "
              f"(largest child {r['child_rss_mb']:.0f} MB)", flush=True)
    if len(got) >= 2:
        a, b = got[0], got[-1]
        print(f"peak RSS streaming {sizes[-1]} vs {sizes[0]}: {b['stream_rss_mb'] / a['stream_rss_mb']:.3f} "
              f"(target <= 1.10); whole run incl. verification {b['rss_mb'] / a['rss_mb']:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="texts for the throughput mode (default: all)")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--memory", action="store_true", help="peak RSS at two corpus sizes")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--stream-only", action="store_true",
                    help="memory mode: measure the streaming ingest alone (no final verification)")
    ap.add_argument("--one", choices=["spacy", "truceline"], help=argparse.SUPPRESS)
    ap.add_argument("--w", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", choices=["varied", "cycled"], default=None,
                    help="memory mode: 'varied' (default: copies reworded, a constant re-print rate; see varied()) "
                         "or 'cycled' (verbatim copies: re-use per document grows with the corpus)")
    ap.add_argument("--dir", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--words", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        child(args)
    elif args.memory:
        memory(args)
    else:
        throughput(args)


if __name__ == "__main__":
    main()
