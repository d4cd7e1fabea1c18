"""API load test: ``truceline serve`` on loopback, a bounded asyncio httpx load per endpoint.

    .venv/bin/python bench/api_load.py [--store sample|synthetic|URL] [--events 100000]
                                       [--seconds 8] [--concurrency 16] [--json OUT]

Builds (or takes) a store, starts ``truceline serve --db ... --port ...`` as a child process
(uvicorn, one process), waits for it, then for each of the dashboard's main endpoints (meta,
an events page, incidents, agreements, the timeline and its buckets, a document) runs
``--concurrency`` clients for ``--seconds`` and reports requests/s and p50/p99 latency:
``cold`` is the first request after start (the store's generation not cached yet), then the
cached steady state, then clients revalidating with If-None-Match (304s). The client shares
the machine with the server: on a 2-core box the numbers include the client's own CPU.

Target: >= 500 requests/s for cached list endpoints on 2 cores, p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "karabakh-2020"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_store(kind: str, events: int, workdir: Path) -> str:
    if "://" in kind:
        return kind
    url = f"sqlite:///{workdir / f'{kind}.db'}"
    from truceline.store.engine import open_engine

    engine = open_engine(url)
    t0 = time.perf_counter()
    if kind == "sample":
        from truceline.pipeline import ingest

        ingest([SAMPLE], engine=engine)
    else:
        spec = importlib.util.spec_from_file_location("bench_queries", ROOT / "bench" / "queries.py")
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        data = bench.generate(events)
        bench.load(engine, data, bench.verification(data))
    engine.dispose()
    print(f"store {kind}: built in {time.perf_counter() - t0:.1f}s ({url})", flush=True)
    return url


def endpoints(client: httpx.Client) -> list[tuple[str, str]]:
    doc = client.get("/api/v1/documents", params={"limit": 1}).json()["items"][0]["id"]
    return [
        ("meta", "/api/v1/meta"),
        ("events page", "/api/v1/events?limit=50"),
        ("events ASSAULT page 3", "/api/v1/events?plover=ASSAULT&limit=50&offset=100"),
        ("incidents", "/api/v1/incidents?limit=50"),
        ("agreements", "/api/v1/agreements?limit=50"),
        ("timeline", "/api/v1/timeline?limit=50"),
        ("timeline buckets week", "/api/v1/timeline/buckets?interval=week"),
        ("document", f"/api/v1/documents/{doc}"),
    ]


async def _load(base: str, path: str, seconds: float, concurrency: int, etag: str | None) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    headers = {"If-None-Match": etag} if etag else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                r = await client.get(path, headers=headers)
                latencies.append((time.perf_counter() - t0) * 1000)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, max(0, math.ceil(p * len(latencies)) - 1))]

    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": statistics.median(latencies),
            "p99": pct(0.99), "statuses": statuses}  # fmt: skip


def run(url: str, seconds: float, concurrency: int) -> dict:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "truceline.cli", "serve", "--db", url, "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    results: dict = {}
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(600):
                try:
                    if client.get("/api/v1/meta").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("server did not start: " + server.stderr.read().decode()[-2000:])
            # restart-free "cold" measure: the first request of each endpoint in this server
            for name, path in endpoints(client):
                t0 = time.perf_counter()
                first = client.get(path)
                cold = (time.perf_counter() - t0) * 1000
                assert first.status_code == 200, (path, first.status_code, first.text[:300])
                cached = asyncio.run(_load(base, path, seconds, concurrency, None))
                revalidate = asyncio.run(_load(base, path, seconds / 2, concurrency, first.headers.get("etag")))
                results[name] = {"path": path, "cold_ms": cold, "bytes": len(first.content), "cached": cached,
                                 "revalidate_304": revalidate}  # fmt: skip
                print(f"  {name:24} cold {cold:8.1f} ms | cached {cached['rps']:7.0f} req/s p50 {cached['p50']:6.1f} "
                      f"p99 {cached['p99']:6.1f} ms | 304 {revalidate['rps']:7.0f} req/s p99 {revalidate['p99']:6.1f} ms"
                      f" | {len(first.content):,} B", flush=True)  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", action="append", default=None,
                    help="sample | synthetic | a store URL (repeatable; default: sample and synthetic)")
    ap.add_argument("--events", type=int, default=100_000, help="events in the synthetic store")
    ap.add_argument("--seconds", type=float, default=8.0, help="load per endpoint")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    report = {"cpus": os.cpu_count(), "concurrency": args.concurrency, "seconds": args.seconds, "stores": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.store or ["sample", "synthetic"]:
            url = build_store(kind, args.events, Path(tmp))
            print(f"[{kind}] {args.concurrency} clients, {args.seconds:g}s per endpoint, {os.cpu_count()} CPUs "
                  "(client and server share them)", flush=True)
            report["stores"][kind] = run(url, args.seconds, args.concurrency)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
