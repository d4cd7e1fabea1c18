"""Crash trials: SIGKILL ``truceline ingest`` at random points and check the store after every kill.

Run:
  .venv/bin/python bench/crash_trials.py [--docs 1000] [--trials 24] [--db URL] [--seed 7] [--batch-size 50] [--json]

What it does, on a store given by ``--db`` (an SQLite file in a temporary directory by default; a
PostgreSQL URL names an empty database the harness may fill):

1. writes ``--docs`` short synthetic news reports (2-4 sentences: attacks, accusations, denials,
   ceasefires, talks, quotes, with varied parties, places, dates and outlets; some wire copies that
   re-use a sentence, near duplicates and exact duplicates, a few undated or with an outlet footer)
   as JSONL files, from templates and ``--seed``;
2. ingests them once, uninterrupted, into a reference store (SQLite, in the temporary directory);
3. starts ``truceline ingest`` on ``--db`` again and again and sends it SIGKILL at a point drawn
   from the seed: while it starts (before its first commit), right after a batch commits (between
   batches), part-way through a batch, or once every document is stored (the final verification
   rebuild; once a run has completed it, the rebuild of ``truceline verify``). After each kill it
   records where the kill landed (from the stored documents, the killed run's row and the
   ``verification_stale`` flag) and runs :func:`check_store`; a kill that missed its phase (the
   process finished first) is drawn again;
4. runs the ingest to completion and checks: exit status 0, exactly the expected document ids,
   :func:`check_store` empty, verification not stale, and every table's rows equal to the
   reference store's (row counts and a digest of the rows, without run ids, timestamps and
   autoincrement ids).

Importable: :func:`write_corpus`, :func:`expected_ids`, :func:`store_digest`, :func:`run_trials`
(the test ``tests/store/test_crash_safety.py`` runs it on SQLite and PostgreSQL).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

# --- the synthetic corpus ---------------------------------------------------------------------
# Each conflict: two parties (as news text names them: forces, ministries, leaders), the places
# fighting is reported from, a capital for talks, and the third parties that mediate or comment.
CONFLICTS: list[dict[str, Any]] = [
    {"sides": [
        {"forces": "Azerbaijani forces", "ministry": "Azerbaijan's defence ministry", "leader": "President Ilham Aliyev",
         "country": "Azerbaijan", "spokesman": "Hikmet Hajiyev, an aide to the Azerbaijani president"},
        {"forces": "Armenian forces", "ministry": "Armenia's defence ministry", "leader": "Prime Minister Nikol Pashinyan",
         "country": "Armenia", "spokesman": "Shushan Stepanyan, a spokeswoman for the Armenian defence ministry"}],
     "places": ["Stepanakert", "Shusha", "Fuzuli", "Tartar", "Ganja", "Barda", "Goris", "Lachin"],
     "talks": ["Moscow", "Geneva", "Minsk"], "mediators": ["Russia", "the OSCE Minsk Group", "France"]},
    {"sides": [
        {"forces": "the Sudanese army", "ministry": "the Sudanese armed forces", "leader": "General Abdel Fattah al-Burhan",
         "country": "Sudan", "spokesman": "an army spokesman, Nabil Abdallah"},
        {"forces": "the Rapid Support Forces", "ministry": "the Rapid Support Forces", "leader": "Mohamed Hamdan Dagalo",
         "country": "Sudan", "spokesman": "an RSF adviser, Mustafa Ibrahim"}],
     "places": ["Khartoum", "Omdurman", "El Fasher", "Nyala", "Wad Madani", "El Obeid"],
     "talks": ["Jeddah", "Addis Ababa", "Cairo"], "mediators": ["Saudi Arabia", "the United States", "the African Union"]},
    {"sides": [
        {"forces": "Ethiopian federal troops", "ministry": "the Ethiopian government", "leader": "Prime Minister Abiy Ahmed",
         "country": "Ethiopia", "spokesman": "government spokesman Legesse Tulu"},
        {"forces": "Tigrayan forces", "ministry": "the Tigray People's Liberation Front", "leader": "Debretsion Gebremichael",
         "country": "Ethiopia", "spokesman": "TPLF spokesman Getachew Reda"}],
     "places": ["Mekele", "Adigrat", "Shire", "Axum", "Dessie", "Gondar"],
     "talks": ["Pretoria", "Nairobi", "Addis Ababa"], "mediators": ["the African Union", "Kenya", "the United Nations"]},
    {"sides": [
        {"forces": "Houthi fighters", "ministry": "the Houthi movement", "leader": "Abdul-Malik al-Houthi",
         "country": "Yemen", "spokesman": "Houthi spokesman Mohammed Abdulsalam"},
        {"forces": "the Saudi-led coalition", "ministry": "the Saudi-led coalition", "leader": "Crown Prince Mohammed bin Salman",
         "country": "Saudi Arabia", "spokesman": "coalition spokesman Turki al-Maliki"}],
     "places": ["Sanaa", "Hodeidah", "Marib", "Taiz", "Aden", "Saada"],
     "talks": ["Muscat", "Riyadh", "Stockholm"], "mediators": ["Oman", "the United Nations", "Iran"]},
    {"sides": [
        {"forces": "Russian troops", "ministry": "Russia's defence ministry", "leader": "President Vladimir Putin",
         "country": "Russia", "spokesman": "Kremlin spokesman Dmitry Peskov"},
        {"forces": "Ukrainian forces", "ministry": "Ukraine's general staff", "leader": "President Volodymyr Zelensky",
         "country": "Ukraine", "spokesman": "Ukrainian Foreign Minister Dmytro Kuleba"}],
     "places": ["Kharkiv", "Donetsk", "Mariupol", "Kherson", "Zaporizhzhia", "Bakhmut", "Odesa"],
     "talks": ["Istanbul", "Minsk", "Geneva"], "mediators": ["Turkey", "the United Nations", "Qatar"]},
]
OUTLETS = [("Reuters", "reuters.com"), ("Associated Press", "apnews.com"), ("Agence France-Presse", "afp.com"),
           ("Al Jazeera", "aljazeera.com"), ("BBC News", "bbc.co.uk"), ("Press TV", "presstv.ir"),
           ("TASS", "tass.com"), ("Anadolu Agency", "aa.com.tr"), ("The Guardian", "theguardian.com"),
           ("Deutsche Welle", "dw.com"), ("Xinhua", "xinhuanet.com"), ("Euronews", "euronews.com")]  # fmt: skip
FOOTERS = {"Press TV": "Follow Press TV on Telegram for the latest updates.",
           "TASS": "All rights reserved. Reproduction without permission is prohibited."}  # fmt: skip
AUTHORS = ["Maria Tsvetkova", "Ahmed Hassan", "Laura Kelly", "Tom Balmforth", "Nafisa Eltahir", "Giulia Paravicini",
           "Mohammed Ghobari", "Olena Harmash", None, None, None]  # fmt: skip
NUMBERS = ["two", "three", "four", "five", "seven", "nine", "dozens of", "at least {k}", "more than {k}", "about {k}",
           "{k}"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip

OPENERS = [
    "{a_forces} shelled {target} in {place} on {when}, {b_ministry} said{attrib}.",
    "{a_ministry} accused {b_forces} of launching {weapon} strikes on {place} {when}{attrib}.",
    "{n} {victims} were killed when {weapon} fire hit {place} on {when}, {officials} said.",
    "{a_forces} and {b_forces} traded fire near {place} {overnight}, according to {a_ministry}.",
    "{a_ministry} said {b_forces} had violated the truce around {place} on {when}{attrib}.",
    "{a_leader} and {b_leader} agreed to a {truce} in {talks} on {when}, {mediator} said.",
    "Negotiators for {a_country} and {b_country} will meet in {talks} on {weekday} for {round} hosted by {mediator}.",
    "{mediator_cap} proposed a {plan} for {a_country} and {b_country} on {when}{attrib}.",
    "{a_forces} captured {n} villages near {place} on {when}, {a_ministry} said.",
    "{a_leader} threatened to retaliate against {b_forces} after the attack on {target} in {place}.",
]
FOLLOWERS = [
    "{b_ministry} denied the claim and said its troops had only returned fire{attrib}.",
    "\"{quote_a}\" said {a_spokesman}.",
    "\"The {truce} must be respected by both sides,\" {mediator} said in a statement on {weekday}.",
    "{b_spokesman} said the report about {place} was false.",
    "Under the agreement, both sides are to withdraw {weapons} from {place} within {days} days.",
    "{mediator_cap} called on both sides to halt the fighting and return to {round} in {talks}.",
    "Aid agencies said {n} families had fled {place} since {weekday}{attrib}.",
    "\"{quote_b}\" {b_leader} told reporters in {b_capital}.",
    "The two sides exchanged {n} prisoners near {place} on {when}, the International Committee of the Red Cross said.",
    "{a_ministry} said it had shot down {n} drones over {place} {overnight}.",
]
SLOTS = {
    "target": ["residential areas", "a hospital", "a market", "the main power station", "a school", "the airport",
               "a bridge", "army positions", "a fuel depot", "the old town"],
    "weapon": ["drone", "artillery", "rocket", "missile", "mortar", "air"],
    "victims": ["civilians", "people", "soldiers", "children", "aid workers", "residents"],
    "officials": ["local officials", "the regional governor", "hospital staff", "the health ministry",
                  "rescue workers", "a local council member"],
    "overnight": ["overnight", "on Sunday night", "early on Monday", "late on Friday", "for a third day",
                  "throughout the weekend"],
    "truce": ["humanitarian ceasefire", "ceasefire", "72-hour truce", "truce", "cessation of hostilities"],
    "round": ["talks", "a new round of talks", "peace talks", "indirect talks", "technical talks"],
    "plan": ["new peace plan", "six-point plan", "roadmap for peace", "prisoner exchange deal", "monitoring mission"],
    "weapons": ["heavy weapons", "artillery", "troops", "armoured vehicles", "forces"],
    "attrib": ["", "", "", ", citing witnesses", ", without giving details", " in a statement", ", citing its sources",
               " in a post on Telegram"],
    "quote_a": ["We will respond to every provocation", "Our forces are holding their positions",
                "We have not violated the ceasefire", "The enemy has suffered heavy losses",
                "We call on the international community to act", "There will be no retreat"],
    "quote_b": ["We are ready for negotiations, but not for surrender", "We want a lasting peace",
                "The other side must stop its attacks first", "Civilians must be protected",
                "We will not accept any ultimatum", "Dialogue is the only way forward"],
}
CAPITALS = {"Azerbaijan": "Baku", "Armenia": "Yerevan", "Sudan": "Port Sudan", "Ethiopia": "Addis Ababa",
            "Yemen": "Sanaa", "Saudi Arabia": "Riyadh", "Russia": "Moscow", "Ukraine": "Kyiv"}  # fmt: skip


def _when(rng: random.Random, published: date) -> str:
    """A date expression relative to the publication date, as reports write them."""
    day = published - timedelta(days=rng.randint(0, 6))
    style = rng.randrange(4)
    if style == 0:
        return WEEKDAYS[day.weekday()]
    if style == 1:
        return f"{day.day} {MONTHS[day.month - 1]}"
    if style == 2:
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    return "Sunday night" if day.weekday() == 6 else f"{WEEKDAYS[day.weekday()]} morning"


def _fill(template: str, rng: random.Random, conflict: dict[str, Any], published: date) -> str:
    a, b = rng.sample(conflict["sides"], 2)
    mediator = rng.choice(conflict["mediators"])
    values = {f"a_{k}": v for k, v in a.items()} | {f"b_{k}": v for k, v in b.items()}
    values |= {"place": rng.choice(conflict["places"]), "talks": rng.choice(conflict["talks"]), "mediator": mediator,
               "mediator_cap": mediator[0].upper() + mediator[1:],
               "n": rng.choice(NUMBERS).format(k=rng.randint(11, 300)),
               "when": _when(rng, published), "weekday": rng.choice(WEEKDAYS), "days": rng.choice([3, 7, 10, 14, 30]),
               "b_capital": CAPITALS[b["country"]]}  # fmt: skip
    values |= {k: rng.choice(v) for k, v in SLOTS.items()}
    text = template.format(**values)
    return text[0].upper() + text[1:]


def synthetic_documents(n: int, seed: int, exact_duplicates: bool = True) -> list[dict[str, Any]]:
    """``n`` JSONL records of short news reports: varied, reproducible from ``seed``.

    About 4% repeat an earlier record exactly (the same text: one document), 4% are near copies
    (an earlier text with a sentence added), 10% carry a sentence of an earlier report (wire copy:
    re-used passages), 5% have no publication date, and two outlets end with a footer (boilerplate).
    """
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    start = date(2019, 1, 1)
    for i in range(n):
        roll = rng.random()
        if out and roll < 0.04:
            if exact_duplicates:
                out.append(dict(rng.choice(out)))  # an exact duplicate: stored once
                continue
            roll = 0.5
        conflict = rng.choice(CONFLICTS)
        published = start + timedelta(days=rng.randrange(5 * 365))
        outlet, domain = rng.choice(OUTLETS)
        sentences = [_fill(rng.choice(OPENERS), rng, conflict, published)]
        sentences += [_fill(t, rng, conflict, published) for t in rng.sample(FOLLOWERS, rng.randint(1, 3))]
        if out and roll < 0.08:  # near duplicate: an earlier report with one sentence more
            prev = rng.choice(out)
            text = prev["text"] + "\n\n" + sentences[-1]
        else:
            if out and roll < 0.18:  # wire copy: a sentence of an earlier report, re-used
                borrowed = rng.choice(rng.choice(out)["text"].split("\n\n")[0].split(". "))
                sentences.insert(1, borrowed.rstrip(".") + ".")
            cut = rng.randint(1, len(sentences))
            text = " ".join(sentences[:cut]) + ("\n\n" + " ".join(sentences[cut:]) if cut < len(sentences) else "")
            if outlet in FOOTERS:
                text += "\n\n" + FOOTERS[outlet]
        rec: dict[str, Any] = {"id": f"synthetic-{seed}-{i}", "title": sentences[0][:80].rstrip(" ,."), "outlet": outlet,
                               "url": f"https://www.{domain}/news/{published.isoformat()}/{i}", "text": text}  # fmt: skip
        if rng.random() >= 0.05:
            rec["published"] = published.isoformat()
        if author := rng.choice(AUTHORS):
            rec["author"] = author
        out.append(rec)
    return out


def write_corpus(directory: Path, n: int = 1000, seed: int = 7, per_file: int = 100,
                 exact_duplicates: bool = True) -> list[Path]:
    """The synthetic corpus as JSONL files of ``per_file`` records: their paths, in ingest order."""
    directory.mkdir(parents=True, exist_ok=True)
    docs = synthetic_documents(n, seed, exact_duplicates)
    paths = []
    for k in range(0, len(docs), per_file):
        path = directory / f"reports-{k // per_file:03d}.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs[k : k + per_file]), "utf-8")
        paths.append(path)
    return paths


def expected_ids(paths: Sequence[Path]) -> list[str]:
    """The ids a complete ingest of ``paths`` stores, in order, each once (ids are content hashes)."""
    from truceline.ingestion.readers import read_inputs
    from truceline.ingestion.stages import document_id
    from truceline.ingestion.types import InputError, ReadOptions

    ids = (document_id(a.text) for a in read_inputs([str(p) for p in paths], ReadOptions())
           if not isinstance(a, InputError))  # fmt: skip
    return list(dict.fromkeys(ids))


# --- what a store holds, comparably ------------------------------------------------------------------
# Left out of the comparison: the runs (one per attempt), timestamps, autoincrement ids (a
# passage's band rows name their passage by its content instead) and the write counters in
# store_state, which count batches, not content.
UNCOMPARED_TABLES = {"runs"}
UNCOMPARED_COLUMNS = {"run_id", "updated_run_id"}
UNCOMPARED_STATE = {"generation", "verified_generation"}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float):
        return round(value, 12)
    return value


def store_digest(url: str) -> dict[str, tuple[int, str]]:
    """Per table: (row count, SHA-256 of its sorted rows), run ids, timestamps and surrogate ids left out."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.pool import NullPool

    from truceline.store.schema import UTCDateTime, metadata, passages, store_state

    engine = create_engine(url, poolclass=NullPool)
    out: dict[str, tuple[int, str]] = {}
    try:
        with engine.connect() as conn:
            passage_key = {r.id: [r.doc_id, r.start, r.end, r.kind]
                           for r in conn.execute(select(passages.c.id, passages.c.doc_id, passages.c.start,
                                                        passages.c.end, passages.c.kind))}  # fmt: skip
            for table in metadata.sorted_tables:
                if table.name in UNCOMPARED_TABLES:
                    continue
                cols = [c for c in table.columns
                        if not isinstance(c.type, UTCDateTime) and c.name not in UNCOMPARED_COLUMNS
                        and not (c.primary_key and c.autoincrement is True)]  # fmt: skip
                query = select(*cols)
                if table is store_state:
                    query = query.where(store_state.c.key.not_in(sorted(UNCOMPARED_STATE)))
                rows = []
                for r in conn.execute(query).mappings():
                    row = {k: _plain(v) for k, v in r.items()}
                    if "passage_id" in row:
                        row["passage_id"] = passage_key.get(row["passage_id"])
                    rows.append(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str))
                rows.sort()
                out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest())
    finally:
        engine.dispose()
    return out


