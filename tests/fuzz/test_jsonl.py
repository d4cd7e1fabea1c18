"""JSONL article files and ``metadata.jsonl`` sidecars with hostile lines, read from real files.

Every non-blank line of a JSONL file gives exactly one item: an article, or an error that
names the file and the line. Text that comes out can be stored (valid Unicode, no NUL): a
``"\\ud800"`` escape is valid JSON but not valid text. Nothing raises, whatever the line
holds: wrong types, huge or negative numbers, NaN, nesting deeper than the parser's stack,
invalid UTF-8, BOMs, CRLF. A sidecar's broken lines become errors with their line numbers
and the good ones still apply.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import any_text, assert_utf8_clean, budget, fuzzes, json_value, jsonl_file, scalars
from truceline.ingestion import metadata as sidecar
from truceline.ingestion.readers import read_file, read_inputs
from truceline.ingestion.types import InputError, RawArticle, ReadOptions


def _read(data: bytes, name: str = "in.jsonl") -> tuple[Path, list[RawArticle | InputError]]:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-jsonl-"))
    path = folder / name
    path.write_bytes(data)
    return path, list(read_file(path, ReadOptions()))


def _content_lines(data: bytes) -> int:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return -1
    return sum(1 for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())


@budget(200)
@given(data=jsonl_file)
@example(data=b'{"text": "ok"}\n' + b"[" * 100_000 + b"]" * 100_000)
@example(data=b'{"text": "bad \\ud800 half"}')
@example(data=b'{"text": "deep", "x": ' + b"[" * 900 + b"]" * 900 + b"}")
@example(data=b'{"text": "fine", "title": "\\udc80"}')
@example(data=b'{"text": "x", "id": ' + b"9" * 5000 + b"}")
@example(data=b'{"text": "nan", "published": NaN, "id": Infinity}')
@example(data=b'{"text": "inf", "tags": 1e400}')
@fuzzes("jsonl")
def test_every_jsonl_line_gives_one_article_or_one_named_error(data: bytes) -> None:
    path, items = _read(data)
    whole_file = [i for i in items if isinstance(i, InputError) and i.line is None]
    if whole_file:  # not text at all (invalid UTF-8, NUL bytes): one error for the file
        assert len(items) == 1 and whole_file[0].source == str(path) and whole_file[0].reason
        return
    assert len(items) == _content_lines(data)
    for item in items:
        if isinstance(item, InputError):
            assert item.source == str(path) and item.line is not None and item.reason
            assert "Traceback" not in item.message
            continue
        assert isinstance(item, RawArticle) and item.source == str(path) and item.line is not None
        assert item.text.strip()
        assert_utf8_clean(item.text, item.raw, item.title, item.url, item.outlet, item.author, item.published)
        json.dumps(item.extra, ensure_ascii=False, allow_nan=False).encode("utf-8")  # extra is stored as JSON


sidecar_line = st.one_of(
    st.builds(lambda r: json.dumps(r, allow_nan=True), st.dictionaries(
        st.sampled_from(["file", "url", "title", "outlet", "author", "published", "note"]), json_value, max_size=4)),
    st.builds(lambda name, extra: json.dumps({"file": name, **extra}), st.sampled_from(
        ["a.txt", "./a.txt", "../a.txt", "/etc/passwd", "a\x00b.txt", "", "a" * 5000, "sub/../a.txt", "\ud800.txt"]),
        st.dictionaries(st.sampled_from(["title", "outlet", "published"]), scalars, max_size=2)),
    any_text,
    st.sampled_from(["[]", "null", "{", '{"file": 5}', '{"url": {"a": 1}}', '{"url": ["x"]}', '{"file": ["a"]}',
                     '{"file": true, "url": 3.5}', "\ufeff{}"]),
)


@budget(200)
@given(lines=st.lists(sidecar_line, min_size=1, max_size=6))
@example(lines=['{"file": 5}', '{"url": {"a": 1}}', '{"file": "a\\u0000b"}', '{"file": "a.txt", "title": "T"}'])
@example(lines=['{"file": "\\ud800.txt", "title": "x"}', '{"file": "a.txt", "outlet": "\\udfff"}'])
@fuzzes("metadata")
def test_sidecar_lines_apply_or_give_named_errors(lines: list[str]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-meta-"))
    (folder / "a.txt").write_text("Armenia and Azerbaijan agreed to a ceasefire.\n", "utf-8")
    (folder / sidecar.SIDECAR_NAME).write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    items = list(read_inputs([str(folder)], ReadOptions()))
    articles = [i for i in items if isinstance(i, RawArticle)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(articles) == 1, items  # the article always goes in, whatever its sidecar says
    art = articles[0]
    assert_utf8_clean(art.title, art.outlet, art.author, art.published, art.url)
    json.dumps(art.extra, ensure_ascii=False, allow_nan=False).encode("utf-8")
    for e in errors:
        assert e.source.endswith(sidecar.SIDECAR_NAME) and e.reason
