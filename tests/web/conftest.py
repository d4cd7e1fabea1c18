"""Browser-test fixtures: the real app under uvicorn on a loopback port, over the sample corpus, and Chromium.

The stores are built once per session (in this process, so the language model loads once): the sample
corpus, and the sample corpus plus one hostile article (script tags and an onerror image in its title
and text). Each server runs in a thread on 127.0.0.1 with an ephemeral port; nothing leaves the machine.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "karabakh-2020"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

HOSTILE_TITLE = "Ceasefire <script>alert(1)</script> talks"
HOSTILE_TEXT = (
    "Armenia and Azerbaijan agreed to a humanitarian ceasefire in Moscow on Saturday, the Russian Foreign "
    "Ministry said. <script>alert(1)</script> Both sides accused each other of violating the truce. "
    "<img src=x onerror=alert(2)> The International Committee of the Red Cross will help exchange prisoners.\n\n"
    "Baku said Armenian forces shelled the city of Ganja on Sunday, an accusation Yerevan denied."
)

requires_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium "
                                       "(apt-get install chromium) to drive the dashboard with Playwright")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The truceline app (API + dashboard) served by uvicorn in a thread."""

    def __init__(self, db: str) -> None:
        import uvicorn

        from truceline.api import create_app

        self.db = db
        self.app = create_app(db)
        self.port = _free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.app.state.engine.dispose()


@pytest.fixture(scope="session")
def stores(tmp_path_factory) -> dict[str, str]:
    """SQLite URLs: ``sample`` (the bundled corpus) and ``hostile`` (the corpus plus one hostile article)."""
    from truceline.pipeline import ingest
    from truceline.store.engine import open_engine

    root = tmp_path_factory.mktemp("web-stores")
    hostile_dir = root / "hostile"
    hostile_dir.mkdir()
    (hostile_dir / "hostile.jsonl").write_text(json.dumps({
        "title": HOSTILE_TITLE, "outlet": "Test <b>Wire</b>", "published": "2020-10-18", "text": HOSTILE_TEXT,
    }) + "\n", encoding="utf-8")
    urls = {}
    for name, inputs in (("sample", [SAMPLE]), ("hostile", [SAMPLE, hostile_dir / "hostile.jsonl"])):
        url = f"sqlite:///{root / (name + '.db')}"
        engine = open_engine(url)
        ingest(inputs, engine=engine)
        engine.dispose()
        urls[name] = url
    return urls


@pytest.fixture(scope="session")
def server(stores) -> Iterator[Server]:
    with Server(stores["sample"]) as s:
        yield s


@pytest.fixture(scope="session")
def hostile_server(stores) -> Iterator[Server]:
    with Server(stores["hostile"]) as s:
        yield s


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page with its console errors, uncaught exceptions, dialogs and failed requests recorded."""

    def __init__(self, page, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url} {r.failure}"))

        def on_dialog(dialog) -> None:
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        # nothing but the app itself may be fetched: any other host is an error (and is refused)
        page.route("**/*", self._only_local)

    def _only_local(self, route) -> None:
        if route.request.url.startswith(self.base) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.errors.append(f"external request: {route.request.url}")
            route.abort()

    def open(self, hash_route: str, ready: str | None = None, timeout: float = 20_000):
        """Go to ``#/<hash_route>`` and wait until the view says it is ready."""
        self.page.goto(f"{self.base}#/{hash_route}")
        name = ready or hash_route.split("?")[0].split("/")[0]
        self.page.wait_for_selector(f'#view[data-ready="{name}"]', timeout=timeout)
        return self.page

    def shot(self, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def watched(browser, server) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Watched(page, server.url)
    context.close()


@pytest.fixture
def hostile(browser, hostile_server) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Watched(page, hostile_server.url)
    context.close()


@pytest.fixture
def review_server(stores, tmp_path) -> Iterator[Server]:
    """A private copy of the sample store (reviews write to it), served."""
    import sqlite3

    src_path = stores["sample"].removeprefix("sqlite:///")
    dest = tmp_path / "review.db"
    src, dst = sqlite3.connect(src_path), sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    with Server(f"sqlite:///{dest}") as s:
        yield s


@pytest.fixture
def reviewing(browser, review_server) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Watched(page, review_server.url)
    context.close()
