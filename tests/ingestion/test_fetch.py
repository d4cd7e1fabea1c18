"""Fetching over real HTTP on 127.0.0.1: limits, redirects, refusals and content dispatch."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from loopback import Route, closed_port, serve

from truceline.ingestion import fetch as fetch_module
from truceline.ingestion.fetch import (
    USER_AGENT,
    Fetched,
    articles_from_url,
    fetch,
    is_public_address,
)
from truceline.ingestion.types import InputError, RawArticle, ReadOptions

pytestmark = pytest.mark.network

LOCAL = ReadOptions(allow_private=True, timeout_s=2.0)

PARAGRAPHS = [
    "Leaders of Armenia, Azerbaijan and Russia signed a statement on 9 November 2020 that "
    "ended six weeks of fighting over Nagorno-Karabakh and the surrounding districts.",
    "Under the statement, Russian peacekeepers are to be deployed along the line of contact "
    "and the Lachin corridor for an initial period of five years, renewable automatically.",
    "Both sides are to exchange prisoners of war and the bodies of the dead, and the "
    "Office of the UN High Commissioner for Refugees is to oversee the return of displaced people.",
]
ARTICLE_HTML = (
    "<!doctype html><html><head><meta charset='utf-8'>"
    "<title>Ceasefire agreed in Nagorno-Karabakh | Example News</title>"
    "<meta name='author' content='Jane Doe'><meta property='og:site_name' content='Example News'>"
    "</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article>"
    "<h1>Ceasefire agreed in Nagorno-Karabakh</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article><script>var tracking = 'SECRET-TRACKER';</script></body></html>"
).encode()

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>http://example.org/</link>
<item><title>Ceasefire holds</title><link>http://example.org/a</link>
<pubDate>Tue, 10 Nov 2020 10:00:00 +0000</pubDate>
<description>&lt;p&gt;First paragraph.&lt;/p&gt;&lt;p&gt;Second paragraph.&lt;/p&gt;</description></item>
<item><title>Talks resume</title><link>http://example.org/b</link>
<description>Plain text summary.</description></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title><id>urn:x</id>
<updated>2020-11-10T00:00:00Z</updated>
<entry><title>Statement signed</title><id>urn:x:1</id><link href="http://example.org/s"/>
<updated>2020-11-09T23:00:00Z</updated><author><name>A. Writer</name></author>
<content type="html">&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;</content></entry>
</feed>"""
EMPTY_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title>
<link>http://example.org/</link></channel></rss>"""
TEXT_BODY = b"First paragraph of a statement.\r\n\r\n\r\nSecond paragraph,\nstill second.\n"

