"""Structured adversarial input for the fuzz suite, and the checks every output must pass.

Random text alone never reaches the interesting code: a quote extractor needs quotation
marks around a clause with a reporting verb, a coder needs an actor, a verb and a target.
So the strategies here build inputs from pieces: actor names from the actor dictionary,
verbs from the event-verb dictionary, reporting cues, gazetteer places, dates and numbers,
assembled into sentences and paragraphs, and then made hostile with the characters that
break parsers (NUL and other controls, bidi marks, combining marks, emoji and astral
characters, BOMs, CRLF, Unicode line and paragraph separators, mismatched curly quotes).
Markup is built the same way: trees of real tags, left unclosed at random, with scripts,
entities, comments and CDATA.

The checks are the properties of the project's output contract: every :class:`Span` (found by
walking any record generically) slices its document's text exactly and lies within it, and
an :class:`ExtractedDocument` validates against :func:`truceline.model.json_schema`.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

from hypothesis import settings
from hypothesis import strategies as st
from pydantic import BaseModel

from truceline.model import Span

EXAMPLES: Counter[str] = Counter()
FAILURES: Counter[str] = Counter()


# ----------------------------------------------------------------------------- budgets and counting


def budget(n: int) -> settings:
    """``n`` examples under the CI profile, scaled with the loaded profile (``deep`` is 10x)."""
    scale = settings.default.max_examples / 100
    return settings(max_examples=max(1, int(n * scale)), deadline=None)


def fuzzes(target: str) -> Callable:
    """Count every example a property test runs under ``target`` (goes under ``@given``)."""

    def decorate(test: Callable) -> Callable:
        @functools.wraps(test)
        def counted(*args: Any, **kwargs: Any) -> Any:
            EXAMPLES[target] += 1
            try:
                return test(*args, **kwargs)
            except Exception:
                FAILURES[target] += 1
                raise

        return counted

    return decorate


# ----------------------------------------------------------------------------- vocabulary from the project's data


def _data(name: str):
    return resources.files("truceline.data").joinpath(name)


@cache
def actor_names() -> list[str]:
    """Every curated actor, every country, and a fixed sample of the large dictionary."""
    names: list[str] = []
    for line in _data("actors_extra.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            names += [rec["name"], *rec.get("aliases", [])[:2]]
    with gzip.open(_data("actors.jsonl.gz"), "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            rec = json.loads(line)
            if rec.get("kind") == "country":
                names += [rec["name"], *rec.get("demonyms", [])[:1], *([rec["capital"]] if rec.get("capital") else [])]
            elif rec.get("kind") != "agent" and n % 211 == 0 and rec.get("name"):
                names.append(rec["name"])
    return sorted(set(names))


@cache
def verb_lemmas() -> list[tuple[str, str | None]]:
    """(lemma, particle) of every event verb, and the event nouns as (noun, None)."""
    out: set[tuple[str, str | None]] = set()
    for line in _data("event_verbs.jsonl").read_text("utf-8").splitlines():
        rec = json.loads(line)
        if rec["kind"] == "verb":
            out.add((rec["lemma"], rec["particle"]))
    return sorted(out, key=lambda t: (t[0], t[1] or ""))


@cache
def event_nouns() -> list[str]:
    return sorted({json.loads(line)["lemma"] for line in _data("event_verbs.jsonl").read_text("utf-8").splitlines()
                   if '"kind":"noun"' in line.replace(" ", "")})


@cache
def reporting_cues() -> list[str]:
    cues = []
    for line in _data("reporting_verbs.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cues.append(line.split("\t")[0].strip())
    return cues


@cache
def place_names() -> list[str]:
    out = []
    for line in _data("gazetteer.csv").read_text("utf-8").splitlines():
        if line and not line.startswith(("#", "name,")):
            name, alts = line.split(",")[:2]
            out += [name, *alts.split("|")[:2]]
    return sorted({n for n in out if n})


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan.", "Sept", "Dec"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Tues.", "Thurs"]
UNITS = ["year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "minutes", "decade",
         "decades", "century", "centuries", "quarter", "quarters", "weekend", "fortnight", "nights", "millennia"]
NUMBER_WORDS = ["a", "an", "one", "two", "three", "twelve", "twenty", "ninety", "a dozen", "half a", "a couple of",
                "several", "a few", "many", "some", "twenty-one", "two and a half"]
RELATIVE = ["last", "next", "this", "past", "coming", "the following", "the previous", "the same", "that",
            "this past", "the current", "the latest", "the first", "the final", "the next", "earlier"]
MODS = ["early", "mid", "mid-", "late", "about", "around", "more than", "less than", "nearly", "at least",
        "up to", "the end of", "the beginning of", "the middle of", "the first half of", "well over", "just under"]
TRAILERS = ["ago", "earlier", "later", "before", "after", "from now", "hence", "back", "or so", "or more",
            "and a half", "'s", "’s"]
FIXED_TIMEX = ["now", "today", "yesterday", "tomorrow", "tonight", "recently", "the past", "the future", "soon",
               "daily", "weekly", "every other week", "each three months", "Mondays", "noon", "midnight",
               "the day before yesterday", "overnight", "this morning", "last night", "the 1990s", "the '80s",
               "the nineties", "fiscal 99", "Q3", "Q5", "the third quarter", "the year-ago quarter", "spring",
               "this coming winter", "the week of March 3", "the month of May", "the third day", "the 21st day",
               "year-end", "two-year", "44-year-old", "24:30", "12:00 p.m.", "0:99 am", "25 o'clock",
               "10 p.m. EST", "9 a.m. local time", "the year two thousand"]
OPEN_QUOTES = ["\"", "“", "„", "‘", "«", "'", "‹", "「"]
CLOSE_QUOTES = ["\"", "”", "’", "»", "'", "›", "」", ""]
# characters that break parsers: controls, bidi, zero-width, combining, emoji, astral, BOM, separators
NASTY = ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1a", "\x1b", "\x7f", "\x85", "\u200b", "\u200d", "\u200e",
         "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\u0301", "\u0308\u0301", "\u20dd", "\ufeff", "\ufffd",
         "\ufffe", "\u2028", "\u2029", "\u00a0", "\u00ad", "\u3000", "😀", "👩‍👩‍👧", "🇦🇿", "𝔄", "𝟘", "\U0001d11e",
         "\U000e0041", "\r\n", "\r", "\n", "\n\n", "\t", "ﷺ", "ﬃ", "İ", "ß", "ǅ", "Ⅻ", "١٢", "אבג", "مرحبا"]
PUNCT = [",", ".", ";", ":", "!", "?", "—", "–", "-", "(", ")", "[", "]", "…", "/", "&", "%", "$", "#", "@"]


def _inflect(lemma: str) -> list[str]:
    from truceline.events.petrdict import verb_forms

    return sorted(verb_forms(lemma))


# ----------------------------------------------------------------------------- text pieces

nasty = st.sampled_from(NASTY)
plain_word = st.from_regex(r"[A-Za-z][a-z]{0,11}", fullmatch=True)
any_text = st.text(max_size=40)
actor = st.deferred(lambda: st.sampled_from(actor_names()))
place = st.deferred(lambda: st.sampled_from(place_names()))
cue = st.deferred(lambda: st.sampled_from(reporting_cues()))
number = st.one_of(
    st.integers(-10**6, 10**12).map(str),
    st.integers(0, 10**6).map(lambda n: f"{n:,}"),
    st.sampled_from(["1.5", "0", "00", "007", "1e9", "10" * 30, "½", "٣", "III", "thousands", "dozens", "-3"]),
    st.sampled_from(NUMBER_WORDS),
)


@st.composite
def verb(draw) -> str:
    lemma, particle = draw(st.sampled_from(verb_lemmas()))
    form = draw(st.sampled_from(_inflect(lemma)))
    return f"{form} {particle}" if particle else form


@st.composite
def date_phrase(draw) -> str:
    """A temporal expression assembled from modifiers, numbers, units, months, weekdays and years."""
    year = draw(st.one_of(st.integers(1, 9999), st.integers(-50, 10**6), st.sampled_from([1990, 2020, 2021, 9999])))
    day = draw(st.integers(0, 40))
    forms = [
        f"{draw(st.sampled_from(MONTHS))} {day}, {year}",
        f"{day} {draw(st.sampled_from(MONTHS))} {year}",
        f"{draw(st.sampled_from(WEEKDAYS))}, {draw(st.sampled_from(MONTHS))} {day}",
        f"{year}-{draw(st.integers(0, 13)):02d}-{day:02d}",
        f"{draw(st.integers(0, 13))}/{day}/{draw(st.integers(0, 99999))}",
        f"{draw(st.sampled_from(RELATIVE))} {draw(st.sampled_from(UNITS + WEEKDAYS + MONTHS))}",
        f"{draw(number)} {draw(st.sampled_from(UNITS))} {draw(st.sampled_from(TRAILERS))}",
        f"{draw(st.sampled_from(MODS))} {draw(st.sampled_from(MONTHS))} {year}",
        f"{draw(st.sampled_from(MODS))}-{year}s",
        f"{draw(st.integers(0, 99))}:{draw(st.integers(0, 99)):02d} {draw(st.sampled_from(['a.m.', 'pm', 'p.m.', '']))}",
        f"{draw(st.sampled_from(['the week of', 'the month of']))} {draw(st.sampled_from(MONTHS))} {day}",
        draw(st.sampled_from(FIXED_TIMEX)),
        str(year),
    ]
    phrase = draw(st.sampled_from(forms))
    if draw(st.booleans()):
        phrase = f"{draw(st.sampled_from(MODS))} {phrase}"
    if draw(st.integers(0, 5)) == 0:
        phrase = phrase.upper() if draw(st.booleans()) else phrase.replace(" ", draw(st.sampled_from(["  ", "\n", "\u00a0", "-"])))
    return phrase


dct = st.one_of(st.none(), st.dates(), st.dates(date(1900, 1, 1), date(2100, 12, 31)))


@st.composite
def sentence(draw) -> str:
    """A news sentence from parts the NLP stages react to, with a stray hostile piece now and then."""
    subject = draw(actor)
    parts = [subject, draw(verb())]
    if draw(st.booleans()):
        parts.append(draw(actor))
    if draw(st.booleans()):
        parts += [draw(st.sampled_from(["in", "near", "at", "from", "of"])), draw(place)]
    if draw(st.booleans()):
        parts += [draw(st.sampled_from(["on", "since", "by", "until", ""])), draw(date_phrase())]
    if draw(st.booleans()):
        parts += [draw(st.sampled_from(["killing", "wounding", "and", "after"])), draw(number),
                  draw(st.sampled_from(["soldiers", "civilians", "people", "mercenaries"]))]
    if draw(st.integers(0, 3)) == 0:
        parts.insert(draw(st.integers(0, len(parts))), draw(st.one_of(nasty, any_text, st.sampled_from(PUNCT))))
    return " ".join(p for p in parts if p) + draw(st.sampled_from([".", "", "!", "?", "…", ".\u00a0", ";"]))


@st.composite
def quotation(draw) -> str:
    """Reported speech in its many shapes, with marks that may not match or close."""
    open_, close = draw(st.sampled_from(OPEN_QUOTES)), draw(st.sampled_from(CLOSE_QUOTES))
    inner = draw(sentence())
    speaker = draw(st.one_of(actor, st.sampled_from(["he", "she", "they", "the ministry", "a spokesman", "it"])))
    said = draw(st.one_of(cue, st.sampled_from(["said", "told reporters", "added", "warned", "wrote on Twitter",
                                                "said in a statement", "according to"])))
    shapes = [
        f"{open_}{inner}{close} {speaker} {said}.",
        f"{speaker} {said}: {open_}{inner}{close}",
        f"{speaker} {said} that {inner}",
        f"{open_}{inner},{close} {said} {speaker}, {open_}{draw(sentence())}{close}",
        f"{speaker} {said}, adding:\n\n{open_}{inner}{close}",
        f"According to {speaker}, {inner}",
        f"{speaker} called for {inner}",
        f"{open_}{open_}{inner}{close}{close}",
        f"{open_}{inner}",
        f"{inner}{close} {speaker} said.",
    ]
    return draw(st.sampled_from(shapes))


@st.composite
def news_text(draw, max_paragraphs: int = 4) -> str:
    """Paragraphs of sentences and quotations, separated the ways real files separate them."""
    paras = []
    for _ in range(draw(st.integers(1, max_paragraphs))):
        pieces = draw(st.lists(st.one_of(sentence(), quotation()), min_size=1, max_size=3))
        paras.append(" ".join(pieces))
    seps = st.sampled_from(["\n\n", "\r\n\r\n", "\n", "\n \n", "\u2029", "\n\n\n", " "])
    out = paras[0]
    for p in paras[1:]:
        out += draw(seps) + p
    return out


# ----------------------------------------------------------------------------- markup

INLINE = ["span", "b", "i", "em", "strong", "a", "small", "sup", "font", "q", "abbr", "blink", "x-widget"]
BLOCK = ["p", "div", "article", "section", "main", "aside", "nav", "header", "footer", "blockquote", "li", "ul", "ol",
         "h1", "h2", "h3", "table", "tr", "td", "figure", "figcaption", "pre", "dl", "dd", "form", "center"]
VOID = ["br", "hr", "img", "meta", "link", "input", "wbr"]
ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&nbsp", "&#0;", "&#x0;", "&#65;", "&#x1F600;", "&#xD800;",
            "&#x110000;", "&#99999999999;", "&bogus;", "&amp", "&;", "&#;", "&#x;", "&ldquo;", "&rdquo;", "&mdash;",
            "&Aacute;", "&aacute", "&#8232;", "&#128;", "&#x202E;"]
SCRIPT_MARK = "SCRIPTMARKER"  # text that only ever appears inside <script>/<style>: it must never reach article text


def _attrs(draw) -> str:
    names = st.sampled_from(["class", "id", "href", "style", "lang", "dir", "charset", "content", "name", "property",
                             "onload", "data-x", "src", "title", "x\x00y"])
    values = st.one_of(st.sampled_from(["", "rtl", "utf-8", "author", "og:site_name", "javascript:alert(1)",
                                        "\"><script>", "a'b", SCRIPT_MARK + "attr"]), any_text)
    out = ""
    for _ in range(draw(st.integers(0, 2))):
        quote = draw(st.sampled_from(['"', "'", ""]))
        value = draw(values)
        value = value.replace(quote, "") if quote else re.sub(r"[\s\"'<>=`/]", "", value) or "x"
        out += f" {draw(names)}={quote}{value}{quote}"
    return out


@st.composite
def html_leaf(draw) -> str:
    # text leaves escape "<", so a stray one cannot turn a following <script> tag into text;
    # the raw fragments below are the broken markup, each ended so it cannot swallow a tag
    text = st.one_of(sentence(), quotation(), any_text, nasty).map(lambda t: t.replace("<", "&lt;"))
    return draw(st.one_of(
        text, st.sampled_from(ENTITIES),
        st.sampled_from(["<!-- comment -->", "<!-- unterminated", "<![CDATA[ cdata ]]>", "<![CDATA[ open >",
                         "<!doctype html>", "<?php echo 1 ?>", "</p>", "</div></div>", "< ", ">", "&", "<>"]),
        st.builds(lambda t: f"<{t}>", st.sampled_from(VOID)),
        st.just(f"<script>var x = '{SCRIPT_MARK}'; if (a < b && c > d) {{}}</script>"),
        st.just(f"<style>.{SCRIPT_MARK} {{ color: red }}</style>"),
        st.just(f"<script type=\"application/ld+json\">{{\"headline\": \"{SCRIPT_MARK}\"}}</script>"),
    ))


def _element(draw, children: list[str], tags: list[str]) -> str:
    tag = draw(st.sampled_from(tags))
    if draw(st.integers(0, 15)) == 0:
        tag = tag.upper()
    inner = "".join(children)
    close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", f"</{tag}>", "", f"</{tag} >", "</x>"]))
    return f"<{tag}{_attrs(draw)}>{inner}{close}"


@st.composite
def _node(draw, children: st.SearchStrategy) -> str:
    return _element(draw, draw(st.lists(children, max_size=4)), draw(st.sampled_from([BLOCK, INLINE])))


html_tree = st.recursive(html_leaf(), lambda children: _node(children), max_leaves=24)


@st.composite
def html_document(draw) -> str:
    """A page: maybe a doctype and a head with title and meta tags, a body of generated trees."""
    head = ""
    if draw(st.booleans()):
        title = draw(st.one_of(sentence(), any_text))
        meta = draw(st.sampled_from(["", "<meta charset='utf-8'>", "<meta charset=\"latin-1\">", "<meta charset=bogus>",
                                     "<meta name='author' content='Jane Doe'>",
                                     "<meta property='og:site_name' content='Example News'>",
                                     "<meta name='date' content='2020-13-45'>",
                                     "<meta property='article:published_time' content='2020-11-10T10:00:00Z'>"]))
        head = f"<head><title>{title}</title>{meta}</head>"
    body = "".join(draw(st.lists(html_tree, min_size=1, max_size=6)))
    if draw(st.booleans()):
        body = "<article>" + "".join(f"<p>{draw(news_text(2))}</p>" for _ in range(draw(st.integers(1, 3)))) + body
    doctype = draw(st.sampled_from(["<!doctype html>", "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">", "", "\ufeff"]))
    return f"{doctype}<html>{head}<body>{body}</body></html>" if draw(st.booleans()) else doctype + head + body


@st.composite
def encoded(draw, text: str) -> bytes:
    """``text`` as bytes the way files arrive: UTF-8 with or without a BOM, UTF-16, Latin-1, or broken."""
    how = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252", "broken"]))
    if how == "broken":
        data = text.encode("utf-8", "surrogatepass")
        cut = draw(st.integers(0, len(data)))
        return data[:cut] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", b"\x00"])) + data[cut:]
    return text.encode(how, "replace")


# ----------------------------------------------------------------------------- JSONL lines

FIELDS = ["text", "title", "url", "outlet", "author", "published", "id", "lang", "tags"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    any_text, nasty, st.sampled_from(["", " ", "2020-11-10", "10 Nov 2020", "http://x/", "\ud800"]),
)
json_value = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                          st.dictionaries(st.sampled_from(FIELDS), kids, max_size=3)),
                          max_leaves=10)
record = st.dictionaries(st.sampled_from(FIELDS), json_value, max_size=6)


@st.composite
def jsonl_line(draw) -> bytes:
    rec = draw(record)
    if draw(st.booleans()):
        rec["text"] = draw(st.one_of(news_text(2), json_value))
    text = json.dumps(rec, ensure_ascii=draw(st.booleans()), allow_nan=True)
    how = draw(st.sampled_from(["plain"] * 6 + ["truncate", "deep", "surrogate", "bad-utf8", "not-object", "junk",
                                                  "bom", "nul", "huge-number"]))
    data = text.encode("utf-8", "surrogatepass")
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "deep":
        depth = draw(st.sampled_from([50, 999, 5000, 100_000]))
        data = b'{"text": "deep", "x": ' + b"[" * depth + b"]" * draw(st.sampled_from([depth, 0])) + b"}"
    elif how == "surrogate":
        data = b'{"text": "bad \\ud800 half", "title": "\\udfff"}'
    elif how == "bad-utf8":
        data = data[:3] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + data[3:]
    elif how == "not-object":
        data = draw(st.sampled_from([b"[]", b"null", b"42", b'"text"', b"true", b"-1e999"]))
    elif how == "junk":
        data = draw(any_text).encode("utf-8", "surrogatepass")
    elif how == "bom":
        data = b"\xef\xbb\xbf" + data
    elif how == "nul":
        data = data.replace(b" ", b"\x00", 1)
    elif how == "huge-number":
        data = b'{"text": "numbers", "id": ' + b"9" * draw(st.sampled_from([20, 5000, 100_000])) + b"}"
    return data


jsonl_file = st.lists(jsonl_line(), min_size=1, max_size=8).flatmap(
    lambda lines: st.sampled_from([b"\n", b"\r\n"]).map(lambda sep: sep.join(lines))
)



# ----------------------------------------------------------------------------- feeds

DATES = [
    "Tue, 10 Nov 2020 10:00:00 +0000", "Tue, 10 Nov 2020 25:61:99 +0000", "Mon, 31 Feb 2020 10:00:00 GMT",
    "10 Nov 2020", "2020-11-10", "2020-11-10T23:30:00+04:00", "2020-13-45T00:00:00Z", "0000-01-01", "99999-01-01",
    "Fri, 29 Feb 2019 00:00:00 EST", "yesterday", "", "   ", "2020-W45", "1605000000", "Sun, 00 Jan 0000 00:00:00",
    "Wed, 10 Nov 20 10:00 PST", "2020-11-10T10:00:00.123456789+25:00", "\x00", "Tue, 10 Nov 2020 10:00:00 +9999",
]
NAMESPACES = [
    "", ' xmlns:dc="http://purl.org/dc/elements/1.1/"', ' xmlns:content="http://purl.org/rss/1.0/modules/content/"',
    ' xmlns="http://www.w3.org/2005/Atom"', ' xmlns:x="urn:x"', ' xmlns:dc="urn:wrong"', ' xmlns=""',
]
ENTITY = ["&amp;", "&lt;p&gt;", "&nbsp;", "&#0;", "&#xD800;", "&undefined;", "&#8217;", "&#x1F600;", "&", "&#1114112;"]


def _text(draw) -> str:
    """Element text: escaped prose, raw entities, CDATA with markup inside, or broken bits."""
    kind = draw(st.sampled_from(["escaped", "escaped", "entity", "cdata", "raw"]))
    if kind == "escaped":
        return escape(draw(st.one_of(news_text(2), sentence(), any_text, nasty)))
    if kind == "entity":
        return escape(draw(sentence())) + draw(st.sampled_from(ENTITY))
    if kind == "cdata":
        inner = draw(st.one_of(html_document(), news_text(2))).replace("]]>", "")
        return f"<![CDATA[{inner}]]>"
    return draw(st.one_of(any_text, st.sampled_from(["<b>bold</b>", "<p>unclosed", "]]>", "<![CDATA[", "<!--"])))


@st.composite
def rss(draw) -> str:
    items = []
    for _ in range(draw(st.integers(0, 4))):
        fields = [
            f"<title>{_text(draw)}</title>",
            f"<link>{draw(st.sampled_from(['http://example.org/a', 'relative/a', 'javascript:x', '']))}</link>",
            f"<pubDate>{draw(st.sampled_from(DATES))}</pubDate>",
            f"<description>{_text(draw)}</description>",
            f"<dc:creator>{_text(draw)}</dc:creator>",
            f"<content:encoded>{_text(draw)}</content:encoded>",
            f"<dc:date>{draw(st.sampled_from(DATES))}</dc:date>",
            f"<guid isPermaLink='{draw(st.sampled_from(['true', 'false', 'maybe']))}'>{_text(draw)}</guid>",
        ]
        chosen = draw(st.lists(st.sampled_from(fields), max_size=6, unique=True))
        items.append("<item>" + "".join(chosen) + "</item>")
    ns = "".join(draw(st.lists(st.sampled_from(NAMESPACES), max_size=3, unique=True)))
    version = draw(st.sampled_from(['version="2.0"', 'version="0.91"', "", 'version="9"']))
    channel = f"<title>{_text(draw)}</title><link>http://example.org/</link>" + "".join(items)
    return f"<rss {version}{ns}><channel>{channel}</channel></rss>"


@st.composite
def atom(draw) -> str:
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["html", "text", "xhtml", "bogus"]))
        body = _text(draw) if kind != "xhtml" else f"<div xmlns='http://www.w3.org/1999/xhtml'><p>{escape(draw(sentence()))}</p></div>"
        fields = [
            f"<title type='{kind}'>{_text(draw)}</title>", f"<id>{_text(draw)}</id>",
            f"<link href='{draw(st.sampled_from(['http://example.org/s', '', 'x:y']))}'/>",
            f"<updated>{draw(st.sampled_from(DATES))}</updated>", f"<published>{draw(st.sampled_from(DATES))}</published>",
            f"<author><name>{_text(draw)}</name></author>", f"<content type='{kind}'>{body}</content>",
            f"<summary>{_text(draw)}</summary>",
        ]
        entries.append("<entry>" + "".join(draw(st.lists(st.sampled_from(fields), max_size=6, unique=True))) + "</entry>")
    ns = draw(st.sampled_from(NAMESPACES))
    return f"<feed xmlns='http://www.w3.org/2005/Atom'{ns if 'xmlns=' not in ns else ''}><title>{_text(draw)}</title>" \
           + "".join(entries) + "</feed>"


@st.composite
def rdf(draw) -> str:
    items = "".join(f"<item rdf:about='urn:{i}'><title>{_text(draw)}</title><description>{_text(draw)}</description>"
                    f"<dc:date>{draw(st.sampled_from(DATES))}</dc:date></item>" for i in range(draw(st.integers(0, 3))))
    return ("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns='http://purl.org/rss/1.0/' "
            f"xmlns:dc='http://purl.org/dc/elements/1.1/'><channel><title>{_text(draw)}</title></channel>{items}</rdf:RDF>")


PROLOGS = ['<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="iso-8859-1"?>',
           '<?xml version="1.0" encoding="bogus-enc"?>', '<?xml version="1.1"?>', "",
           '<?xml-stylesheet href="s.xsl"?>', "<!-- a comment first -->",
           '<!DOCTYPE rss [<!ENTITY e "expanded">]>', '<!DOCTYPE rss SYSTEM "http://example.invalid/rss.dtd">',
           '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>']


@st.composite
def feed_bytes(draw) -> bytes:
    body = draw(st.one_of(rss(), atom(), rdf()))
    if draw(st.integers(0, 4)) == 0:  # truncate or splice: half a feed
        cut = draw(st.integers(0, len(body)))
        body = body[:cut] + draw(st.sampled_from(["", "</item>", "<item>", "&", "<"])) + body[cut:][:draw(st.integers(0, 50))]
    text = draw(st.sampled_from(PROLOGS)) + draw(st.sampled_from(["", "\n", "\r\n", " "])) + body
    how = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1", "bad-byte"]))
    if how == "bad-byte":
        data = text.encode("utf-8", "surrogatepass")
        cut = draw(st.integers(0, len(data)))
        return data[:cut] + b"\xff\xfe\x00" + data[cut:]
    return text.encode(how, "replace")



# ----------------------------------------------------------------------------- checks


def walk_spans(value: Any, path: str = "") -> Iterator[tuple[str, Span]]:
    """Every :class:`Span` inside a record, list or dict, with where it was found."""
    if isinstance(value, Span):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from walk_spans(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from walk_spans(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from walk_spans(item, f"{path}.{k}")


def assert_spans_slice(records: Any, texts: dict[str, str], doc_id: str | None = None) -> int:
    """Every span found in ``records`` is ``texts[span.doc_id][start:end]``, within bounds; returns how many."""
    n = 0
    for where, span in walk_spans(records):
        if doc_id is not None:
            assert span.doc_id == doc_id, f"{where}: span of {span.doc_id!r}, expected {doc_id!r}"
        text = texts[span.doc_id]
        assert 0 <= span.start <= span.end <= len(text), f"{where}: [{span.start}, {span.end}) outside {len(text)} chars"
        assert text[span.start:span.end] == span.text, f"{where}: {span.text!r} != {text[span.start:span.end]!r}"
        n += 1
    return n


def assert_utf8_clean(*values: str | None) -> None:
    """Text that will be stored must encode as UTF-8 (no lone surrogates) and carry no NUL."""
    for v in values:
        if v is not None:
            v.encode("utf-8")
            assert "\x00" not in v, f"NUL in {v[:60]!r}"


@cache
def _schema_validator():
    import jsonschema

    from truceline.model import json_schema

    schema = json_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def assert_valid_document(doc: BaseModel) -> None:
    """An ``ExtractedDocument`` as JSON validates against the published JSON Schema."""
    data = json.loads(doc.model_dump_json())
    errors = sorted(_schema_validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


TIMEX_VALUE = re.compile(
    r"(?:PRESENT|PAST|FUTURE)_REF"
    r"|P(?:T?(?:X|\d+(?:\.\d+)?)(?:Y|M|W|D|H|S|Q|WE|[YMWD]T?\d*[HMS]?)|T\d+H\d+M|\d+Y\d+M|X[dwmy])"
    r"|(?:\d{4}|XXXX)-W(?:\d\d|XX)(?:-WE|-[1-7](?:T(?:MO|AF|EV|NI|(?:[01]\d|2[0-3]):[0-5]\d|24:00))?)?"
    r"|(?:\d{4}|XXXX)-Q(?:[1-4]|X)"
    r"|(?:\d{4}|XXXX)-(?:SP|SU|FA|WI)"
    r"|(?:\d{4}|XXXX)(?:-(?:\d\d|XX)(?:-(?:\d\d|XX))?)?(?:T(?:MO|AF|EV|NI|(?:[01]\d|2[0-3]):[0-5]\d|24:00))?"
    r"|\d{2,3}|XXX?"
)
