"""The actor linker on assembled text (dictionary names, titles, pronouns, hostile characters)
and the actor-string resolver on any string: every mention span slices the text, every
mention points at an actor the result carries, and nothing raises.
"""

from __future__ import annotations

from datetime import date

from hypothesis import event, example, given
from hypothesis import strategies as st

from tests.fuzz.strategies import actor, any_text, assert_spans_slice, budget, dct, fuzzes, nasty, news_text
from truceline.model import Actor, Mention


@budget(80)
@given(text=news_text(3), when=dct)
@example(text="Foreign Minister Zarif met Lavrov. Later, he said Pashinyan’s government would resign.", when=None)
@example(text="President \u202eAliyev\u202c and Putin\x00 spoke; the Russian Foreign Ministry’s Zakharova.",
         when=date(1, 1, 1))
@fuzzes("actors.link")
def test_mentions_slice_the_text_and_point_at_returned_actors(nlp, text: str, when: date | None) -> None:
    from truceline.nlp.actors import link_actors

    actors, mentions = link_actors("d", text, nlp(text), when)
    assert_spans_slice(mentions, {"d": text}, "d")
    ids = {a.id for a in actors}
    event(f"mentions linked: {min(sum(m.actor_id is not None for m in mentions), 3)}")
    for m in mentions:
        assert m.actor_id is None or m.actor_id in ids, m.actor_id
        Mention.model_validate_json(m.model_dump_json())
    for a in actors:
        Actor.model_validate_json(a.model_dump_json())


@budget(300)
@given(name=st.one_of(actor, any_text, st.builds(lambda a, b: a + b, actor, nasty)), when=dct,
       context=st.one_of(st.none(), any_text))
@example(name="", when=None, context=None)
@example(name="the the", when=date(9999, 12, 31), context="")
@fuzzes("actors.resolve")
def test_resolving_any_actor_string_never_raises(name: str, when: date | None, context: str | None) -> None:
    from truceline.nlp.actors import resolve_actor_string

    assert isinstance(resolve_actor_string(name, when, context), dict)
