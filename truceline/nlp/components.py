"""Exact, faster stand-ins for pinned spaCy components whose per-token Python loop costs more
than their work.

Takes the loaded pipeline and gives it back with such components swapped in place (their
state, tables and config kept), so every annotation is the one the stock component makes:
tests compare the two on real text. :func:`truceline.nlp.runtime.stock_nlp` loads the
untouched pipeline, which the throughput benchmark times as "spaCy alone".
"""

from __future__ import annotations

import re
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.pipeline import AttributeRuler

_MEMO_LIMIT = 500_000  # lemmas or windows remembered, at most (then forgotten and learnt again)


class ColumnLemmatizer(EnglishLemmatizer):
    """spaCy's English rule lemmatizer, reading and writing whole columns of a Doc.

    Why: the stock ``__call__`` makes a ``Token`` per word and converts its text, part of speech
    and morphology to Python strings before it even looks in its cache: about 6% of the md
    pipeline's time, most of it for words it has seen before. A rule lemma is a function of
    the word, its part of speech and its morphology alone (every branch of ``rule_lemmatize``
    reads only those, and its own cache is keyed by them), so this reads the three columns at
    once and asks the stock method only for a combination it has not met.
    """

    def __call__(self, doc: Any) -> Any:
        if self.overwrite or self.mode != "rule":
            return super().__call__(doc)
        if not self._validated:
            self._validate_tables(Errors.E1004)
        try:
            cols = doc.to_array([ORTH, POS, MORPH, LEMMA])
            memo: dict[tuple[int, int, int], str] = self.__dict__.setdefault("_lemma_of", {})
            add = doc.vocab.strings.add  # every time: a memory zone forgets the strings it added
            lemmas = cols[:, 3].copy()
            for i, (orth, pos, morph, lemma) in enumerate(cols.tolist()):
                if lemma == 0:  # the attribute ruler set some: the stock component keeps them too
                    key = (orth, pos, morph)
                    text = memo.get(key)
                    if text is None:
                        if len(memo) > _MEMO_LIMIT:  # new names keep coming: bounded, learnt again
                            memo.clear()
                        text = memo[key] = self.lemmatize(doc[i])[0]
                    lemmas[i] = add(text)
            doc.from_array([LEMMA], lemmas)
            return doc
        except Exception as e:  # noqa: BLE001  (spaCy's own handler decides, as in the stock __call__)
            self.get_error_handler()(self.name, self, [doc], e)
            return doc


_FEATURES = {"LOWER": LOWER, "TAG": TAG, "DEP": DEP, "IS_SPACE": IS_SPACE}
_OTHER = -1  # the LOWER of a word no pattern names (hashes are >= 0): every LOWER test treats such words alike


class ColumnAttributeRuler(AttributeRuler):
    """spaCy's attribute ruler, its matches found by window instead of by running the Matcher.

    Why: its Matcher tries every pattern at every token, about 12% of the md pipeline's time,
    and the pipeline's patterns only test the ``LOWER``, ``TAG``, ``DEP`` and ``IS_SPACE`` of one or
    two tokens. So the matches that start at a token are a function of those features of the
    tokens in its window (a word no pattern names standing for all such words): a window met
    before gives its matches from memory, and one not met yet is matched by the stock Matcher
    on that window alone. The list handed to the stock
    ``set_annotations`` is the stock ``match``'s, order included. Patterns testing anything else
    (or ``OP`` quantifiers) leave the stock ``match`` in charge.
    """

    def match(self, doc: Any) -> list[tuple[int, int, int, int]]:
        plan = self.__dict__.get("_window_plan")
        if plan is None or plan[0] != len(self.attrs):  # patterns added since: plan again
            plan = self.__dict__["_window_plan"] = (len(self.attrs), _window_plan(self))
        spec = plan[1]
        if spec is None:
            return super().match(doc)
        width, is_named, memo = spec
        cols = doc.to_array([LOWER, TAG, DEP, IS_SPACE]).tolist()
        feats = [(low if is_named(low, doc) else _OTHER, tag, dep, space) for low, tag, dep, space in cols]
        feats += [None] * (width - 1)
        found = []
        for i in range(len(cols)):
            key = tuple(feats[i : i + width])
            got = memo.get(key)
            if got is None:  # a window not met yet: the stock Matcher on it alone
                if len(memo) > _MEMO_LIMIT:
                    memo.clear()
                strings = self.vocab.strings
                got = memo[key] = [(int(strings[m_id]), m_id, end - start)
                                   for m_id, start, end in self.matcher(doc[i : i + width], allow_missing=True, as_spans=False)
                                   if start == 0]  # fmt: skip
            found.append(got)
        out = [(attr_id, m_id, i, i + n) for i, got in enumerate(found) for attr_id, m_id, n in got]
        out.sort()
        return out


def _window_plan(ruler: AttributeRuler) -> tuple[int, Any, dict] | None:
    """(window width, a test of whether a token's lower is one the patterns name, memo),
    or None when a pattern tests something else than the window features."""
    width, literal, regexes = 1, set(), []
    for entry in ruler.patterns:
        for pattern in entry["patterns"]:
            if not isinstance(pattern, list):
                return None
            width = max(width, len(pattern))
            for spec in pattern:
                for key, value in spec.items():
                    if key not in _FEATURES:
                        return None
                    if key != "LOWER":
                        continue
                    if isinstance(value, str):
                        literal.add(value)
                    elif isinstance(value, dict) and set(value) <= {"IN", "NOT_IN", "REGEX"}:
                        literal.update(value.get("IN", ()), value.get("NOT_IN", ()))
                        if "REGEX" in value:
                            regexes.append(re.compile(value["REGEX"]))
                    else:
                        return None
    strings = ruler.vocab.strings
    named = {strings.add(w) for w in literal}
    by_regex: dict[int, bool] = {}

    def is_named(low: int, doc: Any) -> bool:
        if low in named:
            return True
        if not regexes:
            return False
        got = by_regex.get(low)
        if got is None:
            text = doc.vocab.strings[low]
            got = by_regex[low] = any(r.search(text) for r in regexes)
        return got

    return width, is_named, {}


def accelerate(nlp: Any) -> Any:
    """Swap the stand-ins above into ``nlp`` where a pipe is exactly the stock class they replace."""
    for _name, pipe in nlp.pipeline:
        if type(pipe) is EnglishLemmatizer:
            pipe.__class__ = ColumnLemmatizer
        elif type(pipe) is AttributeRuler:
            pipe.__class__ = ColumnAttributeRuler
    return nlp
