"""Bytes to text, refusing what is not text instead of guessing.

News archives are mostly UTF-8; a wrong guess silently corrupts names and quotes, which
later stages then treat as evidence. So we decode strictly and say exactly where it failed;
a caller that knows the encoding passes it (``--encoding``), and HTTP/HTML declarations
are honoured.
"""

from __future__ import annotations

import codecs
import json
import unicodedata
from collections.abc import Iterable

from truceline.ingestion.types import InputError

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or mostly control bytes in its first 8 KiB."""
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS[1:]):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.1


def decode_bytes(data: bytes, source: str, encoding: str | None = None) -> str:
    """Decode ``data`` or raise :class:`InputError` naming ``source`` and the problem."""
    if not data.strip():
        raise InputError(source, "empty file (no text)")
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = encoding or name
            data = data[len(bom):] if name == "utf-8" else data
            break
    if looks_binary(data):
        raise InputError(source, "binary file, not text (NUL or control bytes found)")
    enc = encoding or "utf-8"
    try:
        text = data.decode(enc)
    except LookupError:
        raise InputError(source, f"unknown encoding {enc!r}") from None
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(
            source,
            f"not valid {enc} (byte 0x{bad} at offset {exc.start}); "
            "re-encode the file as UTF-8 or pass --encoding",
        ) from None
    if (nul := text.find("\x00")) >= 0:  # UTF-16 (exempt from the byte check above) can still carry one
        raise InputError(source, f"binary file, not text (NUL character at offset {nul})")
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """Unicode NFC and ``\\n`` line ends: the only changes made to text as received."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


MAX_JSON_DEPTH = 64


def _depth(value: object) -> int:
    """How deeply lists and objects nest in a parsed JSON value (iteratively: no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def json_text_problem(record: dict, text_fields: Iterable[str] = ()) -> str | None:
    """Why a parsed JSON record cannot be stored as text, or None when it can.

    JSON escapes spell what no text file holds: ``"\\ud800"`` (half of a surrogate pair,
    not a character, so not encodable as UTF-8) and ``"\\u0000"`` (NUL, which PostgreSQL
    text columns refuse); Python's parser also reads ``NaN``, ``Infinity`` and ``1e400``,
    which PostgreSQL's JSON refuses. Any of them would fail a whole batch at write time, so
    readers refuse the line that carries them. ``text_fields`` are the keys stored as text columns. A record
    nested deeper than :data:`MAX_JSON_DEPTH` is refused too: every later ``json.dumps`` of it
    (the store, the API) recurses once per level and would fail where the stack is deeper.
    """
    if _depth(record) > MAX_JSON_DEPTH:
        return f"invalid JSON (nested deeper than {MAX_JSON_DEPTH} levels)"
    try:
        json.dumps(record, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"invalid text: unpaired surrogate \\u{ord(exc.object[exc.start]):04x} (not a Unicode character)"
    except RecursionError:
        return "invalid JSON (nested too deeply)"
    except ValueError:  # Python reads NaN, Infinity and 1e400; JSON has no such numbers, nor has PostgreSQL
        return "invalid JSON (NaN or an infinite number)"
    for name in text_fields:
        if isinstance(record.get(name), str) and "\x00" in record[name]:
            return f"invalid text: NUL character (\\u0000) in {name!r}"
    return None
