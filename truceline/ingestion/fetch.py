"""URLs to articles, fetched safely: the only stage that touches the network.

Takes an ``http(s)`` URL and gives the response body (:func:`fetch`) or the articles in it
(:func:`articles_from_url`: an HTML page, a feed, or plain text). Ingest runs unattended
over lists of URLs that other people wrote, so every fetch is bounded and checked:

* only ``http``/``https``; every redirect hop is checked again (at most 5 hops);
* the host is resolved once, every address must be public (unless ``allow_private``), and
  the connection goes to the address we checked, so DNS cannot swap in a private one
  between the check and the connect; environment proxies are ignored for the same reason;
* connect and read timeouts, a cap on the whole response time, and a byte cap on the body;
* every failure becomes one :class:`InputError` line; no httpx exception escapes.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus

import httpx

from truceline.ingestion.decode import decode_bytes
from truceline.ingestion.feeds import articles_from_feed, is_feed
from truceline.ingestion.html import article_from_html
from truceline.ingestion.types import InputError, RawArticle, ReadOptions

USER_AGENT = "truceline/0.1 (+offline news verification)"
MAX_REDIRECTS = 5
# A server that sends one byte per read timeout would never time out; the whole fetch
# (redirects included) gets this many read timeouts in total.
TOTAL_TIMEOUTS = 4
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
    deadline = time.monotonic() + TOTAL_TIMEOUTS * options.timeout_s
    current = url
    with _client(options) as client:
        for hop in range(MAX_REDIRECTS + 1):
            try:
                result = _get(client, current, options, deadline)
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


def _client(options: ReadOptions) -> httpx.Client:
    """No environment proxies (they would connect where we did not check), but the
    environment's CA bundle (``SSL_CERT_FILE``/``SSL_CERT_DIR``) is honoured."""
    return httpx.Client(
        timeout=httpx.Timeout(options.timeout_s),
        follow_redirects=False,
        trust_env=False,
        verify=httpx.create_ssl_context(trust_env=True),
        headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT},
    )


def _get(client: httpx.Client, url: str, options: ReadOptions, deadline: float) -> Fetched | str:
    """One hop: the response, or the absolute URL it redirects to."""
    target = _parse_url(url)
    host = target.raw_host.decode("ascii")
    port = target.port or (443 if target.scheme == "https" else 80)
    addresses = _resolve(host, port, options.timeout_s)
    if not options.allow_private:
        _refuse_private(addresses)
    last: InputError | None = None
    for address in addresses:
        try:
            return _get_from(client, target, address, options, deadline)
        except _Unreachable as err:  # try the host's other addresses, as a browser would
            last = err.error
    raise last or InputError(url, "cannot connect: host has no addresses")


class _Unreachable(Exception):
    """A failed connect to one address: the caller may still try the host's others."""

    def __init__(self, error: InputError) -> None:
        self.error = error


def _get_from(
    client: httpx.Client, target: httpx.URL, address: str, options: ReadOptions, deadline: float
) -> Fetched | str:
    """Request ``target`` from the already checked ``address``, keeping its host name."""
    url = str(target)
    try:
        pinned = target.copy_with(host=address)
        host_header = target.netloc.decode("ascii")
        sni = target.raw_host.decode("ascii")
        request = client.build_request("GET", pinned, headers={"Host": host_header}, extensions={"sni_hostname": sni})
        response = client.send(request, stream=True)
        try:
            return _read(response, url, options, deadline)
        finally:
            response.close()
    except httpx.ConnectError as exc:
        raise _Unreachable(InputError(url, f"cannot connect: {_connect_reason(exc)}")) from None
    except httpx.TimeoutException:
        raise InputError(url, f"timed out after {options.timeout_s:g} s") from None
    except httpx.DecodingError as exc:
        raise InputError(url, f"cannot decode the response: {_first_line(exc)}") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise InputError(url, f"HTTP error: {_first_line(exc)}") from None