def _slow(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(1.5)
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    handler.wfile.write(b"too late")


def _endless(handler: BaseHTTPRequestHandler) -> None:
    """No Content-Length, 200 KB in 1 KB chunks: only the running count can stop it."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    for _ in range(200):
        handler.wfile.write(b"x" * 1024)
        handler.wfile.flush()
        time.sleep(0.01)


def _lying_length(handler: BaseHTTPRequestHandler) -> None:
    """Announces 10 MB, sends a little, then stalls: only an early refusal is quick."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Length", str(10 * 1024 * 1024))
    handler.end_headers()
    handler.wfile.write(b"x" * 100)
    handler.wfile.flush()
    time.sleep(1.5)


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """One byte every 0.1 s: never trips a read timeout, must trip the total one."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    for _ in range(80):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.1)


def _routes() -> dict[str, Route]:
    routes: dict[str, Route] = {
        "/article": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE_HTML),
        "/rss": (200, {"Content-Type": "application/rss+xml"}, RSS),
        "/atom": (200, {"Content-Type": "application/atom+xml; charset=utf-8"}, ATOM),
        "/empty-feed": (200, {"Content-Type": "application/rss+xml"}, EMPTY_RSS),
        "/feed-as-text": (200, {"Content-Type": "text/plain"}, RSS),
        "/text": (200, {"Content-Type": "text/plain; charset=utf-8"}, TEXT_BODY),
        "/latin1": (200, {"Content-Type": "text/plain; charset=ISO-8859-1"}, "Caf\xe9 talks.".encode("latin-1")),
        "/binary": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n\x00\x00"),
        "/moved": (302, {"Location": "/article"}, b""),
        "/big": (200, {"Content-Type": "text/plain"}, b"y" * 5000),
        "/endless": _endless,
        "/lying-length": _lying_length,
        "/slow": _slow,
        "/drip": _drip,
        "/server-error": (500, {"Content-Type": "text/plain"}, b"oops"),
        "/to-ftp": (301, {"Location": "ftp://example.org/file"}, b""),
        "/no-location": (302, {}, b""),
    }
    for hop in range(1, 7):  # /hop/1 -> ... -> /hop/6 -> /article: six redirects
        target = f"/hop/{hop + 1}" if hop < 6 else "/article"
        routes[f"/hop/{hop}"] = (302, {"Location": target}, b"")
    return routes


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    with serve(_routes()) as served:
        yield served


@pytest.fixture
def base(site: tuple[str, list]) -> str:
    return site[0]



def _error(url: str, options: ReadOptions) -> InputError:
    with pytest.raises(InputError) as info:
        list(articles_from_url(url, options))
    return info.value


# --- what is fetched -------------------------------------------------------------------


def test_fetch_returns_body_headers_and_sends_user_agent(site: tuple[str, list]) -> None:
    base, seen = site
    got = fetch(f"{base}/text", LOCAL)
    assert got == Fetched(f"{base}/text", f"{base}/text", 200, "text/plain", "utf-8", TEXT_BODY)
    path, headers = seen[-1]
    assert path == "/text"
    assert headers["user-agent"] == USER_AGENT == "truceline/0.1 (+offline news verification)"


def test_html_page_becomes_one_article(base: str) -> None:
    [article] = list(articles_from_url(f"{base}/article", LOCAL))
    assert isinstance(article, RawArticle)
    assert article.format == "html"
    assert article.source == article.url == f"{base}/article"
    assert article.title == "Ceasefire agreed in Nagorno-Karabakh"
    assert PARAGRAPHS[0] in article.text and PARAGRAPHS[2] in article.text
    assert "SECRET-TRACKER" not in article.text


def test_redirect_is_followed_and_final_url_recorded(base: str) -> None:
    got = fetch(f"{base}/moved", LOCAL)
    assert (got.url, got.final_url, got.status) == (f"{base}/moved", f"{base}/article", 200)
    [article] = list(articles_from_url(f"{base}/moved", LOCAL))
    assert article.source == f"{base}/moved" and article.url == f"{base}/article"


def test_five_redirects_are_followed_six_are_refused(base: str) -> None:
    assert fetch(f"{base}/hop/2", LOCAL).final_url == f"{base}/article"
    err = _error(f"{base}/hop/1", LOCAL)
    assert err.message == f"{base}/hop/1: too many redirects (more than 5)"


def test_rss_feed_url_yields_items(base: str) -> None:
    items = list(articles_from_url(f"{base}/rss", LOCAL))
    assert [i.title for i in items] == ["Ceasefire holds", "Talks resume"]
    assert all(isinstance(i, RawArticle) and i.format == "feed" and i.outlet == "Example Wire" for i in items)
    assert items[0].text == "First paragraph.\n\nSecond paragraph."
    assert items[0].published == "2020-11-10" and items[0].source == f"{base}/rss" and items[0].line == 1


def test_atom_feed_url_yields_items(base: str) -> None:
    [item] = list(articles_from_url(f"{base}/atom", LOCAL))
    assert (item.title, item.author, item.url, item.text) == ("Statement signed", "A. Writer", "http://example.org/s", "One.\n\nTwo.")
    assert item.published == "2020-11-09" and item.published_source == "feed"


def test_feed_served_as_text_plain_is_still_a_feed(base: str) -> None:
    assert len(list(articles_from_url(f"{base}/feed-as-text", LOCAL))) == 2


def test_feed_without_items_is_an_error(base: str) -> None:
    assert _error(f"{base}/empty-feed", LOCAL).message == f"{base}/empty-feed: feed has no items"


def test_plain_text_becomes_paragraphs(base: str) -> None:
    [article] = list(articles_from_url(f"{base}/text", LOCAL))
    assert article.format == "text" and article.url == f"{base}/text"
    assert article.text == "First paragraph of a statement.\n\nSecond paragraph,\nstill second."
    assert article.raw == "First paragraph of a statement.\n\n\nSecond paragraph,\nstill second.\n"


def test_http_charset_is_used_to_decode(base: str) -> None:
    [article] = list(articles_from_url(f"{base}/latin1", LOCAL))
    assert article.text == "Café talks."


def test_unsupported_content_type_is_an_error(base: str) -> None:
    assert "unsupported content type 'image/png'" in _error(f"{base}/binary", LOCAL).reason


# --- refusals and limits ---------------------------------------------------------------


def test_loopback_refused_without_allow_private(site: tuple[str, list]) -> None:
    base, seen = site
    before = len(seen)
    err = _error(f"{base}/article", ReadOptions())
    assert err.message == (
        f"{base}/article: refused: host resolves to a private or loopback address (127.0.0.1); "
        "pass --allow-private to fetch it"
    )
    assert len(seen) == before  # nothing was sent


@pytest.mark.parametrize("url,scheme", [("ftp://example.org/x", "ftp"), ("file:///etc/passwd", "file"), ("FTP://x/", "ftp")])
def test_non_http_scheme_refused(url: str, scheme: str) -> None:
    assert _error(url, LOCAL).message == f"{url}: only http(s) URLs are fetched, not '{scheme}'"


def test_redirect_to_other_scheme_refused(base: str) -> None:
    err = _error(f"{base}/to-ftp", LOCAL)
    assert err.source == f"{base}/to-ftp"
    assert err.reason == "redirect to ftp://example.org/file: only http(s) URLs are fetched, not 'ftp'"


def test_every_redirect_hop_is_checked_for_private_addresses(base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1 passes as 'public' here; the hop to 127.0.0.2 must still be refused."""
    real = fetch_module.is_public_address
    monkeypatch.setattr(fetch_module, "is_public_address", lambda a: a == "127.0.0.1" or real(a))
    port = base.rsplit(":", 1)[1]
    with serve({"/go": (302, {"Location": f"http://127.0.0.2:{port}/article"}, b"")}) as (other, _):
        err = _error(f"{other}/go", ReadOptions(timeout_s=2))
    assert err.reason.startswith(f"redirect to http://127.0.0.2:{port}/article: refused: host resolves to a private")


