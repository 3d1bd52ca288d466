"""The learned ranker: who speaks a turn no explicit tag names, chosen among the characters at hand.

The sieve's rules (sieve.py) run first; an explicit tag ("said Arabella") stays a rule, being near-certain. For
every other turn the ranker gathers the candidates — the sieve's pick, the speakers of the turns around it in its
conversation, the characters named lately in the chapter or in its paragraph, the ones the turn before called by
name, a first-person narrator — and scores each with a weighted sum of features (`FEATURES`). The weights are
fitted by `scripts/train_ranker.py` (conditional logistic regression over the candidates of a turn) on annotated
novels and shipped in `ranker_weights.json`, loaded once. The softmax of the scores is how likely each candidate
is; the sieve's pick stays unless another candidate is at least the file's `override` likely (1.0, never, while
overruling the rules does not gain leave-one-novel-out), and its likelihood is the turn's confidence.

Scoring is plain Python arithmetic over the features in a fixed order, so the same text gives the same speakers
and confidences on any machine and under any PYTHONHASHSEED.
"""

from __future__ import annotations

import json
import math
import operator
import os
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from audiobook.errors import AudiobookError
from audiobook.model import Gender
from audiobook.script.attribution import thresholds as th
from audiobook.script.attribution.rules import NARRATOR, Context

__all__ = [
    "FEATURES", "WEIGHTS_ENV", "Ranked", "RankerModel", "RankerWeightsError", "TurnCandidates", "choose", "gather",
    "load_model", "rank",
]

WEIGHTS_ENV = "AUDIOBOOK_RANKER_WEIGHTS"  # another weights file: scripts/evaluate_attribution.py's held-out fits
WEIGHTS_FORMAT = 1

# The sieve rule that picked a candidate, one feature each: how far each rule is to be trusted is learned.
SIEVE_EVIDENCE = ("pronoun", "nominal", "vocative", "paragraph", "alternation", "lead", "recency")

# What one candidate shows for one turn, whoever speaks the turns around it.
TURN_FEATURES: tuple[str, ...] = (
    *(f"sieve_{ev}" for ev in SIEVE_EVIDENCE),
    "called_before",        # the turn before calls it by name: the one called answers
    "called_here",          # this turn calls it by name: one does not call oneself
    "talked_of",            # this turn talks about it by name
    "paragraph_named",      # the narration of the turn's paragraph names it
    "paragraph_first",      # it is the first name in that narration: the paragraph's subject
    "named_after",          # the narration just after the turn names it
    "latest",               # the latest character named or heard in the chapter
    "second_latest",
    "third_latest",
    "gap_chars",            # log of the characters since it was last named or heard (capped)
    "turns_since_spoke",    # log of the turns since it last spoke in the chapter (capped)
    "not_spoken",           # it has not spoken in the chapter yet
    "chapter_share",        # its share of the chapter's mentions and turns so far
    "gender_agrees",        # the turn's pronoun tag or action beat has its gender
    "gender_clashes",       # …has the other gender
    "narrator",             # the first-person narrator
    "latest_of_gender",     # the latest named or heard of the gender the turn's pronoun tag or beat gives
    "second_of_gender",     # the one before that
    "book_share",           # its share of the book's mentions: the main characters speak most
    "block_share",          # its share of the sieve's speakers in this conversation
)
# Where it stands among the speakers the sieve gives the turns around this one in its conversation.
PAIR_FEATURES: tuple[str, ...] = (
    "same_as_adjacent",     # speaks the turn just before or after (counted twice for both): one seldom answers oneself
    "same_as_two_apart",    # speaks two turns before or after: a back-and-forth
    "adjacent_tagged",      # a tag names it in the turn just before or after
    "two_apart_tagged",     # a tag names it two turns before or after
)
FEATURES: tuple[str, ...] = (*TURN_FEATURES, *PAIR_FEATURES)
_INDEX = {name: i for i, name in enumerate(FEATURES)}
_PRONOUN_GENDER: dict[str, Gender] = {"he": "male", "she": "female"}
_Put = Callable[[str, "float | bool"], None]  # put(feature name, value)


class RankerWeightsError(AudiobookError):
    """A weights file that cannot be used."""


