"""URLs to articles, fetched safely: the only stage that touches the network.

Takes an ``http(s)`` URL and gives the response body (:func:`fetch`) or the articles in it
(:func:`articles_from_url`: an HTML page, a feed, or plain text). Every URL the project
fetches goes through :func:`fetch`: URLs given to ``ingest``, the lines of URL lists and
the links of feed items alike. Ingest runs unattended over lists of URLs that other people
wrote, and a URL is a request to make *this* machine connect somewhere, so every fetch is
bounded and checked:

* only ``http``/``https``, no ``user@`` in the URL (it hides the real host from people who
  read the list); at most 5 redirects, each hop checked again from the start;
* the host is resolved (numeric spellings such as ``2130706433`` or ``0x7f.1`` are read as
  the address they spell, ``localhost`` is this machine by definition), and *every*
  address of the answer must be public: loopback, private, link-local (the cloud metadata
  address ``169.254.169.254``), unique-local, multicast, reserved and unspecified ones are
  refused unless ``allow_private`` (or ``allow_addresses`` names them); IPv4 inside IPv6
  (mapped, NAT64, 6to4, Teredo) is judged by the IPv4 address it carries;
* the connection goes to the address we checked, so DNS cannot swap in a private one
  between the check and the connect; environment proxies are never used;
* time: connect and read timeouts, and a deadline for the whole fetch (redirects, headers and
  body) that every socket operation honours, so a server dripping one byte a second is cut
  at the deadline; size: ``Content-Length`` over the cap is refused before the body, and the
  body is counted as it arrives, decompressed size included (a gzip bomb stops at the cap,
  decompressed in bounded steps); type: a body that is not HTML, a feed or text is refused
  from its ``Content-Type`` before it is read;
* every failure becomes one :class:`InputError` naming the URL and the reason; no network
  library's exception escapes.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from typing import Any

import httpcore
import httpx

from truceline.ingestion.decode import decode_bytes
from truceline.ingestion.feeds import articles_from_feed, is_feed
from truceline.ingestion.html import article_from_html
from truceline.ingestion.types import InputError, RawArticle, ReadOptions

USER_AGENT = "truceline/0.1 (+offline news verification)"
MAX_REDIRECTS = 5
# A server that answers every read just before the read timeout would never time out; the
# whole fetch (redirects included) gets this many read timeouts in total, then it is cut.
TOTAL_TIMEOUTS = 4
READ_CHUNK = 65536
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
)
_CONNECT_REASONS = (
    (errno.ECONNREFUSED, "connection refused", "connection refused"),
    (errno.ECONNRESET, "connection reset", "connection reset"),
    (errno.ENETUNREACH, "network is unreachable", "network unreachable"),
    (errno.EHOSTUNREACH, "no route to host", "no route to host"),
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_IPV4_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")
_NUMERIC_HOST = re.compile(r"[0-9a-fA-FxX.]+")
_HTTP_ERRORS = (httpcore.ProtocolError, httpcore.NetworkError, httpcore.UnsupportedProtocol, httpcore.ProxyError,
                ssl.SSLError, OSError, ValueError, UnicodeError)


@dataclass(frozen=True)
class Fetched:
    """One response body and what the server said about it."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes


def fetch(url: str, options: ReadOptions) -> Fetched:
    """GET ``url`` within the limits in ``options`` or raise :class:`InputError`."""
    budget = TOTAL_TIMEOUTS * options.timeout_s
    clock = _Deadline(time.monotonic() + budget, budget)
    current = url
    with _pool(clock) as pool:
        for hop in range(MAX_REDIRECTS + 1):
            try:
                result = _get(pool, current, options, clock)
            except InputError as err:
                reason = err.reason if hop == 0 else f"redirect to {current}: {err.reason}"
                raise InputError(url, reason) from None
            if isinstance(result, Fetched):
                return Fetched(url, current, result.status, result.content_type, result.charset, result.body)
            current = result
    raise InputError(url, f"too many redirects (more than {MAX_REDIRECTS})")


def articles_from_url(url: str, options: ReadOptions) -> Iterator[RawArticle | InputError]:
    """Fetch ``url`` and yield its article, or its items when it is a feed."""
    fetched = fetch(url, options)
    kind = _kind(fetched)
    if kind == "feed":
        yield from articles_from_feed(
            fetched.body, url, options, charset=fetched.charset, base_url=fetched.final_url
        )
    else:
        yield _page_article(fetched, kind, options)


