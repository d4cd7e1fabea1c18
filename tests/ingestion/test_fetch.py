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
from loopback import Route, closed_port, page, serve

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
    assert err.reason == "timed out after 1.2 s (the limit for the whole fetch, redirects included)"
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


# --- safe fetching: every refusal on real servers (issue 8, part 4) --------------------------
# The loopback servers are reached only where a test allows them explicitly (allow_private,
# or allow_addresses naming 127.0.0.1 alone); each refusal is shown with the default options.

ONLY_LOOPBACK_SERVER = ("127.0.0.1/32",)


class Resolver:
    """A resolver hook that records the names asked and answers from a table (no DNS)."""

    def __init__(self, answers: dict[str, list[str]] | None = None) -> None:
        self.answers = answers or {}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise OSError(f"no answer for {host}")
        return self.answers[host]


def _refusal(url: str, options: ReadOptions) -> InputError:
    err = _error(url, options)
    assert err.source == url and err.message.startswith(url + ": ")
    assert "refused" in err.reason or "invalid URL" in err.reason, err.reason
    return err


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.255.255.254", "[::1]", "10.1.2.3", "172.16.5.4", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.1.1", "[fd00::1]", "[fd12:3456::1]", "[fe80::1]", "[::ffff:127.0.0.1]",
    "[::ffff:169.254.169.254]", "[::ffff:7f00:1]", "0.0.0.0", "0", "[::]", "localhost", "LOCALHOST.",
    "api.localhost", "2130706433", "0x7f.1", "0x7f000001", "017700000001", "0177.1", "127.1", "0x7f.0.0.1",
    "0xa9fea9fe", "2852039166", "0251.0376.0251.0376", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::]",
])
def test_private_and_loopback_hosts_in_any_spelling_are_refused_by_default(site: tuple[str, list], host: str) -> None:
    base, seen = site
    port = base.rsplit(":", 1)[1]
    resolver = Resolver({"localhost": ["127.0.0.1"], "api.localhost": ["127.0.0.1"]})
    before = len(seen)
    err = _refusal(f"http://{host}:{port}/article", ReadOptions(timeout_s=2, resolver=resolver))
    # dotted octal that httpx itself rejects is refused as an invalid URL: either way nothing is sent
    assert "private or loopback" in err.reason or "this machine" in err.reason or "Invalid IPv4" in err.reason
    assert resolver.asked == []  # literal spellings and localhost never reach DNS
    assert len(seen) == before  # nothing was sent


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "0177.0.1", "127.1", "localhost"])
def test_loopback_spellings_reach_the_loopback_server_only_when_allowed(site: tuple[str, list], host: str) -> None:
    base, seen = site
    port = base.rsplit(":", 1)[1]
    got = fetch(f"http://{host}:{port}/text", LOCAL)
    assert got.body == TEXT_BODY
    assert seen[-1][1]["host"] == f"{host}:{port}"  # the Host header keeps the name as written
    assert fetch(f"http://{host}:{port}/text", ReadOptions(allow_addresses=ONLY_LOOPBACK_SERVER)).body == TEXT_BODY


@pytest.mark.parametrize("answer", [
    ["93.184.216.34", "10.0.0.1"], ["10.0.0.1", "93.184.216.34"], ["2606:4700::1", "::1"],
    ["93.184.216.34", "169.254.169.254"], ["::ffff:127.0.0.1"], ["fd00::5"], ["0.0.0.0"], ["224.0.0.1"],
])
def test_a_name_with_any_private_address_in_its_answer_is_refused(answer: list[str]) -> None:
    resolver = Resolver({"news.example": answer})
    err = _refusal("http://news.example/a", ReadOptions(timeout_s=2, resolver=resolver))
    bad = next(a for a in answer if not is_public_address(a))
    assert err.reason == (f"refused: host resolves to a private or loopback address ({bad}); "
                          "pass --allow-private to fetch it")
    assert resolver.asked == ["news.example"]