@dataclass(frozen=True)
class RankerModel:
    """The fitted weights, one per feature, how much likelier another candidate must be to overrule the sieve, and
    how sure an explicit tag is."""

    weights: tuple[float, ...]
    explicit_confidence: float
    override: float = 1.0
    trained_on: tuple[str, ...] = ()
    # (slope, shift) on the log-odds of the chosen candidate's softmax, with a cast and without: how likely it is
    # right, as measured on the training novels (without a cast a wrongly found name is a mistake the softmax
    # cannot see, so the raw share is too sure).
    calibration: tuple[tuple[float, float], tuple[float, float]] = ((1.0, 0.0), (1.0, 0.0))

    def calibrated(self, share: float, discovery: bool) -> float:
        """How likely the candidate with this softmax share is right."""
        slope, shift = self.calibration[discovery]
        share = min(max(share, 1e-6), 1 - 1e-6)
        return 1 / (1 + math.exp(-(slope * math.log(share / (1 - share)) + shift)))

    def score(self, values: Sequence[float]) -> float:
        """A candidate's score for a turn: the weighted sum of its features."""
        if len(values) != len(self.weights):
            raise ValueError(f"{len(values)} feature values for {len(self.weights)} weights")
        return math.fsum(map(operator.mul, self.weights, values))


def load_model(path: Path | None = None) -> RankerModel:
    """The shipped weights, or those of `path` (or of the file $AUDIOBOOK_RANKER_WEIGHTS names); each file is read
    once per process."""
    if path is None and os.environ.get(WEIGHTS_ENV):
        path = Path(os.environ[WEIGHTS_ENV])
    return _load(None if path is None else str(path))


@cache
def _load(path: str | None) -> RankerModel:
    try:
        raw = (Path(path).read_text(encoding="utf-8") if path is not None
               else resources.files(__package__).joinpath("ranker_weights.json").read_text(encoding="utf-8"))
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise RankerWeightsError(f"{path or 'ranker_weights.json'}: not a readable weights file ({exc})") from exc
    return _model_from(data, path or "ranker_weights.json")


def _model_from(data: object, where: str) -> RankerModel:
    """Check a weights file's JSON: its format, features in this version's order, finite numbers."""
    if not isinstance(data, dict) or data.get("format") != WEIGHTS_FORMAT:
        raise RankerWeightsError(f"{where}: not a weights file of format {WEIGHTS_FORMAT}")
    weights = data.get("weights")
    if not isinstance(weights, dict) or list(weights) != list(FEATURES):
        raise RankerWeightsError(f"{where}: the weights must name these features in order: {', '.join(FEATURES)}")
    values = [weights[name] for name in FEATURES]
    explicit = data.get("explicit_confidence")
    numbers = [*values, explicit]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in numbers):
        raise RankerWeightsError(f"{where}: every weight and explicit_confidence must be a finite number")
    assert isinstance(explicit, (int, float))
    if not 0 <= explicit <= 1:
        raise RankerWeightsError(f"{where}: explicit_confidence must lie between 0 and 1")
    override = data.get("override")
    if not isinstance(override, (int, float)) or isinstance(override, bool) or not 0 < override <= 1:
        raise RankerWeightsError(f"{where}: override must be a number above 0 and at most 1")
    trained = data.get("trained_on", [])
    names = tuple(str(n) for n in trained) if isinstance(trained, list) else ()
    return RankerModel(tuple(float(v) for v in values), float(explicit), float(override), names,
                       _calibration(data.get("calibration"), where))


def _calibration(raw: object, where: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """The weights file's calibration: {"cast": [slope, shift], "discovery": [slope, shift]}."""
    pairs = []
    for mode in ("cast", "discovery"):
        pair = raw.get(mode) if isinstance(raw, dict) else None
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in pair)):
            raise RankerWeightsError(f'{where}: calibration must give "cast" and "discovery" two finite numbers each')
        pairs.append((float(pair[0]), float(pair[1])))
    return pairs[0], pairs[1]


@dataclass(frozen=True)
class TurnCandidates:
    """One turn of a conversation: its index, its candidates in a fixed order with their turn features, and
    whether it is fixed (an explicit tag's speaker, or none to choose from)."""

    turn: int
    names: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    fixed: bool


@dataclass
class _Scene:
    """What a chapter has shown so far, read turn by turn."""

    last_seen: dict[str, int] = field(default_factory=dict)  # text offset of the latest mention or speech
    last_spoke: dict[str, int] = field(default_factory=dict)  # index of the latest turn spoken
    seen: Counter[str] = field(default_factory=Counter)  # mentions and turns
    order: list[str] = field(default_factory=list)  # latest first
    book: Counter[str] = field(default_factory=Counter)  # the book's mentions of each character
    total: int = 0  # the chapter's mentions and turns so far
    book_total: int = 0  # the book's mentions


_NOBODY = "\x00nobody"  # a turn no one is found for: it matches no other turn's speaker


