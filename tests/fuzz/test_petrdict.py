"""PETRARCH dictionary files with junk lines: a clear error naming the file and line, or a
coder that codes sentences; never a traceback.

Dictionaries are built from the formats' real pieces (verb families, synsets, patterns with
``$ + % ^ _``, paired and null codes, dated actor codes, agent substitution sets) with junk
spliced in: bad dates, bare ``&``, unbalanced brackets, binary bytes, huge numbers. The real
Phoenix and validation dictionaries, oddities included, must keep parsing.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import any_text, assert_spans_slice, budget, fuzzes, nasty
from truceline.events.petrdict import (
    DictionaryError,
    PetrarchCoder,
    parse_actor_dict,
    parse_agent_dict,
    parse_discards,
    parse_verbs,
)

WORDS = ["PRAISE", "HAIL", "FIRE", "SIGN", "FREE", "CUT", "HOST", "ATTACK", "MEET", "ACCUSE", "WIRE_+TAP", "CUT_OFF"]
CODES = ["[051]", "[052]", "[190]", "[195]", "[043:042]", "[---]", "[+++]", "[0841]", "[057:057]", "[]", "[abc]",
         "[" + "9" * 50 + "]", "[010:020:030]", "[", "]"]
JUNK = ["&", "& ", "&_", "+", "-", "- *", "- [010]", "--- [010] ---", "---", "{", "}", "[ABC < 99x]", "[X >]",
        "NAME [ABC < ]", "\t[ABC >abc]", "\t[ABC > " + "9" * 5000 + "]", "\t[X 20201301 - 20201399]",
        "!x! =", "!x! = a,,b", "X [~GOV", "X {A B [~GOV]", "\x00\x01\x02", "\ufeff", "<!-- comment", "-->",
        "#", "# only a comment", "\\", "%", "$", "^", "_", "* * *"]


def _verbs(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        lines.append(f"--- {draw(st.sampled_from(WORDS))} {draw(st.sampled_from(CODES))} ---")
        for _ in range(draw(st.integers(0, 3))):
            forms = draw(st.sampled_from(["", " {CUTS CUTTING}", " {+CUTS_OFF}", " {", " {}"]))
            lines.append(f"{draw(st.sampled_from(WORDS))}{forms} {draw(st.sampled_from(CODES + ['']))}")
        for _ in range(draw(st.integers(0, 3))):
            pre = draw(st.sampled_from(["", "$ ", "% ", "&NEGAUX ", "NOT ", "IN_", "^ "]))
            post = draw(st.sampled_from(["", " + ", " &WEAPONS AT +", " TIES", " FROM $", "_OUT", " ^ +", " &MISSING"]))
            lines.append(f"- {pre}*{post} {draw(st.sampled_from(CODES))}")
    for _ in range(draw(st.integers(0, 2))):
        lines.append(f"&{draw(st.sampled_from(['WEAPONS', 'NEGAUX', 'A', 'SELF']))}")
        lines += [f"+{w}" for w in draw(st.lists(st.sampled_from(["ROCKETS", "HEAVY ARTILLERY", "&WEAPONS", "&SELF",
                                                                    "DID N'T", ""]), max_size=3))]
        lines.append("")
    return "\n".join(lines)


def _actors(draw) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 5))):
        lines.append(f"{draw(st.sampled_from(['NARNIA_', 'OZ', 'ASLAN', 'TWIN_CITIES', 'BARAD-DUR', 'THE_AU']))} "
                     f"{draw(st.sampled_from(['[NAR]', '[OZZ]', '[TWA/TWB]', '', '[---]', '[+X]', '[#Y]']))}")
        lines += [f"+{a}" for a in draw(st.lists(st.sampled_from(["NARNIAN", "OZIAN", "LION"]), max_size=2))]
        for _ in range(draw(st.integers(0, 2))):
            when = draw(st.sampled_from(["20000101-20101231", ">20101231", "<950601", "990816", "201005011",
                                         "1920030320-20060520", ">", "< 1", "20-30"]))
            lines.append(f"\t[NARGOV {when}]")
    return "\n".join(lines)


def _agents(draw) -> str:
    lines = ["!PERSON! = MAN, WOMAN"] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 4))):
        lines.append(f"{draw(st.sampled_from(['KING', 'MINISTER', 'CONGRESS!PERSON!', 'POLICE_OFFICER']))}"
                     f"{draw(st.sampled_from(['', ' {KINGS}', ' {']))} {draw(st.sampled_from(['[~GOV]', '[NGO~]', '[~LEG]', '', '[']))}")
    return "\n".join(lines)


@st.composite
def dictionary(draw, build) -> str:
    lines = build(draw).split("\n")
    for _ in range(draw(st.integers(0, 3))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.one_of(st.sampled_from(JUNK), any_text, nasty)))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


def _check(parse, text: str) -> None:
    try:
        parse(text, "dict.txt")
    except DictionaryError as err:
        assert err.source == "dict.txt" and err.reason and err.line is not None
        assert 1 <= err.line <= len(text.splitlines()), err.message
        assert len(err.message) < 400


@budget(300)
@given(verbs=dictionary(_verbs), actors=dictionary(_actors), agents=dictionary(_agents), discards=any_text)
@example(verbs="&\n+X", actors="X [ABC < 99x]", agents="K [~GOV", discards="")
@example(verbs="--- F [010] ---\nF", actors="A [X >" + "9" * 5000 + "]", agents="", discards="\x00")
@fuzzes("petrdict.parse")
def test_dictionary_text_parses_or_names_its_bad_line(verbs: str, actors: str, agents: str, discards: str) -> None:
    _check(parse_verbs, verbs)
    _check(parse_actor_dict, actors)
    _check(parse_agent_dict, agents)
    _check(parse_discards, discards)


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    return path


@budget(40)
@given(verbs=dictionary(_verbs), actors=dictionary(_actors), agents=st.one_of(st.none(), dictionary(_agents)),
       binary=st.sampled_from([None, "verbs", "actors"]))
@example(verbs="", actors="", agents=None, binary=None)
@example(verbs="--- PRAISE [051] ---\nPRAISE", actors="NARNIA [NAR]", agents="", binary=None)
@fuzzes("petrdict.files")
def test_dictionary_files_give_a_coder_or_an_error_naming_the_file(nlp, verbs: str, actors: str, agents: str | None,
                                                                    binary: str | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-petr-"))
    paths = {"verbs": _write(folder, "verbs.txt", verbs), "actors": _write(folder, "actors.txt", actors)}
    if binary:
        paths[binary] = _write(folder, f"{binary}.bin", b"\x00\x01binary\xff")
    agent_path = _write(folder, "agents.txt", agents) if agents is not None else None
    try:
        coder = PetrarchCoder.from_files(paths["verbs"], paths["actors"], agent_path)
    except DictionaryError as err:
        assert err.source in {str(p) for p in (*paths.values(), agent_path)} and err.reason
        return
    text = "Narnia praised Oz on Friday. The king of Narnia hailed the Ozian minister."
    events = coder.code_parsed(text, nlp(text), date(2020, 11, 4))
    assert_spans_slice(events, {"s": text})


REFERENCE = Path("/work/shared/reference/petrarch2-dictionaries")
VALIDATION = Path(__file__).resolve().parents[2] / "eval-data" / "petrarch2-validation"


def test_the_real_dictionaries_with_their_oddities_still_parse() -> None:
    """Phoenix's files hold 9- and 10-digit dates and an unbalanced bracket; PETRARCH reads past them, so do we."""
    if not (REFERENCE / "CAMEO.2.0.txt").is_file():
        pytest.skip(f"{REFERENCE} is not here")
    coder = PetrarchCoder.from_files(REFERENCE / "CAMEO.2.0.txt", REFERENCE / "Phoenix.Countries.actors.txt",
                                     REFERENCE / "Phoenix.agents.txt", REFERENCE / "Phoenix.discards.txt")
    assert len(coder.verbs.families) > 300 and len(coder.actors) > 20_000 and len(coder.agents) > 5_000
    validation = PetrarchCoder.from_files(VALIDATION / "PETR.Validate.verbs.txt", VALIDATION / "PETR.Validate.actors.txt")
    assert validation.verbs.families and validation.actors


@pytest.mark.parametrize("actors,reason", [
    ("NARNIA [NAR < 99x]\n", "actors.txt:1: bad date '99x' (expected YYMMDD or YYYYMMDD)"),
    ("just prose, no codes\n", "actors.txt: no actor with a [code]: not a PETRARCH actor dictionary"),
    ("\x00\x01\x02", "actors.txt: binary file, not a dictionary"),
])
def test_the_code_command_names_the_bad_dictionary_line_and_exits_2(runner, tmp_path: Path, actors: str,
                                                                      reason: str) -> None:
    from truceline.cli import app

    (tmp_path / "s.jsonl").write_text('{"id": "1", "text": "Narnia praised Oz."}\n', "utf-8")
    (tmp_path / "verbs.txt").write_text("--- PRAISE [051] ---\nPRAISE\n", "utf-8")
    (tmp_path / "actors.txt").write_text(actors, "utf-8")
    result = runner.invoke(app, ["code", "--input", str(tmp_path / "s.jsonl"), "--petrarch-verbs",
                                 str(tmp_path / "verbs.txt"), "--petrarch-actors", str(tmp_path / "actors.txt")])
    assert result.exit_code == 2, result.output
    assert f"error: {tmp_path}/{reason}" in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