def test_connection_goes_to_checked_address_with_original_host(site: tuple[str, list], monkeypatch: pytest.MonkeyPatch) -> None:
    base, seen = site
    port = int(base.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    names: list[str] = []

    def fake(host: str, *args: object, **kwargs: object) -> list:
        names.append(host)
        return real("127.0.0.1" if host == "news.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    got = fetch(f"http://news.example:{port}/moved", LOCAL)
    assert got.final_url == f"http://news.example:{port}/article"
    assert [h["host"] for _, h in seen[-2:]] == [f"news.example:{port}"] * 2
    # resolved once per hop by the check; the connection never asks DNS again (no rebinding)
    assert names.count("news.example") == 2


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path, list[str]]]:
    """An HTTPS server with a self-signed certificate for ``news.example`` only."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=news.example",
         "-addext", "subjectAltName=DNS:news.example"],
        check=True, capture_output=True, timeout=30,
    )
    names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    with serve({"/secure": (200, {"Content-Type": "text/plain"}, b"over TLS")}, tls=context) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        yield port, cert, names


def _resolve_news_example(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda h, *a, **k: real("127.0.0.1" if h == "news.example" else h, *a, **k))


def test_https_to_checked_address_verifies_the_host_name(
    tls_site: tuple[int, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, cert, names = tls_site
    _resolve_news_example(monkeypatch)
    url = f"https://news.example:{port}/secure"
    err = _error(url, LOCAL)  # self-signed: not trusted by default
    assert err.reason == "cannot connect: TLS certificate check failed (self-signed certificate)"
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    assert fetch(url, LOCAL).body == b"over TLS"
    assert names[-1] == "news.example"  # SNI carries the name although we connect to the IP
    ip_url = f"https://127.0.0.1:{port}/secure"
    assert "IP address mismatch" in _error(ip_url, LOCAL).reason


def test_redirect_without_location_is_an_error(base: str) -> None:
    assert _error(f"{base}/no-location", LOCAL).reason == "HTTP 302 redirect without a Location header"


def test_http_errors_are_reported_with_status(base: str) -> None:
    assert _error(f"{base}/missing", LOCAL).message == f"{base}/missing: HTTP 404 Not Found"
    assert _error(f"{base}/server-error", LOCAL).reason == "HTTP 500 Internal Server Error"


def test_body_over_cap_refused(base: str) -> None:
    small = ReadOptions(allow_private=True, max_bytes=1000, timeout_s=2)
    assert _error(f"{base}/big", small).reason == "response larger than the 1000 bytes limit"
    assert fetch(f"{base}/big", ReadOptions(allow_private=True, max_bytes=5000)).body == b"y" * 5000


def test_streamed_body_stops_at_cap(base: str) -> None:
    small = ReadOptions(allow_private=True, max_bytes=4096, timeout_s=2)
    started = time.monotonic()
    assert _error(f"{base}/endless", small).reason == "response larger than the 4 KB limit"
    assert time.monotonic() - started < 1.5  # the full body would take over 2 s


def test_content_length_over_cap_refused_before_reading(base: str) -> None:
    options = ReadOptions(allow_private=True, max_bytes=10_000, timeout_s=0.5)
    assert _error(f"{base}/lying-length", options).reason == "response larger than the 9.8 KB limit"


def test_slow_server_times_out(base: str) -> None:
    started = time.monotonic()
    err = _error(f"{base}/slow", ReadOptions(allow_private=True, timeout_s=0.5))
    assert err.message == f"{base}/slow: timed out after 0.5 s"
    assert time.monotonic() - started < 1.4


def test_drip_feed_hits_total_deadline(base: str) -> None:
    started = time.monotonic()
    err = _error(f"{base}/drip", ReadOptions(allow_private=True, timeout_s=0.3))
    assert err.reason == "timed out after 1.2 s reading the response"
    assert time.monotonic() - started < 3


def test_closed_port_is_connection_refused() -> None:
    url = f"http://127.0.0.1:{closed_port()}/a"
    assert _error(url, LOCAL).message == f"{url}: cannot connect: connection refused"


def test_unresolvable_host_fails_fast() -> None:
    started = time.monotonic()
    err = _error("http://nonexistent.invalid/", ReadOptions(timeout_s=2))
    assert err.message == "http://nonexistent.invalid/: cannot resolve host 'nonexistent.invalid'"
    assert time.monotonic() - started < 3


def test_hanging_resolver_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: time.sleep(2))
    started = time.monotonic()
    err = _error("http://slow-dns.example/", ReadOptions(timeout_s=0.3))
    assert err.reason == "cannot resolve host 'slow-dns.example': timed out after 0.3 s"
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("url", ["http://[::1/", "http:///nohost", "example.org/page"])
def test_malformed_urls_are_input_errors(url: str) -> None:
    err = _error(url, LOCAL)
    assert err.source == url and err.reason


@pytest.mark.parametrize(
    "address,public",
    [
        ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.0.1", False),
        ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
        ("240.0.0.1", False), ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False),
        ("ff02::1", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
        ("64:ff9b::a00:1", False), ("2002:7f00:1::", False), ("not-an-ip", False),
        ("8.8.8.8", True), ("93.184.216.34", True), ("2606:4700::1", True), ("::ffff:8.8.8.8", True),
    ],
)
def test_public_address_classification(address: str, public: bool) -> None:
    assert is_public_address(address) is public