@dataclass(frozen=True)
class _TurnView:
    """What every candidate of one turn is weighed against, read once per turn."""

    paragraph: tuple[str, ...]  # the names in the narration of the turn's paragraph, in order
    after: tuple[str, ...]  # the names in the narration just after it
    want: Gender | None  # the gender its pronoun tag or beat gives
    of_gender: tuple[str, ...]  # the characters at hand of that gender, latest first
    block: tuple[int, ...]  # the turns of its conversation
    place: int  # its index there
    block_speakers: Counter[str | None]  # the sieve's speakers of the conversation

    @classmethod
    def of(cls, ctx: Context, t: int, scene: _Scene) -> _TurnView:
        want = _turn_gender(ctx, t)
        b, n = ctx.place[t]
        block = ctx.blocks[b]
        return cls(
            paragraph=tuple(_paragraph_names(ctx, t)),
            after=tuple(_named_after(ctx, t)),
            want=want,
            of_gender=() if want is None else tuple(c for c in scene.order if ctx.names.gender.get(c) == want),
            block=tuple(block),
            place=n,
            block_speakers=Counter(ctx.turns[u].speaker for u in block),
        )


def gather(ctx: Context) -> list[list[TurnCandidates]]:
    """Each conversation's turns, in order, with their candidates and turn features."""
    found: dict[int, TurnCandidates] = {}
    book = Counter(who for _pos, who in ctx.mentions)
    scene = _Scene(book=book, book_total=len(ctx.mentions))
    mi = 0
    chapter = -1
    for t, turn in enumerate(ctx.turns):
        if ctx.chapter_of(t) != chapter:
            chapter, scene = ctx.chapter_of(t), _Scene(book=book, book_total=len(ctx.mentions))
            mi = bisect_left(ctx.mentions, (ctx.segments[ctx.chapter_segments(t).start].start, ""))
        start = ctx.start(turn)
        while mi < len(ctx.mentions) and ctx.mentions[mi][0] < start:
            pos, who = ctx.mentions[mi]
            _see(scene, who, pos)
            mi += 1
        # "I said" in a book whose narrator has no name is the narrator's, as sure as a named tag; a turn no rule
        # could place ("said a man") is someone the book has not named, whom no candidate is.
        fixed = turn.evidence == "explicit" or bool(turn.own) or turn.speaker in (NARRATOR, None)
        view = None if fixed else _TurnView.of(ctx, t, scene)
        names = [] if view is None else _candidates(ctx, t, scene, view)
        if view is not None and names:
            found[t] = TurnCandidates(t, tuple(names), tuple(_features(ctx, t, c, scene, view) for c in names), False)
        else:
            speaker = turn.speaker if turn.speaker is not None and turn.speaker != NARRATOR else f"{_NOBODY}{t}"
            found[t] = TurnCandidates(t, (speaker,), ((),), True)
        if turn.speaker is not None and turn.speaker != NARRATOR:
            _see(scene, turn.speaker, start)
            scene.last_spoke[turn.speaker] = t
    return [[found[t] for t in block] for block in ctx.blocks]


def _see(scene: _Scene, who: str, pos: int) -> None:
    """Note a mention or a speech of `who` at text offset pos."""
    scene.last_seen[who] = pos
    scene.seen[who] += 1
    scene.total += 1
    if who in scene.order:
        scene.order.remove(who)
    scene.order.insert(0, who)


def _candidates(ctx: Context, t: int, scene: _Scene, view: _TurnView) -> list[str]:
    """Who may speak turn t, in a fixed order: the sieve's pick first, then the conversation, then the scene."""
    turn = ctx.turns[t]
    found: list[str] = []
    if turn.speaker is not None:
        found.append(turn.speaker)
    block, n = view.block, view.place
    for m in (n - 2, n - 1, n + 1, n + 2):
        if 0 <= m < len(block) and (s := ctx.turns[block[m]].speaker) is not None:
            found.append(s)
    if n > 0:
        found.extend(sorted(ctx.vocatives[block[n - 1]]))
    found.extend(view.paragraph)
    found.extend(scene.order[: th.RANK_RECENT])
    found.extend(view.after)
    if ctx.narrator != NARRATOR:
        found.append(ctx.narrator)
    return [c for c in dict.fromkeys(found) if c != NARRATOR]


def _paragraph_names(ctx: Context, t: int) -> list[str]:
    """The characters the narration of turn t's paragraph names, in order."""
    return [who for seg in ctx.narration_of(ctx.turns[t]) for _pos, who in ctx.mentions_between(seg.start, seg.end)]


def _named_after(ctx: Context, t: int) -> list[str]:
    """The characters the narration names in the first characters after turn t's last quote."""
    end = ctx.segments[ctx.turns[t].dialogue[-1]].end
    return [who for _pos, who in ctx.mentions_between(end, end + th.RANK_AFTER_CHARS)]


def _turn_gender(ctx: Context, t: int) -> Gender | None:
    """The gender a turn's pronoun tag ("said she") or action beat ("He smiled.") gives its speaker."""
    for k in sorted(ctx.turns[t].tags):
        tag = ctx.turns[t].tags[k]
        if tag.kind == "pron" and tag.value in _PRONOUN_GENDER:
            return _PRONOUN_GENDER[tag.value]
    return ctx.beats[t]