def test_the_address_checked_is_the_address_connected(site: tuple[str, list]) -> None:
    """The answer is asked once per hop and the connection goes to it: a second, different
    answer (DNS rebinding) is never consulted."""
    base, seen = site
    port = base.rsplit(":", 1)[1]
    answers = iter([["127.0.0.1"], ["10.9.9.9"], ["10.9.9.9"]])
    calls: list[str] = []

    def rebinding(host: str, p: int) -> list[str]:
        calls.append(host)
        return next(answers)

    options = ReadOptions(timeout_s=2, resolver=rebinding, allow_addresses=ONLY_LOOPBACK_SERVER)
    assert fetch(f"http://rebind.example:{port}/text", options).body == TEXT_BODY
    assert calls == ["rebind.example"] and seen[-1][1]["host"] == f"rebind.example:{port}"


REDIRECT_TARGETS = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "http://10.0.0.1/admin",
    "http://[::1]/", "http://127.0.0.2/", "http://0x7f000002/", "http://[fd00::1]/",
    "http://internal.example/", "http://[::ffff:10.0.0.1]/", "http://192.168.0.1:8080/",
]


@pytest.mark.parametrize("target", REDIRECT_TARGETS)
def test_a_redirect_from_an_allowed_host_to_a_private_one_is_refused(target: str) -> None:
    resolver = Resolver({"internal.example": ["10.1.1.1"]})
    with serve({"/go": (302, {"Location": target}, b""), "/ok": page(b"<p>fine</p>")}) as (base, seen):
        options = ReadOptions(timeout_s=2, resolver=resolver, allow_addresses=ONLY_LOOPBACK_SERVER)
        err = _error(f"{base}/go", options)
        assert [path for path, _ in seen] == ["/go"]  # the first hop was allowed and fetched
    assert err.source == f"{base}/go"
    assert err.reason.startswith(f"redirect to {target}: refused"), err.reason


@pytest.mark.parametrize("target", ["file:///etc/passwd", "gopher://127.0.0.1:70/_x", "ftp://example.org/f",
                                    "dict://127.0.0.1:11211/stat", "data:text/html,<p>x</p>", "javascript:alert(1)"])
def test_a_redirect_to_another_scheme_is_refused(target: str) -> None:
    with serve({"/go": (301, {"Location": target}, b"")}) as (base, _):
        err = _error(f"{base}/go", LOCAL)
    scheme = target.split(":", 1)[0]
    assert err.reason.startswith(f"redirect to {scheme}:"), err.reason
    assert err.reason.endswith(f": only http(s) URLs are fetched, not {scheme!r}"), err.reason


def test_a_redirect_loop_is_cut_at_the_cap() -> None:
    with serve({"/loop": (302, {"Location": "/loop"}, b"")}) as (base, seen):
        err = _error(f"{base}/loop", LOCAL)
    assert err.reason == "too many redirects (more than 5)" and len(seen) == 6


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://example.org/1", "ftp://example.org/pub",
                                 "data:,hello", "javascript:alert(1)", "ws://example.org/", "mailto:a@b.c"])
def test_non_http_schemes_are_refused_before_anything_is_resolved(url: str) -> None:
    resolver = Resolver()
    err = _error(url, ReadOptions(resolver=resolver))
    assert err.source == url and "only http(s) URLs are fetched" in err.reason
    assert resolver.asked == []


@pytest.mark.parametrize("spelled", ["http://public@{h}/text", "http://user:pass@{h}/text",
                                     "http://example.org@{h}/text", "http://example.org:80@{h}/text"])
def test_userinfo_tricks_are_refused_even_when_private_addresses_are_allowed(site: tuple[str, list],
                                                                             spelled: str) -> None:
    base, seen = site
    url = spelled.format(h=base.removeprefix("http://"))
    before = len(seen)
    for options in (ReadOptions(), LOCAL):
        err = _refusal(url, options)
        assert "user name or password" in err.reason
    assert len(seen) == before


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, compresslevel=9)


def _deflate(data: bytes, raw: bool = False) -> bytes:
    import zlib

    c = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    return c.compress(data) + c.flush()


BOMB = _gzip(b"\0" * (64 * 1024 * 1024))  # 64 MB of zeros in about 64 KB


def _bomb_forever(handler: BaseHTTPRequestHandler) -> None:
    """A gzip stream of zeros without end, sent as fast as it is read."""
    import zlib

    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Encoding", "gzip")
    handler.end_headers()
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = c.compress(b"\0" * (1024 * 1024))
    for _ in range(10_000):
        handler.wfile.write(block + c.flush(zlib.Z_SYNC_FLUSH))
        block = c.compress(b"\0" * (1024 * 1024))


