"""Coverage-guided fuzzing of the fetcher's URL and address checks (truceline/ingestion/fetch.py).

No network: the resolver hook answers every name with a private address, so any URL (but one
whose host is a public address literal, which is not tried) must be refused before a connection. A differential check too: a numeric host we read as an IPv4
address must be the address ``inet_aton`` (what the system resolver uses) reads, so no
spelling can mean one address to the check and another to the connection.

    .venv/bin/python fuzz/fuzz_urls.py -atheris_runs=100000
"""

from __future__ import annotations

import re
import socket

import atheris

with atheris.instrument_imports(include=["truceline.ingestion.fetch"]):
    from truceline.ingestion.fetch import _literal_address, _parse_url, fetch, host_addresses, is_public_address
    from truceline.ingestion.types import InputError, ReadOptions

from common import run  # noqa: E402 (after the instrumented imports)

OPTIONS = ReadOptions(timeout_s=1, resolver=lambda host, port: ["10.0.0.1"])
NUMERIC = re.compile(r"[0-9a-fA-FxX.]+")
EMPTY_HEX = re.compile(r"(?:^|\.)0[xX](?:\.|$)")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    host = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    if NUMERIC.fullmatch(host) and any(ch.isdigit() for ch in host):
        ours = _literal_address(host)
        try:
            theirs = socket.inet_ntoa(socket.inet_aton(host.removesuffix(".")))  # the root dot, as browsers read it
        except OSError:
            theirs = None
        if ours is not None and theirs is None:  # only the WHATWG form "0x" (an empty hex part, 0) is ours alone
            assert EMPTY_HEX.search(host.removesuffix(".")), f"{host!r}: we read {ours}, inet_aton reads nothing"
        elif theirs is not None:
            assert ours == theirs, f"{host!r}: we read {ours}, inet_aton reads {theirs}"
    try:  # whatever the spelling, the addresses a fetch may use are public ones
        assert all(is_public_address(a) for a in host_addresses(host, 80, OPTIONS))
    except InputError as err:
        assert err.reason
    url = fdp.ConsumeUnicodeNoSurrogates(120)
    for target in (url, f"http://{host}/", f"https://{host}:{fdp.ConsumeIntInRange(0, 70000)}/x"):
        check_refused(target)


def check_refused(target: str) -> None:
    try:
        literal = _literal_address(_parse_url(target).host)
    except InputError:
        literal = None
    if literal is not None and is_public_address(literal):
        return  # a public address literal would be connected to: not something to try offline
    try:
        fetch(target, OPTIONS)
    except InputError as err:
        assert err.source == target and err.reason
        assert not err.reason.startswith("cannot connect"), f"{target!r}: {err.reason}"
    else:
        raise AssertionError(f"{target!r} was fetched")


if __name__ == "__main__":
    run(test_one_input)