def _features(ctx: Context, t: int, who: str, scene: _Scene, view: _TurnView) -> tuple[float, ...]:
    """The feature values of candidate `who` for turn t, in the order of FEATURES."""
    v = [0.0] * len(FEATURES)

    def put(name: str, value: float | bool) -> None:
        v[_INDEX[name]] = float(value)

    turn = ctx.turns[t]
    if turn.speaker == who and turn.evidence in SIEVE_EVIDENCE:
        put(f"sieve_{turn.evidence}", 1)
    put("called_here", who in ctx.vocatives[t])
    put("talked_of", who in ctx.talked_of[t])
    put("paragraph_named", who in view.paragraph)
    put("paragraph_first", bool(view.paragraph) and view.paragraph[0] == who)
    put("named_after", who in view.after)
    put("narrator", who == ctx.narrator)
    if view.want is not None:
        has = ctx.names.gender.get(who)
        put("gender_agrees", has == view.want)
        put("gender_clashes", has is not None and has != view.want)
        put("latest_of_gender", bool(view.of_gender) and view.of_gender[0] == who)
        put("second_of_gender", len(view.of_gender) > 1 and view.of_gender[1] == who)
    _scene_features(ctx, t, who, scene, put)
    _conversation_features(ctx, who, view, put)
    return tuple(v)


def _scene_features(ctx: Context, t: int, who: str, scene: _Scene, put: _Put) -> None:
    """How lately and how often the chapter (and the book) has named or heard `who`."""
    rank = scene.order.index(who) if who in scene.order else -1
    for k, name in enumerate(("latest", "second_latest", "third_latest")):
        put(name, rank == k)
    gap = ctx.start(ctx.turns[t]) - scene.last_seen[who] if who in scene.last_seen else th.RANK_GAP_CAP
    put("gap_chars", math.log1p(min(gap, th.RANK_GAP_CAP)) / math.log1p(th.RANK_GAP_CAP))
    spoke = scene.last_spoke.get(who)
    since = min(t - spoke, th.RANK_TURNS_CAP) if spoke is not None else th.RANK_TURNS_CAP
    put("turns_since_spoke", math.log1p(since) / math.log1p(th.RANK_TURNS_CAP))
    put("not_spoken", spoke is None)
    put("chapter_share", scene.seen[who] / scene.total if scene.total else 0.0)
    put("book_share", scene.book[who] / scene.book_total if scene.book_total else 0.0)


def _conversation_features(ctx: Context, who: str, view: _TurnView, put: _Put) -> None:
    """Where `who` stands among the speakers the sieve gives the turn's conversation, and whom the turn before
    calls."""
    block, n = view.block, view.place
    put("called_before", n > 0 and who in ctx.vocatives[block[n - 1]])
    put("block_share", view.block_speakers[who] / len(block))
    for gap, same, tagged in ((1, "same_as_adjacent", "adjacent_tagged"), (2, "same_as_two_apart", "two_apart_tagged")):
        around = [ctx.turns[block[m]] for m in (n - gap, n + gap) if 0 <= m < len(block)]
        put(same, sum(turn.speaker == who for turn in around))
        put(tagged, sum(turn.speaker == who and turn.evidence == "explicit" for turn in around))


@dataclass(frozen=True)
class Ranked:
    """The ranker's choice for one turn."""

    speaker: str
    confidence: float


def choose(model: RankerModel, turn: TurnCandidates) -> Ranked:
    """The sieve's pick (the first candidate), unless another candidate is at least the model's `override` likely;
    and how likely the one chosen is (the softmax of the candidates' scores)."""
    scores = [model.score(values) for values in turn.values]
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = math.fsum(weights)
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    pick = 0 if weights[best] / total < model.override else best
    return Ranked(turn.names[pick], weights[pick] / total)


def rank(ctx: Context, model: RankerModel, discovery: bool = False) -> dict[int, float]:
    """Let the ranker check every turn a rule other than an explicit tag decides; return each such turn's
    confidence (calibrated for a book read with a cast or, `discovery`, without), by turn index."""
    decided = [(turn.turn, choose(model, turn)) for block in gather(ctx) for turn in block
               if not turn.fixed]
    confidence: dict[int, float] = {}
    for t, ranked in decided:  # after gathering all: every turn's features read the sieve's speakers
        turn = ctx.turns[t]
        if turn.speaker != ranked.speaker:
            turn.speaker, turn.evidence = ranked.speaker, "ranked"
        confidence[t] = model.calibrated(ranked.confidence, discovery)
    return confidence