@dataclass
class StoreView:
    """What the harness looks at between kills: document ids, the stale flag, the newest run."""

    ids: list[str]
    stale: str | None
    last_run: tuple[int, str] | None  # (id, status)


@lru_cache(maxsize=8)
def _window(url: str) -> Any:
    """A plain engine on the store under test, no pool (so it holds no session between looks)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url, poolclass=NullPool)


def look(url: str) -> StoreView:
    from sqlalchemy import select

    from truceline.store.schema import documents, runs, store_state

    try:
        with _window(url).connect() as conn:
            ids = [r for (r,) in conn.execute(select(documents.c.id))]
            stale = conn.execute(select(store_state.c.value).where(store_state.c.key == "verification_stale")).scalar()
            last = conn.execute(select(runs.c.id, runs.c.status).order_by(runs.c.id.desc()).limit(1)).first()
    except Exception:  # a fresh store: no tables yet
        return StoreView([], None, None)
    return StoreView(ids, stale, (int(last[0]), str(last[1])) if last else None)


def progress(url: str) -> tuple[int, int]:
    """(stored documents, newest run id), 0 while the store has no tables: what the harness polls."""
    from sqlalchemy import func, select

    from truceline.store.schema import documents, runs

    try:
        with _window(url).connect() as conn:
            n = conn.execute(select(func.count()).select_from(documents)).scalar_one()
            run = conn.execute(select(func.max(runs.c.id))).scalar()
            return int(n), int(run or 0)
    except Exception:
        return 0, 0


def check(url: str) -> list[str]:
    from truceline.store.integrity import check_store

    return check_store(_window(url))


# --- one ingest process and its kill --------------------------------------------------------------------


def ingest_command(paths: Sequence[Path], db: str, batch_size: int) -> list[str]:
    return [sys.executable, "-m", "truceline.cli", "ingest", *map(str, paths), "--db", db,
            "--batch-size", str(batch_size), "--json"]  # fmt: skip


def verify_command(db: str) -> list[str]:
    return [sys.executable, "-m", "truceline.cli", "verify", "--db", db]


@dataclass
class Timing:
    """How long an ingest takes to its first commit, between commits, and from the last to its exit."""

    first_commit_s: float = 6.0
    batch_s: float = 2.0
    verify_s: float = 8.0
    startup_s: float = 2.0  # from exec until the run's row is written

    def learn(self, first: float | None = None, batch: float | None = None, verify: float | None = None,
              startup: float | None = None) -> None:
        if first is not None:
            self.first_commit_s = first
        if batch is not None:
            self.batch_s = batch
        if verify is not None:
            self.verify_s = verify
        if startup is not None:
            self.startup_s = startup


@dataclass
class Seen:
    """What the harness has seen of a running ingest: the kill rules decide on it."""

    elapsed: float = 0.0  # seconds since the process started
    stored: int = 0  # documents in the store
    commits: list[float] = field(default_factory=list)  # when the stored count was seen to grow
    run_at: float | None = None  # when this process's run row appeared


def watch_ingest(paths: Sequence[Path], db: str, batch_size: int, total: int, log_dir: Path, name: str,
                 kill_when: Callable[[Seen], bool] | None = None, poll_s: float = 0.05,
                 command: list[str] | None = None) -> dict[str, Any]:
    """Run one ingest (or ``command``), polling the store; SIGKILL its process group when ``kill_when`` says so.

    Returns the exit code (None when killed), the commit times, the moment every document was
    seen stored, and the process's output files.
    """
    out, errf = log_dir / f"{name}.out", log_dir / f"{name}.err"
    start = time.monotonic()
    seen = Seen()
    seen.stored, first_run = progress(db)
    all_in: float | None = None
    killed = False
    with out.open("wb") as o, errf.open("wb") as e:
        proc = subprocess.Popen(command or ingest_command(paths, db, batch_size), stdout=o, stderr=e, cwd=ROOT,
                                start_new_session=True)  # fmt: skip
        while proc.poll() is None:
            seen.elapsed = time.monotonic() - start
            if kill_when is not None and kill_when(seen):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                killed = True
                break
            time.sleep(poll_s)
            stored, run = progress(db)
            now = time.monotonic() - start
            if run > first_run and seen.run_at is None:
                seen.run_at = now
            if stored != seen.stored:
                seen.commits.append(now)
                seen.stored = stored
                if stored >= total and all_in is None:
                    all_in = now
    return {"rc": None if killed else proc.returncode, "commits": seen.commits, "all_in_s": all_in,
            "run_at_s": seen.run_at, "elapsed_s": time.monotonic() - start, "stdout": out, "stderr": errf}  # fmt: skip


# --- the trials -------------------------------------------------------------------------------------------
AIMS = ("startup", "between-batches", "mid-batch", "verification")


@dataclass
class Trial:
    n: int
    aim: str
    landed: str
    stored_before: int
    stored_after: int
    stale: str | None
    problems: list[str]
    seconds: float


@dataclass
class Result:
    db: str
    generated: int
    expected: int
    trials: list[Trial] = field(default_factory=list)
    final_exit: int | None = None
    stored: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: int = 0
    unexpected: list[str] = field(default_factory=list)
    final_problems: list[str] = field(default_factory=list)
    final_stale: str | None = None
    tables_differing: list[str] = field(default_factory=list)
    compared_tables: int = 0
    seconds: float = 0.0

    @property
    def kills(self) -> int:
        return sum(t.landed != "completed" for t in self.trials)

    @property
    def problems(self) -> list[str]:
        return [p for t in self.trials for p in t.problems] + self.final_problems

    @property
    def ok(self) -> bool:
        return (self.final_exit == 0 and not self.problems and not self.lost and not self.duplicated
                and not self.unexpected and self.final_stale == "0" and not self.tables_differing)  # fmt: skip

    def summary(self) -> dict[str, Any]:
        return {"db": self.db, "documents_generated": self.generated, "documents_expected": self.expected,
                "trials": len(self.trials), "kills": self.kills,
                "kills_by_phase": dict(Counter(t.landed for t in self.trials if t.landed != "completed")),
                "kills_by_aim": dict(Counter(t.aim for t in self.trials if t.landed != "completed")),
                "problems_found": len(self.problems), "problems": self.problems[:20],
                "documents_stored": self.stored, "documents_lost": len(self.lost), "documents_duplicated": self.duplicated,
                "documents_unexpected": len(self.unexpected), "final_exit": self.final_exit,
                "final_verification_stale": self.final_stale, "tables_compared": self.compared_tables,
                "tables_differing_from_reference": self.tables_differing, "seconds": round(self.seconds, 1),
                "ok": self.ok}  # fmt: skip


def plan(trials: int, rng: random.Random) -> list[str]:
    """Aims for ``trials`` kills, a quarter each: while starting, just after a commit, part-way
    through a batch, during verification; the verification ones last (they need every document
    stored), the others shuffled."""
    n = max(1, trials // 4)
    early = ["startup"] * n + ["between-batches"] * n + ["mid-batch"] * max(1, trials - 3 * n)
    rng.shuffle(early)
    return early + ["verification"] * n


def _killer(aim: str, rng: random.Random, timing: Timing, total: int) -> Callable[[Seen], bool]:
    """When to send SIGKILL for an aim (the delay is drawn now, so a trial follows from the seed)."""
    if aim == "startup":  # anywhere from exec to the first commit
        at = rng.uniform(0.0, timing.first_commit_s)
        return lambda s: s.elapsed >= at or bool(s.commits)
    if aim == "between-batches":  # as soon as a commit is seen: the next batch has just begun
        return lambda s: bool(s.commits) or s.stored >= total
    if aim == "mid-batch":  # a drawn fraction of a batch's time after the first commit
        frac = rng.uniform(0.15, 0.85)
        return lambda s: bool(s.commits) and (s.stored >= total or s.elapsed >= s.commits[0] + frac * timing.batch_s)
    # verification: once every document is stored and the run is on, within the rebuild's usual length
    after = rng.uniform(0.05, 0.6) * timing.verify_s

    def during_verification(s: Seen) -> bool:
        if s.stored < total or s.run_at is None:
            return False
        since = max(s.run_at, s.commits[-1] if s.commits else 0.0)
        return s.elapsed >= since + after

    return during_verification


def _rebuild_killer(rng: random.Random, timing: Timing) -> Callable[[Seen], bool]:
    """``truceline verify``: past its start-up, part-way through the rebuild."""
    at = timing.startup_s + rng.uniform(0.1, 0.8) * timing.verify_s
    return lambda s: s.elapsed >= at


def _landed(before: StoreView, after: StoreView, total: int, rc: int | None) -> str:
    """Where the kill landed, from what the store shows afterwards."""
    if rc is not None:
        return "completed"
    new_run = after.last_run is not None and (before.last_run is None or after.last_run[0] > before.last_run[0])
    if not new_run:
        return "startup (before its run was recorded)"
    if len(after.ids) < total:
        return "batches (this run had committed some)" if len(after.ids) > len(before.ids) else "before its first commit"
    if after.stale == "1":
        return "final verification (every batch in, rebuild not committed)"
    return "after verification (run not yet closed)"


def run_trials(db: str, paths: Sequence[Path], trials: int = 24, seed: int = 7, batch_size: int = 50,
               reference: dict[str, tuple[int, str]] | None = None, timing: Timing | None = None,
               log_dir: Path | None = None, echo: Callable[[str], None] = lambda line: None) -> Result:
    """Kill ``trials`` ingests of ``paths`` into ``db`` at drawn points, checking the store after each;
    then complete the ingest and compare it with ``reference`` (a :func:`store_digest`)."""
    started = time.monotonic()
    rng = random.Random(seed)
    expected = expected_ids(paths)
    total = len(expected)
    timing = timing or Timing()
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="crash-logs-"))
    result = Result(db=_safe(db), generated=sum(1 for p in paths for line in p.open() if line.strip()), expected=total)
    aims = plan(trials, rng)
    k = 0
    while k < len(aims):
        aim = aims[k]
        before = look(db)
        if aim != "verification" and len(before.ids) >= total:
            aim = "verification"  # everything is stored already: only the rebuild is left to interrupt
        t0 = time.monotonic()
        if aim == "verification" and len(before.ids) >= total and before.stale == "0":
            # an ingest has nothing left to rebuild: interrupt the same rebuild run by `truceline verify`
            got = watch_ingest(paths, db, batch_size, total, log_dir, f"trial-{k:02d}", _rebuild_killer(rng, timing),
                               command=verify_command(db))  # fmt: skip
            landed = "completed" if got["rc"] is not None else "verification rebuild (truceline verify)"
            after = look(db)
        else:
            got = watch_ingest(paths, db, batch_size, total, log_dir, f"trial-{k:02d}", _killer(aim, rng, timing, total))
            after = look(db)
            landed = _landed(before, after, total, got["rc"])
        if got["rc"] not in (None, 0):
            landed = f"failed with exit {got['rc']}: {got['stderr'].read_text(errors='replace')[-500:]}"
        _learn(timing, got)
        problems = check(db)
        problems += [f"document {i} stored twice" for i, n in Counter(after.ids).items() if n > 1]
        problems += [f"unexpected document {i}" for i in sorted(set(after.ids) - set(expected))]
        problems += [f"document {i} lost (stored before the kill, gone after)" for i in sorted(set(before.ids) - set(after.ids))]
        trial = Trial(k, aim, landed, len(before.ids), len(after.ids), after.stale, problems, time.monotonic() - t0)
        result.trials.append(trial)
        echo(f"trial {k:2d} aim={aim:15s} landed={landed:40s} stored {trial.stored_before:4d} -> {trial.stored_after:4d} "
             f"stale={after.stale} problems={len(problems)} ({trial.seconds:.1f} s)")
        if aim == "verification" and landed.startswith("after verification"):
            # the rebuild was shorter than drawn: shorten the window, and aim at it again
            since = max(got["run_at_s"] or 0.0, got["all_in_s"] or 0.0)
            timing.learn(verify=max(0.5, 0.8 * (got["elapsed_s"] - since)))
        if landed == "completed" or (aim == "verification" and landed.startswith("after verification")):
            aims.append(aim)  # it missed the phase it aimed at: try the same aim again
            if len(aims) > 3 * trials:
                break
        k += 1
    got = watch_ingest(paths, db, batch_size, total, log_dir, "final")
    result.final_exit = got["rc"]
    final = look(db)
    result.stored = len(final.ids)
    result.lost = sorted(set(expected) - set(final.ids))
    result.duplicated = len(final.ids) - len(set(final.ids))
    result.unexpected = sorted(set(final.ids) - set(expected))
    result.final_stale = final.stale
    result.final_problems = check(db)
    if reference is not None:
        mine = store_digest(db)
        result.compared_tables = len(reference)
        result.tables_differing = sorted(t for t in set(reference) | set(mine) if reference.get(t) != mine.get(t))
    result.seconds = time.monotonic() - started
    echo(f"final: exit {result.final_exit}, {result.stored} stored of {total}, stale={final.stale}, "
         f"problems={len(result.final_problems)}, tables differing={result.tables_differing}")
    return result


def _learn(timing: Timing, got: dict[str, Any]) -> None:
    """Tune the kill delays to this machine from what an ingest showed (first commit, batch interval)."""
    commits = got["commits"]
    if commits:
        timing.learn(first=commits[0] * 1.2)
    if len(commits) >= 2:
        timing.learn(batch=(commits[-1] - commits[0]) / (len(commits) - 1))
    if got["run_at_s"] is not None:
        timing.learn(startup=got["run_at_s"])
    if got["rc"] == 0 and (got["all_in_s"] or got["run_at_s"]) is not None:
        since = max(got["all_in_s"] or 0.0, got["run_at_s"] or 0.0)
        timing.learn(verify=max(1.0, got["elapsed_s"] - since))


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def reference_store(paths: Sequence[Path], workdir: Path, batch_size: int = 50) -> tuple[dict[str, tuple[int, str]], Timing]:
    """An uninterrupted ingest of ``paths`` into a fresh SQLite store: its digest, and the timing it showed."""
    db = f"sqlite:///{workdir / 'reference.db'}"
    total = len(expected_ids(paths))
    got = watch_ingest(paths, db, batch_size, total, workdir, "reference")
    if got["rc"] != 0:
        raise RuntimeError(f"reference ingest failed ({got['rc']}): {got['stderr'].read_text(errors='replace')[-2000:]}")
    timing = Timing()
    _learn(timing, got)
    return store_digest(db), timing


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="synthetic documents to generate (default 1000)")
    ap.add_argument("--trials", type=int, default=24, help="kills (default 24; the issue asks for at least 20)")
    ap.add_argument("--db", help="store to kill ingests on (default: an SQLite file in a temporary directory)")
    ap.add_argument("--seed", type=int, default=7, help="seed of the corpus and of the kill points")
    ap.add_argument("--batch-size", type=int, default=50, help="documents per batch (default 50)")
    ap.add_argument("--workdir", type=Path, help="keep the corpus, stores and logs here (default: a temporary directory)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = ap.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="truceline-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    paths = write_corpus(workdir / "corpus", args.docs, args.seed)
    echo = (lambda line: print(line, file=sys.stderr, flush=True)) if args.json else print
    echo(f"{args.docs} documents in {workdir / 'corpus'}; reference ingest ...")
    reference, timing = reference_store(paths, workdir, args.batch_size)
    db = args.db or f"sqlite:///{workdir / 'trials.db'}"
    result = run_trials(db, paths, args.trials, args.seed, args.batch_size, reference, timing, workdir, echo)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key}: {value}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
