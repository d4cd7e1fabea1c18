"""URL lists and the fetcher's URL checks on generated URLs: hosts in every spelling, odd
schemes, credentials, ports, IDNA, percent-escapes, control characters, BOMs and CRLF.

No DNS and no network: a resolver hook answers every name with addresses that are never
public, so every URL is either refused before a connection or is not a URL at all. The
properties: the fetcher only ever raises :class:`InputError` naming the URL; a loopback or
private address in any spelling is refused by default without asking DNS; every content
line of a list gives one item naming the list file and the line.
"""

from __future__ import annotations

import ipaddress

from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import any_text, budget, fuzzes, nasty
from truceline.ingestion.fetch import fetch, is_public_address
from truceline.ingestion.types import InputError, ReadOptions
from truceline.ingestion.urls import articles_from_url_list, is_url_list

PRIVATE_ANSWERS = ["127.0.0.1", "10.0.0.7", "169.254.169.254", "::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0",
                   "192.168.1.1", "100.64.0.1", "fe80::1"]


class Answers:
    """Resolve every name to one or more non-public addresses; record what was asked."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.answers


private_ipv4 = st.one_of(
    st.integers(0x7F000000, 0x7FFFFFFF), st.integers(0x0A000000, 0x0AFFFFFF), st.integers(0xAC100000, 0xAC1FFFFF),
    st.integers(0xC0A80000, 0xC0A8FFFF), st.integers(0xA9FE0000, 0xA9FEFFFF), st.just(0), st.just(0xA9FEA9FE),
).map(ipaddress.IPv4Address)


@st.composite
def spelled(draw, ip: ipaddress.IPv4Address) -> str:
    """One of the many ways a URL host can spell the same IPv4 address."""
    n = int(ip)
    b = list(ip.packed)
    forms = [
        str(ip), str(n), hex(n), "0" + oct(n)[2:],
        ".".join(hex(x) for x in b), ".".join("0" + oct(x)[2:] if x else "0" for x in b[:2]) + f".{b[2] * 256 + b[3]}",
        f"{b[0]}.{(b[1] << 16) + (b[2] << 8) + b[3]}", f"{b[0]}.{b[1]}.{(b[2] << 8) + b[3]}",
        f"[::ffff:{ip}]", f"[::ffff:{n >> 16:x}:{n & 0xFFFF:x}]", f"[64:ff9b::{n >> 16:x}:{n & 0xFFFF:x}]",
        f"{ip}.", hex(n).upper().replace("0X", "0x"),
    ]
    return draw(st.sampled_from(forms))


@st.composite
def url(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "hTTps", "ftp", "file", "gopher", "javascript", "data",
                                   "", "http:", "ws"]))
    host = draw(st.one_of(
        st.builds(lambda ip: ip, private_ipv4.flatmap(spelled)),
        st.sampled_from(["localhost", "LOCALHOST.", "a.localhost", "news.example", "xn--e1afmkfd.xn--p1ai",
                         "пример.рф", "ｌｏｃａｌｈｏｓｔ", "127。0。0。1", "[::1]", "[fd00::1]", "[::]", "[fe80::1%25eth0]",
                         "%31%32%37.0.0.1", "a..b", "-x-.example", "x" * 300, "", "[", "1.2.3.4.5", "256.1.1.1",
                         "08.1.1.1", "0x100000000"]),
        st.from_regex(r"[a-z0-9-]{1,20}(\.[a-z]{2,6}){1,2}", fullmatch=True),
    ))
    userinfo = draw(st.sampled_from(["", "", "", "public@", "user:pass@", "example.org@", "a@b@", "%40@"]))
    port = draw(st.sampled_from(["", "", ":80", ":8080", ":0", ":65535", ":65536", ":-1", ":x", ":99999999999"]))
    path = draw(st.sampled_from(["/", "", "/a?b=c#d", "/%2e%2e/%2e%2e/etc/passwd", "/\\..\\", "/é", "/\x00", "/ "]))
    sep = draw(st.sampled_from(["://", "://", ":/", ":///", ":\\\\", "//"]))
    out = f"{scheme}{sep}{userinfo}{host}{port}{path}"
    if draw(st.integers(0, 6)) == 0:
        out = draw(st.sampled_from([" ", "\t", "\ufeff", "\u202e"])) + out + draw(st.one_of(nasty, st.just("")))
    return out


@budget(400)
@given(target=url(), answer=st.lists(st.sampled_from(PRIVATE_ANSWERS), min_size=1, max_size=3))
@example(target="http://2130706433/", answer=["127.0.0.1"])
@example(target="http://0x7f.1/", answer=["127.0.0.1"])
@example(target="http://public@127.0.0.1/", answer=["127.0.0.1"])
@example(target="http://[::ffff:127.0.0.1]/", answer=["127.0.0.1"])
@example(target="http://0xa9fea9fe/latest/meta-data/", answer=["169.254.169.254"])
@example(target="http://x:65536/", answer=["127.0.0.1"])
@example(target="http://0x/", answer=["8.8.8.8"])
@example(target="http://0x7f.1./", answer=["8.8.8.8"])
@example(target="http://\x00/", answer=["127.0.0.1"])
@fuzzes("urls.fetch")
def test_the_fetcher_refuses_every_non_public_url_without_connecting(target: str, answer: list[str]) -> None:
    resolver = Answers(answer)
    try:
        fetch(target, ReadOptions(timeout_s=1, resolver=resolver))
    except InputError as err:
        assert err.source == target and err.reason and "\n" not in err.reason
        assert not err.reason.startswith("cannot connect"), "a connection was attempted"
    else:
        raise AssertionError(f"{target!r} was fetched")


@budget(200)
@given(ip=private_ipv4.flatmap(lambda ip: st.tuples(st.just(ip), spelled(ip))), port=st.integers(1, 65535))
@fuzzes("urls.spellings")
def test_a_private_ipv4_address_in_any_spelling_is_refused_without_dns(ip: tuple, port: int) -> None:
    address, host = ip
    assert not is_public_address(str(address))
    resolver = Answers(["8.8.8.8"])  # if the spelling went to DNS, the answer would pass the check
    target = f"http://{host}:{port}/"
    try:
        fetch(target, ReadOptions(timeout_s=1, resolver=resolver))
    except InputError as err:
        assert "refused" in err.reason or "invalid URL" in err.reason, err.reason
    else:
        raise AssertionError(f"{target} was fetched")
    assert resolver.asked == [], f"{host!r} was sent to DNS"


@st.composite
def url_list(draw) -> str:
    lines = draw(st.lists(st.one_of(url(), st.sampled_from(["", "# a comment", "   # indented comment", "\ufeff",
                                                           "not a url", "http://", "https:// spaced"]), any_text),
                          min_size=1, max_size=8))
    return draw(st.sampled_from(["\n", "\r\n", "\r", "\u2028"])).join(lines)


@budget(200)
@given(text=url_list())
@fuzzes("urls.list")
def test_every_content_line_of_a_url_list_gives_items_naming_the_list_and_line(text: str) -> None:
    is_url_list(text)
    options = ReadOptions(timeout_s=1, resolver=Answers(["10.0.0.1"]))
    items = list(articles_from_url_list(text, "list.urls", options))
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip().lstrip("\ufeff")
             and not line.strip().lstrip("\ufeff").startswith("#")]
    assert [i.line for i in items] == lines
    for item in items:
        assert isinstance(item, InputError), "nothing can be fetched here"
        assert item.source == "list.urls" and item.reason