@pytest.fixture(scope="module")
def coded_site() -> Iterator[str]:
    body = ("Paragraph of a statement. " * 2000).encode()
    routes: dict[str, Route] = {
        "/bomb": (200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"}, BOMB),
        "/bomb-html": (200, {"Content-Type": "text/html", "Content-Encoding": "x-gzip"}, BOMB),
        "/deflate-bomb": (200, {"Content-Type": "text/plain", "Content-Encoding": "deflate"},
                          _deflate(b"\0" * (32 * 1024 * 1024))),
        "/raw-deflate-bomb": (200, {"Content-Type": "text/plain", "Content-Encoding": "deflate"},
                              _deflate(b"\0" * (32 * 1024 * 1024), raw=True)),
        "/bomb-forever": _bomb_forever,
        "/gzip": (200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"}, _gzip(body)),
        "/deflate": (200, {"Content-Type": "text/plain", "Content-Encoding": "deflate"}, _deflate(body)),
        "/raw-deflate": (200, {"Content-Type": "text/plain", "Content-Encoding": "deflate"}, _deflate(body, raw=True)),
        "/corrupt": (200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"}, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff garbage"),
        "/truncated": (200, {"Content-Type": "text/plain", "Content-Encoding": "gzip"}, _gzip(body)[:-12]),
        "/brotli": (200, {"Content-Type": "text/plain", "Content-Encoding": "br"}, b"\x0b\x02\x80hello\x03"),
        "/double": (200, {"Content-Type": "text/plain", "Content-Encoding": "gzip, gzip"}, _gzip(_gzip(body))),
    }
    with serve(routes) as (base, _):
        yield base


@pytest.mark.parametrize("path", ["/bomb", "/bomb-html", "/deflate-bomb", "/raw-deflate-bomb", "/bomb-forever"])
def test_compression_bombs_stop_at_the_cap_counting_decompressed_bytes(coded_site: str, path: str) -> None:
    import tracemalloc

    options = ReadOptions(allow_private=True, max_bytes=1024 * 1024, timeout_s=5)
    started = time.monotonic()
    tracemalloc.start()
    try:
        err = _error(f"{coded_site}{path}", options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.reason == "response larger than the 1 MB limit"
    assert peak < 8 * 1024 * 1024, f"{peak / 2**20:.1f} MB held while refusing a 1 MB cap"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate"])
def test_compressed_bodies_within_the_cap_are_decoded(coded_site: str, path: str) -> None:
    got = fetch(f"{coded_site}{path}", ReadOptions(allow_private=True, timeout_s=5))
    assert got.body == ("Paragraph of a statement. " * 2000).encode()


@pytest.mark.parametrize("path,reason", [
    ("/corrupt", "cannot decode the response: gzip: Error -3"), ("/truncated", "cannot decode the response: truncated gzip"),
    ("/brotli", "unsupported content encoding 'br'"), ("/double", "unsupported content encoding 'gzip, gzip'"),
])
def test_undecodable_bodies_are_named_errors(coded_site: str, path: str, reason: str) -> None:
    err = _error(f"{coded_site}{path}", ReadOptions(allow_private=True, timeout_s=5))
    assert err.source == f"{coded_site}{path}" and err.reason.startswith(reason), err.reason


def _one_byte_a_second(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    for _ in range(60):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(1.0)


def _drip_headers(handler: BaseHTTPRequestHandler) -> None:
    """The status line and headers one byte at a time: no read ever times out."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"p" * 400:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.05)


def _redirect_slowly(handler: BaseHTTPRequestHandler) -> None:
    """Each hop takes most of a read timeout, then redirects to the next: the total is what counts."""
    time.sleep(0.25)
    n = int(handler.path.rsplit("/", 1)[1])
    handler.send_response(302)
    handler.send_header("Location", f"/slow-hop/{n + 1}")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def test_a_server_sending_one_byte_a_second_is_cut_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch_module, "TOTAL_TIMEOUTS", 2)  # a 3 s deadline, with 1.5 s read timeouts
    with serve({"/drip": _one_byte_a_second}) as (base, _):
        started = time.monotonic()
        err = _error(f"{base}/drip", ReadOptions(allow_private=True, timeout_s=1.5))
        took = time.monotonic() - started
    assert err.reason == "timed out after 3 s (the limit for the whole fetch, redirects included)"
    assert 2.9 <= took < 5.0, took  # cut at the deadline, not after the 60 s the server would take


def test_headers_dripped_a_byte_at_a_time_are_cut_at_the_deadline() -> None:
    with serve({"/headers": _drip_headers}) as (base, _):
        started = time.monotonic()
        err = _error(f"{base}/headers", ReadOptions(allow_private=True, timeout_s=0.4))
        took = time.monotonic() - started
    assert err.reason == "timed out after 1.6 s (the limit for the whole fetch, redirects included)"
    assert took < 3.5, took  # the headers alone would take 20 s


def test_slow_redirect_hops_share_one_deadline() -> None:
    routes: dict[str, Route] = {f"/slow-hop/{n}": _redirect_slowly for n in range(6)}
    with serve(routes) as (base, seen):
        started = time.monotonic()
        err = _error(f"{base}/slow-hop/0", ReadOptions(allow_private=True, timeout_s=0.3))
        took = time.monotonic() - started
    assert "timed out after 1.2 s (the limit for the whole fetch" in err.reason
    assert took < 3.0 and len(seen) <= 5


def _endless_png(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.end_headers()
    handler.wfile.write(b"\x89PNG\r\n\x1a\n")
    for _ in range(100):
        handler.wfile.write(b"\0" * 65536)
        time.sleep(0.05)


@pytest.mark.parametrize("media", ["image/png", "application/pdf", "video/mp4", "application/zip",
                                   "application/x-msdownload", "audio/mpeg", "application/json"])
def test_a_body_of_another_type_is_refused_before_it_is_read(media: str) -> None:
    with serve({"/feed.xml": _endless_png, "/other": (200, {"Content-Type": media}, b"\0" * 100)}) as (base, _):
        started = time.monotonic()
        err = _error(f"{base}/feed.xml", LOCAL)
        assert time.monotonic() - started < 2.5  # the 5 s of body were never waited for
        assert err.message == (f"{base}/feed.xml: unsupported content type 'image/png' "
                               "(expected HTML, a feed or plain text)")
        other = _error(f"{base}/other", LOCAL)
    assert other.reason == f"unsupported content type {media!r} (expected HTML, a feed or plain text)"


def test_a_feed_items_link_to_an_image_is_refused_with_the_item_named(tmp_path: Path) -> None:
    from truceline.ingestion.feeds import articles_from_feed

    with serve({"/photo": _endless_png}) as (base, _):
        feed = (f"<rss version='2.0'><channel><title>W</title><item><title>t</title><link>{base}/photo</link>"
                "</item></channel></rss>").encode()
        [err] = list(articles_from_feed(feed, "feed.xml", ReadOptions(allow_private=True, follow_links=True,
                                                                        timeout_s=2)))
    assert isinstance(err, InputError) and (err.source, err.line) == ("feed.xml", 1)
    assert err.reason == f"{base}/photo: unsupported content type 'image/png' (expected HTML, a feed or plain text)"


def test_urls_lists_and_feed_links_all_go_through_the_one_guarded_fetcher(
    site: tuple[str, list], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from truceline.ingestion.readers import read_inputs

    base, _ = site
    fetched: list[str] = []
    real = fetch_module.fetch

    def recording(url: str, options: ReadOptions) -> Fetched:
        fetched.append(url)
        return real(url, options)

    monkeypatch.setattr(fetch_module, "fetch", recording)
    (tmp_path / "list.urls").write_text(f"{base}/text\n{base}/article\n", "utf-8")
    (tmp_path / "links.rss").write_bytes(
        f"<rss version='2.0'><channel><title>W</title><item><title>t</title><link>{base}/article</link></item>"
        "</channel></rss>".encode())
    inputs = [f"{base}/rss", str(tmp_path / "list.urls"), str(tmp_path / "links.rss")]
    allowed = list(read_inputs(inputs, ReadOptions(allow_private=True, follow_links=True, timeout_s=2)))
    assert all(isinstance(i, RawArticle) for i in allowed), allowed
    assert fetched == [f"{base}/rss", f"{base}/text", f"{base}/article", f"{base}/article"]
    fetched.clear()
    refused = list(read_inputs(inputs, ReadOptions(follow_links=True, timeout_s=2)))
    assert len(refused) == 4 and all(isinstance(i, InputError) and "refused" in i.message for i in refused)
    assert len(fetched) == 4  # the same fetcher refused each one