def article_from_page(url: str, options: ReadOptions) -> RawArticle:
    """The article at ``url``, refusing feeds: a feed item's link must lead to one page."""
    fetched = fetch(url, options)
    kind = _kind(fetched)
    if kind == "feed":
        raise InputError(url, "link leads to a feed, not an article")
    return _page_article(fetched, kind, options)


# ----------------------------------------------------------------------------- one hop


def _get(pool: httpcore.ConnectionPool, url: str, options: ReadOptions, clock: _Deadline) -> Fetched | str:
    """One hop: the response, or the absolute URL it redirects to."""
    target = _parse_url(url)
    port = target.port or (443 if target.scheme == "https" else 80)
    addresses = host_addresses(target.host, port, options, clock)
    last: InputError | None = None
    for address in addresses:
        try:
            return _get_from(pool, target, address, port, options, clock)
        except _Unreachable as err:  # try the host's other addresses, as a browser would
            last = err.error
    raise last or InputError(url, "cannot connect: host has no addresses")


class _Unreachable(Exception):
    """A failed connect to one address: the caller may still try the host's others."""

    def __init__(self, error: InputError) -> None:
        self.error = error


def _get_from(pool: httpcore.ConnectionPool, target: httpx.URL, address: str, port: int, options: ReadOptions,
              clock: _Deadline) -> Fetched | str:
    """Request ``target`` from the already checked ``address``, keeping its host name (Host, SNI)."""
    url = str(target)
    headers = [(b"Host", target.netloc), (b"User-Agent", USER_AGENT.encode()), (b"Accept", _ACCEPT.encode()),
               (b"Accept-Encoding", b"gzip, deflate")]
    pinned = httpcore.URL(scheme=target.raw_scheme, host=address.encode("ascii"), port=port, target=target.raw_path)
    timeout = options.timeout_s
    extensions = {"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout},
                  "sni_hostname": target.host}
    try:
        with pool.stream("GET", pinned, headers=headers, extensions=extensions) as response:
            return _read(response, url, options)
    except httpcore.ConnectError as exc:
        raise _Unreachable(InputError(url, f"cannot connect: {_connect_reason(exc)}")) from None
    except httpcore.TimeoutException:
        raise InputError(url, clock.reason() if clock.expired() else f"timed out after {timeout:g} s") from None
    except _HTTP_ERRORS as exc:
        raise InputError(url, f"HTTP error: {_first_line(exc)}") from None


def _read(response: httpcore.Response, url: str, options: ReadOptions) -> Fetched | str:
    status = response.status
    headers = _headers(response)
    if status in _REDIRECTS:
        location = headers.get("location")
        if not location:
            raise InputError(url, f"HTTP {status} redirect without a Location header")
        try:  # relative to the name we asked for, not to the address we connected to
            return str(httpx.URL(url).join(location))
        except (httpx.InvalidURL, ValueError):
            raise InputError(url, f"bad redirect location {location!r}") from None
    if status >= 400:
        raise InputError(url, f"HTTP {status} {_reason_phrase(response)}".rstrip())
    media, charset = _content_type(headers.get("content-type", ""))
    if _media_kind(media) is None:  # refused before a byte of the body is read
        raise InputError(url, f"unsupported content type {media!r} (expected HTML, a feed or plain text)")
    _check_length(headers, url, options.max_bytes)
    body = _read_body(response, headers.get("content-encoding", ""), url, options.max_bytes)
    return Fetched(url, url, status, media, charset, body)


def _headers(response: httpcore.Response) -> dict[str, str]:
    """Response headers by lower-case name; repeated ones joined with commas (RFC 9110)."""
    out: dict[str, str] = {}
    for name, value in response.headers:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1").strip()
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


def _check_length(headers: dict[str, str], url: str, max_bytes: int) -> None:
    length = headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise InputError(url, f"response larger than the {_size(max_bytes)} limit")


