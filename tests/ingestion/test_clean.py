"""Cleaning: boilerplate goes by repetition within an outlet and a short marker list; content stays."""

from truceline.ingestion.clean import Cleaned, clean, paragraph_keys, split_paragraphs

BODY = [
    "Negotiators from both sides met in the capital on Monday to discuss a truce proposal.",
    "\u201cWe are ready to stop firing if the other side withdraws,\u201d the envoy said after the talks.",
    "Observers reported sporadic shelling near the front line overnight, according to local officials.",
]


def article(*, head=(), tail=(), body=BODY) -> str:
    return "\n\n".join([*head, *body, *tail])


def repeated_in(*texts: str):
    counts: dict[str, int] = {}
    for t in texts:
        for k in paragraph_keys(t):
            counts[k] = counts.get(k, 0) + 1
    return lambda key: counts.get(key, 0) >= 2


def test_outlet_footer_repeated_across_documents_is_cut_and_reported():
    footer = ["Support independent reporting from the valley", "Donate via our portal today", "Contact the newsroom"]
    a = article(tail=footer)
    b = "\n\n".join(["A different story about grain exports and port access.", "Ships left the harbour on Tuesday.", *footer])
    result = clean(a, repeated=repeated_in(a, b))
    assert result.text == "\n\n".join(BODY)
    assert [c.text for c in result.cuts] == footer
    assert all(c.reason == "repeated in outlet" for c in result.cuts)
    for cut in result.cuts:  # offsets point into the text as received
        assert a[cut.start : cut.end] == cut.text


def test_repeated_quote_in_the_middle_of_two_posts_is_kept():
    quote = BODY[1]
    a = article()
    b = "\n\n".join(["An opinion piece about the talks.", quote, "The author thinks peace is near."])
    result = clean(a, repeated=repeated_in(a, b))
    assert quote in result.text
    assert result.cuts == []


def test_without_other_documents_nothing_repeated_is_cut():
    footer = ["Support independent reporting from the valley"]
    assert clean(article(tail=footer)).text.endswith(footer[0])


def test_trailer_marker_cuts_the_short_tail_that_follows():
    tail = ["Read More:", "Talks stall again", "Shelling reported near border", "Envoy visits capital"]
    result = clean(article(tail=tail))
    assert result.text == "\n\n".join(BODY)
    assert result.cuts[0].reason == "trailer"
    assert len(result.cuts) == len(tail)


def test_trailer_marker_before_long_content_does_not_cut_content():
    long_para = " ".join(["The ministry said the ceasefire would hold despite the incidents."] * 5)
    result = clean(article(tail=["Read more: earlier coverage", long_para]))
    assert long_para in result.text


def test_fragment_between_boilerplate_goes_with_it():
    a = article(tail=["This site is also reachable at the following mirrors:", "mirror.example.org", "SHARE THIS ARTICLE"])
    b = "\n\n".join(["Another report entirely, about elections.", "This site is also reachable at the following mirrors:",
                     "mirror2.example.net", "SHARE THIS ARTICLE"])
    result = clean(a, repeated=repeated_in(a, b))
    assert result.text == "\n\n".join(BODY)
    assert "fragment between boilerplate" in {c.reason for c in result.cuts}


def test_head_breadcrumb_repeated_title_and_byline():
    title = "Truce talks resume in the capital"
    text = article(head=["Home / World / Europe", title, "Truce Talks Resume in the Capital", "By Maria Jones (staff)"])
    result = clean(text, title=title)
    assert result.text.startswith(title + "\n\n" + BODY[0])
    assert {c.reason for c in result.cuts} == {"breadcrumb", "repeated title", "byline"}
    assert result.byline_author == "Maria Jones"


def test_title_guessed_from_a_headline_line_when_none_is_given():
    result = clean(article(head=["Truce talks resume in the capital"]))
    assert result.title_guess == "Truce talks resume in the capital"
    assert result.text.startswith("Truce talks resume")


def test_widget_lines_are_cut_anywhere():
    text = article(body=[BODY[0], "Share on Facebook", BODY[1]])
    assert "Share on Facebook" not in clean(text).text


def test_segments_map_clean_offsets_back_to_received_text():
    text = article(head=["Home / World"], tail=["Read More:", "x"])
    result: Cleaned = clean(text)
    for p in split_paragraphs(result.text):
        assert text[result.to_received(p.start) : result.to_received(p.end)] == p.text


def test_single_newline_text_is_split_by_lines_and_blank_lines_win_when_present():
    assert [p.text for p in split_paragraphs("a b\nc d")] == ["a b", "c d"]
    assert [p.text for p in split_paragraphs("a b\nc d\n\ne f")] == ["a b\nc d", "e f"]


def test_clean_text_contains_no_cut_paragraph():
    tail = ["Leave a Reply", "You are commenting using your account.", "Blog at example"]
    result = clean(article(tail=tail))
    for cut in result.cuts:
        assert cut.text not in result.text