def _read(response: httpx.Response, url: str, options: ReadOptions, deadline: float) -> Fetched | str:
    status = response.status_code
    if status in _REDIRECTS:
        location = response.headers.get("location")
        if not location:
            raise InputError(url, f"HTTP {status} redirect without a Location header")
        try:  # relative to the name we asked for, not to the address we connected to
            return str(httpx.URL(url).join(location))
        except (httpx.InvalidURL, ValueError):
            raise InputError(url, f"bad redirect location {location!r}") from None
    if status >= 400:
        raise InputError(url, f"HTTP {status} {_reason_phrase(response)}".rstrip())
    _check_length(response, url, options.max_bytes)
    body = _read_body(response, url, options, deadline)
    media, charset = _content_type(response.headers.get("content-type", ""))
    return Fetched(url, url, status, media, charset, body)


def _check_length(response: httpx.Response, url: str, max_bytes: int) -> None:
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise InputError(url, f"response larger than the {_size(max_bytes)} limit")


def _read_body(response: httpx.Response, url: str, options: ReadOptions, deadline: float) -> bytes:
    """Read at most ``max_bytes`` (decompressed) and stop at the deadline."""
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > options.max_bytes:
            raise InputError(url, f"response larger than the {_size(options.max_bytes)} limit")
        if time.monotonic() > deadline:
            raise InputError(url, f"timed out after {TOTAL_TIMEOUTS * options.timeout_s:g} s reading the response")
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_url(url: str) -> httpx.URL:
    """Parse and check the scheme and host before anything is resolved."""
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    if scheme not in ("http", "https"):
        shown = f"not {scheme!r}" if scheme else "and this has no scheme"
        raise InputError(url, f"only http(s) URLs are fetched, {shown}")
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise InputError(url, f"invalid URL: {_first_line(exc)}") from None
    if not parsed.host:
        raise InputError(url, "invalid URL: no host")
    return parsed


def _resolve(host: str, port: int, timeout_s: float) -> list[str]:
    """The host's addresses, in the resolver's order, within ``timeout_s``.

    ``getaddrinfo`` has no timeout of its own, so it runs in a daemon thread that we stop
    waiting for.
    """
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            box["error"] = exc

    worker = threading.Thread(target=work, name="truceline-resolve", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise InputError(host, f"cannot resolve host {host!r}: timed out after {timeout_s:g} s")
    infos = box.get("infos")
    if not infos:
        raise InputError(host, f"cannot resolve host {host!r}")
    addresses = [str(info[4][0]) for info in infos]  # type: ignore[attr-defined]
    return list(dict.fromkeys(addresses))


def _refuse_private(addresses: list[str]) -> None:
    for address in addresses:
        if not is_public_address(address):
            raise InputError(
                address,
                f"refused: host resolves to a private or loopback address ({address}); "
                "pass --allow-private to fetch it",
            )


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


def _connect_reason(exc: httpx.ConnectError) -> str:
    """The cause of a failed connect in a few words, from its errno when there is one."""
    text = _first_line(exc)
    cause: BaseException | None = exc
    for _ in range(5):  # the chain is httpx -> httpcore -> OSError; a short walk finds it
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


def _kind(fetched: Fetched) -> str:
    """``feed``, ``html`` or ``text``: what the body is, by header and then by content."""
    media = fetched.content_type
    if is_feed(fetched.body):
        return "feed"
    if "html" in media:
        return "html"
    if any(word in media for word in ("rss", "atom", "xml")):
        return "feed"  # the feed parser says precisely why it is not one
    if media == "text/plain":
        return "text"
    if media in ("", "application/octet-stream"):
        head = fetched.body[:1024].lstrip().lower()
        return "html" if head.startswith((b"<!doctype html", b"<html")) else "text"
    raise InputError(fetched.url, f"unsupported content type {media!r} (expected HTML, a feed or plain text)")


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


def _reason_phrase(response: httpx.Response) -> str:
    if response.reason_phrase:
        return response.reason_phrase
    try:
        return HTTPStatus(response.status_code).phrase
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