def _read_body(response: httpcore.Response, encoding: str, url: str, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of body, counted after decompression (the deadline is the socket's)."""
    decoder = _decoder(encoding, url)
    chunks: list[bytes] = []
    total = 0
    for raw in response.iter_stream():
        for chunk in decoder.feed(raw, max_bytes - total + 1):
            total += len(chunk)
            if total > max_bytes:
                raise InputError(url, f"response larger than the {_size(max_bytes)} limit")
            chunks.append(chunk)
    tail = decoder.finish(url)
    if total + len(tail) > max_bytes:
        raise InputError(url, f"response larger than the {_size(max_bytes)} limit")
    chunks.append(tail)
    return b"".join(chunks)


# ----------------------------------------------------------------------------- content codings


class _Identity:
    def feed(self, data: bytes, limit: int) -> Iterator[bytes]:
        yield data

    def finish(self, url: str) -> bytes:
        return b""


class _Zlib:
    """gzip or deflate, inflated at most ``limit`` bytes at a time, so a bomb never fills memory."""

    def __init__(self, wbits: int, name: str) -> None:
        self.name = name
        self.wbits = wbits
        self.inflate = zlib.decompressobj(wbits)
        self.started = False

    def feed(self, data: bytes, limit: int) -> Iterator[bytes]:
        if not self.started and data:
            self.started = True
            if self.name == "deflate" and data[0] & 0x0F != 8:  # raw deflate, no zlib header (some servers)
                self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        while data:
            try:
                out = self.inflate.decompress(data, max(1, min(limit, READ_CHUNK)))
            except zlib.error as exc:
                raise _Corrupt(f"{self.name}: {exc}") from None
            data = self.inflate.unconsumed_tail
            if out:
                yield out
            if self.inflate.eof:
                return

    def finish(self, url: str) -> bytes:
        if self.started and not self.inflate.eof:
            raise InputError(url, f"cannot decode the response: truncated {self.name} data")
        return self.inflate.flush()


class _Corrupt(Exception):
    """Compressed data that does not inflate."""


_DECODERS: dict[str, Callable[[], Any]] = {
    "": _Identity,
    "identity": _Identity,
    "gzip": lambda: _Zlib(16 + zlib.MAX_WBITS, "gzip"),
    "x-gzip": lambda: _Zlib(16 + zlib.MAX_WBITS, "gzip"),
    "deflate": lambda: _Zlib(zlib.MAX_WBITS, "deflate"),
}


def _decoder(header: str, url: str) -> Any:
    """The decoder for a ``Content-Encoding`` (one coding; we only ever ask for gzip or deflate)."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
    if len(codings) > 1 or (codings and codings[0] not in _DECODERS):
        raise InputError(url, f"unsupported content encoding {header!r}")
    decoder = _DECODERS[codings[0] if codings else ""]()
    return _Checked(decoder, url)


class _Checked:
    """A decoder whose corrupt data becomes an :class:`InputError` for ``url``."""

    def __init__(self, inner: Any, url: str) -> None:
        self.inner, self.url = inner, url

    def feed(self, data: bytes, limit: int) -> Iterator[bytes]:
        try:
            yield from self.inner.feed(data, limit)
        except _Corrupt as exc:
            raise InputError(self.url, f"cannot decode the response: {exc}") from None

    def finish(self, url: str) -> bytes:
        return self.inner.finish(url)


# ----------------------------------------------------------------------------- URLs and addresses


def _parse_url(url: str) -> httpx.URL:
    """Parse and check the scheme, credentials and host before anything is resolved."""
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        shown = f"not {scheme!r}" if scheme else "and this has no scheme"
        raise InputError(url, f"only http(s) URLs are fetched, {shown}")
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise InputError(url, f"invalid URL: {_first_line(exc)}") from None
    if not parsed.host:
        raise InputError(url, "invalid URL: no host")
    if parsed.userinfo:
        raise InputError(url, "refused: the URL carries a user name or password ('user@host'), "
                              "which hides the host it really goes to")
    return parsed


def host_addresses(host: str, port: int, options: ReadOptions, clock: _Deadline | None = None) -> list[str]:
    """The addresses a fetch of ``host`` may connect to, every one checked, or :class:`InputError`.

    An address literal in any spelling is taken as the address it spells, without asking DNS;
    a name is resolved (by ``options.resolver`` when set) and refused when *any* of its
    addresses is not public, since the next lookup could return that one.
    """
    literal = _literal_address(host)
    if literal is not None:
        addresses = [literal]
    elif _is_localhost(host):
        addresses = ["127.0.0.1"] if options.allow_private or options.allow_addresses else []
        if not addresses:
            raise InputError(host, f"refused: {host!r} is this machine (loopback); pass --allow-private to fetch it")
    else:
        addresses = _resolve(host, port, options, clock)
    for address in addresses:
        if not _allowed(address, options):
            raise InputError(
                host,
                f"refused: host resolves to a private or loopback address ({address}); "
                "pass --allow-private to fetch it",
            )
    return addresses


def _literal_address(host: str) -> str | None:
    """The IP address ``host`` spells, if it is one: IPv6, dotted IPv4, or the decimal, octal
    and hex forms (``2130706433``, ``0x7f.1``, ``0177.0.0.1``) that resolvers and browsers accept."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        pass
    if not _NUMERIC_HOST.fullmatch(host) or not any(ch.isdigit() for ch in host):
        return None
    parts = host.removesuffix(".").split(".")  # one trailing dot is the root, as in "example.org."
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.fullmatch(p) for p in parts):
        return None
    numbers = [int(p[2:] or "0", 16) if p[:2].lower() == "0x" else int(p, 8) if p.startswith("0") else int(p)
               for p in parts]
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return str(ipaddress.IPv4Address(value))


def _is_localhost(host: str) -> bool:
    """``localhost`` and its subdomains always mean this machine (RFC 6761), whatever DNS says."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def _allowed(address: str, options: ReadOptions) -> bool:
    if options.allow_private or is_public_address(address):
        return True
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        return any(ip in ipaddress.ip_network(net, strict=False) for net in options.allow_addresses)
    except ValueError:
        return False


def _resolve(host: str, port: int, options: ReadOptions, clock: _Deadline | None) -> list[str]:
    """The host's addresses, in the resolver's order, within the timeout (and the deadline).

    ``getaddrinfo`` has no timeout of its own, so it runs in a daemon thread that we stop
    waiting for.
    """
    resolver = options.resolver or _system_resolver
    if clock is not None and clock.expired():
        raise InputError(host, clock.reason())
    wait = options.timeout_s if clock is None else min(options.timeout_s, clock.left())
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["addresses"] = [str(a) for a in resolver(host, port)]
        except Exception as exc:  # a pluggable resolver: whatever it raises, the host did not resolve
            box["error"] = exc

    worker = threading.Thread(target=work, name="truceline-resolve", daemon=True)
    worker.start()
    worker.join(wait)
    if worker.is_alive():
        raise InputError(host, f"cannot resolve host {host!r}: timed out after {wait:g} s")
    addresses = box.get("addresses")
    if not addresses:
        raise InputError(host, f"cannot resolve host {host!r}")
    return list(dict.fromkeys(addresses))  # type: ignore[arg-type]


def _system_resolver(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def is_public_address(address: str) -> bool:
    """False for any address that reaches this machine, its network or nowhere.

    IPv4 inside IPv6 (mapped, NAT64, 6to4, Teredo) is judged by the IPv4 address it
    carries, since that is where the packets end up.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        translated = ip.ipv4_mapped or _nat64(ip)
        if translated is not None:  # these prefixes are "reserved"; the IPv4 inside decides
            return is_public_address(str(translated))
        tunnelled = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if tunnelled is not None and not is_public_address(str(tunnelled)):
            return False
    flags = (ip.is_private, ip.is_loopback, ip.is_link_local, ip.is_multicast, ip.is_reserved, ip.is_unspecified)
    return not any(flags) and ip.is_global


def _nat64(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address behind the NAT64 well-known prefix (what DNS64 networks return)."""
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


# ----------------------------------------------------------------------------- the deadline


class _Deadline:
    """The end of the whole fetch; every socket operation gets at most the time left."""

    def __init__(self, at: float, budget: float) -> None:
        self.at, self.budget = at, budget
        self.binding = False  # the deadline, not the per-operation timeout, now limits each wait

    def left(self) -> float:
        return self.at - time.monotonic()

    def expired(self) -> bool:
        """True once a timeout may be the deadline's: report the whole-fetch limit, not the per-read one."""
        return self.binding or self.left() <= 0

    def reason(self) -> str:
        return f"timed out after {self.budget:g} s (the limit for the whole fetch, redirects included)"

    def cap(self, timeout: float | None, error: type[Exception]) -> float:
        left = self.left()
        if left <= 0:
            raise error("deadline passed")
        if timeout is None or left < timeout:
            self.binding = True
            return left
        return timeout


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, clock: _Deadline) -> None:
        self.inner, self.clock = inner, clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self.clock.cap(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self.clock.cap(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        tls = self.inner.start_tls(ssl_context, server_hostname, self.clock.cap(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls, self.clock)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Sockets whose every connect, read and write ends by the fetch's deadline."""

    def __init__(self, clock: _Deadline) -> None:
        self.clock = clock
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        stream = self.inner.connect_tcp(host, port, self.clock.cap(timeout, httpcore.ConnectTimeout), local_address,
                                        socket_options)
        return _DeadlineStream(stream, self.clock)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("unix sockets are not fetched")


def _pool(clock: _Deadline) -> httpcore.ConnectionPool:
    """One connection pool per fetch: no proxies, the environment's CA bundle
    (``SSL_CERT_FILE``/``SSL_CERT_DIR``) honoured, sockets bound to the deadline."""
    return httpcore.ConnectionPool(
        ssl_context=_ssl_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")),
        network_backend=_DeadlineBackend(clock),
        max_connections=2,
        retries=0,
    )


@cache
def _ssl_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    """Loading the CA bundle takes tens of milliseconds: once per bundle, not once per URL."""
    return httpx.create_ssl_context(trust_env=True)


# ----------------------------------------------------------------------------- what came back


def _connect_reason(exc: BaseException) -> str:
    """The cause of a failed connect in a few words, from its errno when there is one."""
    text = _first_line(exc)
    cause: BaseException | None = exc
    for _ in range(5):  # the chain is httpcore -> OSError; a short walk finds it
        if cause is None:
            break
        code = getattr(cause, "errno", None)
        for number, _needle, short in _CONNECT_REASONS:
            if code == number:
                return short
        cause = cause.__cause__ or cause.__context__
    lowered = text.lower()
    for _number, needle, short in _CONNECT_REASONS:
        if needle in lowered:
            return short
    if "certificate" in lowered:
        detail = re.search(r"certificate verify failed: (.*?)(?: \(_ssl\.c:\d+\))?$", text)
        return f"TLS certificate check failed ({detail.group(1) if detail else text})"
    return text


def _media_kind(media: str) -> str | None:
    """``html``, ``feed``, ``text`` or ``sniff`` (look at the body) for a media type we read; None otherwise."""
    if "html" in media:
        return "html"
    if any(word in media for word in ("rss", "atom", "xml")):
        return "feed"
    if media == "text/plain":
        return "text"
    if media in ("", "application/octet-stream"):
        return "sniff"
    return None


def _kind(fetched: Fetched) -> str:
    """``feed``, ``html`` or ``text``: what the body is, by header and then by content."""
    media = _media_kind(fetched.content_type)
    if is_feed(fetched.body):
        return "feed"
    if media is None:
        raise InputError(fetched.url, f"unsupported content type {fetched.content_type!r} "
                                      "(expected HTML, a feed or plain text)")
    if media == "sniff":
        head = fetched.body[:1024].lstrip().lower()
        return "html" if head.startswith((b"<!doctype html", b"<html")) else "text"
    return media  # a feed type whose body is not one: the feed parser says precisely why


def _page_article(fetched: Fetched, kind: str, options: ReadOptions) -> RawArticle:
    if not fetched.body.strip():
        raise InputError(fetched.url, "empty response (no content)")
    encoding = options.encoding or fetched.charset
    if kind == "html" and encoding is None:
        encoding = _declared_charset(fetched.body)
    text = decode_bytes(fetched.body, fetched.url, encoding)
    if kind == "html":
        return article_from_html(text, source=fetched.url, url=fetched.final_url)
    paragraphs = (p.strip() for p in re.split(r"\n\s*\n", text))
    return RawArticle(
        source=fetched.url,
        text="\n\n".join(p for p in paragraphs if p),
        raw=text,
        format="text",
        url=fetched.final_url,
    )


def _declared_charset(body: bytes) -> str | None:
    """``<meta charset>`` from the page head, for servers that send no charset."""
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _content_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _reason_phrase(response: httpcore.Response) -> str:
    phrase = response.extensions.get("reason_phrase", b"")
    if isinstance(phrase, bytes) and phrase.strip():
        return phrase.decode("latin-1").strip()
    try:
        return HTTPStatus(response.status).phrase
    except ValueError:
        return ""


def _size(n: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{round(n / scale, 1):g} {unit}"
    return f"{n} bytes"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
