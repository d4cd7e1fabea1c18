"""Bytes to text, refusing what is not text instead of guessing.

News archives are mostly UTF-8; a wrong guess silently corrupts names and quotes, which
later stages then treat as evidence. So we decode strictly and say exactly where it failed;
a caller that knows the encoding passes it (``--encoding``), and HTTP/HTML declarations
are honoured.
"""

from __future__ import annotations

import codecs
import unicodedata

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
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """Unicode NFC and ``\\n`` line ends: the only changes made to text as received."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
