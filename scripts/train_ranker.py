#!/usr/bin/env python3
"""Fit the attribution ranker's weights on annotated novels (PDNC layout), and measure it leave-one-novel-out.

    python scripts/train_ranker.py                         # fit on every novel, write the shipped weights file
    python scripts/train_ranker.py --check                 # exit 1 unless the shipped file is what the fit gives
    python scripts/train_ranker.py --exclude Persuasion --out /tmp/w.json   # fit without one novel
    python scripts/train_ranker.py --loo                   # leave-one-novel-out accuracy, per novel and in all
    python scripts/train_ranker.py --loo --ablate          # …and with each feature family or sieve rule left out
    python scripts/train_ranker.py --loo-dir /tmp/loo      # <novel>.json fitted without each novel, for
                                                           # scripts/evaluate_attribution.py --weights-dir

Each novel folder holds novel_text.txt and gold.json (../shared/pdnc). Every novel is read twice, as
`audiobook segment` reads it: with the cast the scorer writes from gold.json (cast mode) and without one
(discovery mode). The sieve runs as shipped; every turn it does not give to an explicit tag becomes one example
per gold quote in it: the candidates' features (audiobook/script/attribution/ranker.py) and which candidate is the
gold speaker (in discovery mode, any of the speaker's aliases). Quotes whose speaker is no candidate teach
nothing and are left out of the fit (they still count as wrong in --loo).

The fit is a conditional logistic regression (softmax over a turn's candidates) with an L2 penalty, solved by
Newton's method from zero weights for a fixed number of steps: no randomness, so the same novels give the same
file. Weights are written rounded to six decimals, so the last bits of floating-point sums on another machine do
not change the file.

--loo accuracy is counted here in-process, as the scorer counts it (a quote is right when the segment covering
most of it has the gold speaker); scripts/evaluate_attribution.py gives the scorer's own figures.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from unittest import mock

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audiobook.cast.casting import load_casting  # noqa: E402
from audiobook.read.book import load_book  # noqa: E402
from audiobook.script.attribution import ranker, sieve  # noqa: E402
from audiobook.script.attribution.rules import NARRATOR  # noqa: E402
from audiobook.script.attribution.sieve import run_sieve  # noqa: E402
from audiobook.script.segment import segment  # noqa: E402

WEIGHTS = ROOT / "audiobook" / "script" / "attribution" / "ranker_weights.json"
MODES = ("cast", "discovery")
PENALTY = 1e-3  # L2 on the weights: enough to keep a feature that never fires at zero
NEWTON_STEPS = 25

# Feature families for --ablate: each is left out (its columns zeroed) and the fit redone.
FEATURE_FAMILIES: dict[str, tuple[str, ...]] = {
    "sieve picks": tuple(f"sieve_{ev}" for ev in ranker.SIEVE_EVIDENCE),
    "conversation (turns around)": (*ranker.PAIR_FEATURES, "block_share"),
    "vocatives and talked-of": ("called_before", "called_here", "talked_of"),
    "paragraph and after": ("paragraph_named", "paragraph_first", "named_after"),
    "recency": ("latest", "second_latest", "third_latest", "gap_chars", "turns_since_spoke", "not_spoken"),
    "chapter and book share": ("chapter_share", "book_share"),
    "gender": ("gender_agrees", "gender_clashes", "latest_of_gender", "second_of_gender"),
    "narrator": ("narrator",),
}

# Sieve rule families for --ablate: each is switched off (the sieve runs without it) and the data gathered again.
# "sieve.RULES-rule_x" runs the sieve without that rule; any other target is a function made to find nothing.
_A = "audiobook.script.attribution.anaphora."
RULE_FAMILIES: dict[str, tuple[str, ...]] = {
    "vocative (the one called answers)": ("sieve.RULES-rule_vocative",),
    "paragraph (its narration names one)": ("sieve.RULES-rule_paragraph",),
    "conversation (the other of a pair)": ("sieve.RULES-rule_conversation",),
    "lead (narration subject opens)": ("sieve.RULES-rule_lead",),
    "bridge (a paused conversation)": ("sieve.RULES-rule_bridge",),
    "description keeps its referent": (_A + "_kept_votes", _A + "_note_use"),
    "cast roles as epithets": (_A + "epithet",),
    "newcomers (named soon after)": (_A + "newcomer",),
    "kin ('her mother')": (_A + "kin", _A + "parent_at_hand", "audiobook.script.attribution.sieve.kin_mentions"),
    "children ('little Tom')": (_A + "children",),
    "pronoun binding": (_A + "bound", _A + "oblique_subject"),
    "unseen voice ('said a voice')": (_A + "unseen_voice", _A + "voice_before"),
}
# What a switched-off function returns instead.
_OFF: dict[str, object] = {"_kept_votes": None, "_note_use": None, "epithet": None, "newcomer": None, "kin": None,
                           "parent_at_hand": None, "kin_mentions": [], "children": set(), "bound": False,
                           "oblique_subject": None, "unseen_voice": None, "voice_before": None}


@dataclass
class TurnData:
    """One turn of a conversation: its candidates and their turn features (audiobook's TurnCandidates), the names
    its gold quotes accept (one set per quote) and the segment each quote is read from."""

    names: tuple[str, ...]
    values: np.ndarray  # candidates x turn features (no columns for a fixed turn)
    fixed: bool
    quotes: list[tuple[set[str], str | None]]  # per gold quote: accepted names, the speaker of a fixed turn's segment
    gold: int = -1  # the candidate most of its quotes accept, -1 if none does


@dataclass
class NovelData:
    """What a novel gives in one mode: its conversations, and the gold quotes no turn holds."""

    blocks: list[list[TurnData]]
    lost: int  # gold quotes no dialogue segment covers: wrong whatever the ranker does
    mode: str = "cast"


def _scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_attribution", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_novel(folder: Path, mode: str, scorer: ModuleType) -> NovelData:
    """Segment and run the sieve on one novel; pair each gold quote with its turn's candidates."""
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    book = load_book(folder / "novel_text.txt", None, None)
    text = book.text
    segments = segment(text, book.chapters)
    characters: tuple[object, ...] = ()
    if mode == "cast":
        with tempfile.TemporaryDirectory() as tmp:
            cast = Path(tmp) / "voices.yaml"
            scorer.write_cast(gold, str(cast))
            characters = load_casting(cast).characters
    ctx = run_sieve(text, segments, characters)  # type: ignore[arg-type]
    blocks = ranker.gather(ctx)
    data: dict[int, TurnData] = {}
    for block in blocks:
        for turn in block:
            data[turn.turn] = TurnData(turn.names, np.array(turn.values, dtype=float), turn.fixed, [])
    turn_of = {k: t for t, turn in enumerate(ctx.turns) for k in turn.dialogue}
    cover = scorer.Coverage([(s.start, s.end, k) for k, s in enumerate(ctx.segments) if s.kind == "dialogue"])
    lost = 0
    for quote in gold["quotes"]:
        speaker = quote.get("speaker")
        if not speaker or speaker in scorer.PSEUDO:
            continue
        k = _main_segment(scorer, text, cover, quote["spans"])
        if k is None:
            lost += 1
            continue
        sieve_turn = ctx.turns[turn_of[k]]
        said = sieve_turn.own.get(k, sieve_turn.speaker)
        data[turn_of[k]].quotes.append((_accepts(gold, speaker, mode), None if said == NARRATOR else said))
    for turn_data in data.values():
        turn_data.gold = _gold_candidate(turn_data)
    return NovelData([[data[turn.turn] for turn in block] for block in blocks], lost, mode)


def _gold_candidate(turn: TurnData) -> int:
    """The candidate most of the turn's gold quotes accept (the first of equals), -1 if none."""
    votes = [sum(name.casefold() in accepts for accepts, _said in turn.quotes) for name in turn.names]
    return max(range(len(votes)), key=lambda i: (votes[i], -i)) if votes and max(votes) > 0 else -1


def _accepts(gold: dict[str, object], speaker: str, mode: str) -> set[str]:
    """The names that count as the gold speaker: the cast name, or in discovery mode any alias."""
    if mode == "cast":
        return {speaker.casefold()}
    for ch in gold["characters"]:  # type: ignore[attr-defined]
        if ch["main_name"] == speaker:
            return {n.casefold() for n in (ch["main_name"], *ch["aliases"])}
    return {speaker.casefold()}


def _main_segment(scorer: ModuleType, text: str, cover: object, spans: list[list[int]]) -> int | None:
    """The dialogue segment covering most of a quote's characters, as the scorer picks it."""
    votes: dict[int, int] = {}
    for s, e in spans:
        for lo, hi, k in cover.overlaps(s, e):  # type: ignore[attr-defined]
            votes[k] = votes.get(k, 0) + scorer.content_len(text, lo, hi)
    return max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0] if votes else None


OVERRIDES = (0.5, 0.6, 0.7, 0.8, 0.9)  # how likely another candidate must be to overrule the sieve's pick
# An override is kept only if it gets this share more of the training quotes right than the sieve alone: a smaller
# gain in-sample is noise, and leave-one-novel-out it was a loss (see the closing note of issue 22).
OVERRIDE_GAIN = 0.005


def _examples(data: list[NovelData]) -> list[tuple[np.ndarray, int, int]]:
    """Each ranked turn whose gold speaker is a candidate, once per gold quote: its candidates' features, the gold
    candidate and how many quotes."""
    return [(turn.values, turn.gold, len(turn.quotes)) for novel in data for block in novel.blocks for turn in block
            if not turn.fixed and turn.gold >= 0 and len(turn.names) > 1]


def fit(data: list[NovelData], mask: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """The weights of a conditional logistic regression over each turn's candidates (each turn weighed by its gold
    quotes), by Newton's method from zero; and the override that does best on the same novels."""
    usable = _examples(data)
    width = len(ranker.FEATURES)
    most = max(len(x) for x, _gold, _n in usable)
    x = np.zeros((len(usable), most, width))
    valid = np.zeros((len(usable), most), dtype=bool)
    gold = np.array([g for _x, g, _n in usable])
    count = np.array([n for _x, _g, n in usable], dtype=float)
    for i, (values, _g, _n) in enumerate(usable):
        x[i, : len(values)] = values
        valid[i, : len(values)] = True
    if mask is not None:
        x = x * mask
    w = np.zeros(width)
    rows = np.arange(len(usable))
    share = count / count.sum()
    for _ in range(NEWTON_STEPS):
        scores = np.where(valid, np.einsum("ncf,f->nc", x, w), -np.inf)
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        mean = np.einsum("nc,ncf->nf", p, x)
        grad = np.einsum("n,nf->f", share, mean - x[rows, gold]) + PENALTY * w
        weighted = (share[:, None] * p)[:, :, None] * x
        second = np.tensordot(weighted, x, axes=([0, 1], [0, 1])) - (share[:, None] * mean).T @ mean
        w = w - np.linalg.solve(second + PENALTY * np.eye(width), grad)
    weights: np.ndarray = np.round(w, 6)
    together = arrays(data)
    best = max(OVERRIDES, key=lambda o: (accuracy(together, weights, o, mask)[0], -o))
    sieve, total = accuracy(together, weights, 1.0, mask)
    return weights, best if accuracy(together, weights, best, mask)[0] - sieve >= OVERRIDE_GAIN * total else 1.0


@dataclass
class Arrays:
    """The ranked turns of some novels as padded arrays, to score many weights fast."""

    x: np.ndarray  # turns x candidates x features
    valid: np.ndarray  # turns x candidates
    right: np.ndarray  # turns x candidates: the turn's gold quotes that candidate gets right
    fixed_right: int  # gold quotes right whatever the weights: those of fixed turns
    total: int  # gold quotes in all


def arrays(data: list[NovelData]) -> Arrays:
    """The ranked turns of `data` as padded arrays."""
    turns = [turn for novel in data for block in novel.blocks for turn in block if not turn.fixed]
    most = max((len(turn.names) for turn in turns), default=1)
    x = np.zeros((len(turns), most, len(ranker.FEATURES)))
    valid = np.zeros((len(turns), most), dtype=bool)
    right = np.zeros((len(turns), most))
    for i, turn in enumerate(turns):
        x[i, : len(turn.names)] = turn.values
        valid[i, : len(turn.names)] = True
        right[i, : len(turn.names)] = [sum(name.casefold() in accepts for accepts, _said in turn.quotes)
                                       for name in turn.names]
    fixed = [turn for novel in data for block in novel.blocks for turn in block if turn.fixed]
    fixed_right = sum(said is not None and said.casefold() in accepts
                      for turn in fixed for accepts, said in turn.quotes)
    total = sum(novel.lost for novel in data) + sum(len(turn.quotes) for novel in data for block in novel.blocks
                                                    for turn in block)
    return Arrays(x, valid, right, fixed_right, total)


def _picks(a: Arrays, weights: np.ndarray, override: float) -> tuple[np.ndarray, np.ndarray]:
    """Each ranked turn's chosen candidate (as ranker.choose chooses) and its softmax share."""
    scores = np.where(a.valid, np.einsum("ncf,f->nc", a.x, weights), -np.inf)
    p = np.exp(scores - scores.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    rows = np.arange(len(p))
    best = np.argmax(scores, axis=1)  # the first of equals, as choose() takes it
    pick = np.where(p[rows, best] < override, 0, best)  # the sieve's pick, the first candidate, stays
    return pick, p[rows, pick]


def calibration(data: list[NovelData], w: np.ndarray, override: float) -> dict[str, list[float]]:
    """Per mode, (slope, shift) on the log-odds of the chosen candidate's share that make it the chance of being
    right on these novels (a logistic regression, one example per gold quote, Newton from the identity)."""
    out: dict[str, list[float]] = {}
    for mode in MODES:
        novels = [d for d in data if d.mode == mode]
        a = arrays(novels) if novels else None
        if a is None or not len(a.x):
            out[mode] = [1.0, 0.0]
            continue
        pick, share = _picks(a, w, override)
        quotes = np.array([len(t.quotes) for d in novels for b in d.blocks for t in b if not t.fixed], dtype=float)
        right = a.right[np.arange(len(pick)), pick]
        share = np.clip(share, 1e-6, 1 - 1e-6)
        x = np.stack([np.log(share / (1 - share)), np.ones(len(share))], axis=1)
        beta = np.array([1.0, 0.0])
        for _ in range(NEWTON_STEPS):
            q = 1 / (1 + np.exp(-(x @ beta)))
            grad = x.T @ (quotes * q - right)
            hessian = (x * (quotes * q * (1 - q))[:, None]).T @ x + PENALTY * np.eye(2)
            beta = beta - np.linalg.solve(hessian, grad)
        out[mode] = [round(float(v), 6) for v in beta]
    return out


def accuracy(data: list[NovelData] | Arrays, w: np.ndarray, override: float, mask: np.ndarray | None = None
             ) -> tuple[int, int]:
    """Gold quotes right and gold quotes in all, with the ranker's weights w checking the unfixed turns (as
    ranker.choose does: the sieve's pick unless another candidate is at least `override` likely)."""
    a = data if isinstance(data, Arrays) else arrays(data)
    if not len(a.x):
        return a.fixed_right, a.total
    pick, _share = _picks(a, w * mask if mask is not None else w, override)
    return a.fixed_right + int(a.right[np.arange(len(pick)), pick].sum()), a.total


def explicit_confidence(data: list[NovelData]) -> float:
    """How often the quotes of fixed turns (explicit tags) have the right speaker."""
    right = total = 0
    for novel in data:
        for block in novel.blocks:
            for turn in block:
                if turn.fixed and turn.names[0][:1] != "\x00":
                    right += sum(turn.names[0].casefold() in accepts for accepts, _said in turn.quotes)
                    total += len(turn.quotes)
    return round(right / total, 3) if total else 1.0


def write_weights(path: Path, w: np.ndarray, override: float, novels: list[str], data: list[NovelData]) -> None:
    doc = {
        "format": ranker.WEIGHTS_FORMAT,
        "about": "Weights of the attribution ranker (audiobook/script/attribution/ranker.py), written by "
                 "scripts/train_ranker.py; refit with it after a change to the features or the sieve.",
        "trained_on": novels,
        "modes": list(MODES),
        "explicit_confidence": explicit_confidence(data),
        "override": override,
        "calibration": calibration(data, w, override),
        "weights": {name: float(v) for name, v in zip(ranker.FEATURES, w, strict=True)},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


@contextmanager
def rules_off(targets: tuple[str, ...]) -> Iterator[None]:
    """The sieve with the functions named by `targets` returning what finds nothing."""
    with ExitStack() as stack:
        for target in targets:
            if target.startswith("sieve.RULES-"):
                rules = tuple(r for r in sieve.RULES if r.__name__ != target.split("-", 1)[1])
                stack.enter_context(mock.patch.object(sieve, "RULES", rules))
                continue
            off = _OFF[target.rsplit(".", 1)[1]]
            stack.enter_context(mock.patch(target, _returning(off)))
        yield


def _returning(value: object) -> Callable[..., object]:
    def off(*_args: object, **_kwargs: object) -> object:
        return value.copy() if isinstance(value, (set, list)) else value
    return off


def gather_all(novels: list[Path], scorer: ModuleType) -> dict[str, list[NovelData]]:
    """Every novel's data, by novel name, one NovelData per mode."""
    return {n.name: [read_novel(n, mode, scorer) for mode in MODES] for n in novels}


def leave_one_out(by_novel: dict[str, list[NovelData]], mask: np.ndarray | None = None,
                  override_at: float | None = None) -> dict[str, dict[str, tuple[int, int]]]:
    """For each held-out novel, (right, total) per mode with weights fitted on the others (and the override they
    choose, or `override_at`: 0.0 lets the ranker decide every turn)."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for held in by_novel:
        w, override = fit([d for name, ds in by_novel.items() if name != held for d in ds], mask)
        override = override if override_at is None else override_at
        out[held] = {mode: accuracy([d], w, override, mask) for mode, d in zip(MODES, by_novel[held], strict=True)}
    return out


def _total(per: dict[str, dict[str, tuple[int, int]]], mode: str) -> float:
    right = sum(v[mode][0] for v in per.values())
    total = sum(v[mode][1] for v in per.values())
    return 100 * right / total


def report_loo(by_novel: dict[str, list[NovelData]]) -> None:
    per = leave_one_out(by_novel)
    w, override = fit([d for ds in by_novel.values() for d in ds])
    print(f"{'novel':32} {'cast LOO':>9} {'disc LOO':>9} {'cast in':>8} {'disc in':>8}")
    for name, ds in by_novel.items():
        inside = [accuracy([d], w, override) for d in ds]
        cells = [100 * per[name][m][0] / per[name][m][1] for m in MODES] + [100 * r / t for r, t in inside]
        print(f"{name:32} " + " ".join(f"{c:9.1f}" if i < 2 else f"{c:8.1f}" for i, c in enumerate(cells)))
    in_sample = {m: [accuracy([ds[i]], w, override) for ds in by_novel.values()] for i, m in enumerate(MODES)}
    ins = [100 * sum(r for r, _ in v) / sum(t for _, t in v) for v in in_sample.values()]
    print(f"{'ALL (micro)':32} {_total(per, 'cast'):9.1f} {_total(per, 'discovery'):9.1f} {ins[0]:8.1f} {ins[1]:8.1f}")


def report_ablation(novels: list[Path], scorer: ModuleType, by_novel: dict[str, list[NovelData]]) -> None:
    """LOO accuracy with each sieve rule family switched off, and the ranker's own LOO accuracy (deciding every
    turn, override 0) with each feature family left out: what each carries."""
    base = leave_one_out(by_novel)
    print(f"\n{'left out':40} {'cast LOO':>9} {'change':>7} {'disc LOO':>9} {'change':>7} {'novels +/-':>11}"
          "  quotes it gets right, by novel")
    print(f"{'(nothing: as shipped)':40} {_total(base, 'cast'):9.1f} {'':7} {_total(base, 'discovery'):9.1f}")
    for family, targets in RULE_FAMILIES.items():
        with rules_off(targets):
            data = gather_all(novels, scorer)
        _ablation_row(f"rule: {family}", base, leave_one_out(data))
    ranked = leave_one_out(by_novel, override_at=0.0)
    print(f"{'(ranker deciding every turn)':40} {_total(ranked, 'cast'):9.1f} {'':7} "
          f"{_total(ranked, 'discovery'):9.1f}")
    for family, names in FEATURE_FAMILIES.items():
        mask = np.array([0.0 if f in names else 1.0 for f in ranker.FEATURES])
        _ablation_row(f"ranker feature: {family}", ranked, leave_one_out(by_novel, mask, override_at=0.0))


def _ablation_row(label: str, base: dict[str, dict[str, tuple[int, int]]],
                  off: dict[str, dict[str, tuple[int, int]]]) -> None:
    cast, disc = _total(off, "cast"), _total(off, "discovery")
    # What the family is worth to each novel: quotes right with it minus without it, both modes together.
    worth = {n: sum(base[n][m][0] - off[n][m][0] for m in MODES) for n in base}
    helps, hurts = sum(v > 0 for v in worth.values()), sum(v < 0 for v in worth.values())
    detail = ", ".join(f"{n} {v:+d}" for n, v in sorted(worth.items(), key=lambda kv: -abs(kv[1])) if v)
    print(f"{label:40} {cast:9.1f} {cast - _total(base, 'cast'):+7.1f} {disc:9.1f} "
          f"{disc - _total(base, 'discovery'):+7.1f} {f'{helps}/{hurts}':>11}  {detail}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--novels", type=Path, default=ROOT.parent / "shared" / "pdnc")
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score_attribution.py")
    ap.add_argument("--exclude", action="append", default=[], help="a novel folder's name to fit without")
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    ap.add_argument("--loo", action="store_true", help="print leave-one-novel-out accuracy instead of fitting")
    ap.add_argument("--ablate", action="store_true", help="with --loo: each family left out in turn")
    ap.add_argument("--loo-dir", type=Path, help="write <novel>.json for each novel, fitted without it")
    ap.add_argument("--check", action="store_true", help="fit, and exit 1 unless the result is the --out file "
                    "byte for byte (the shipped weights by default)")
    args = ap.parse_args()
    scorer = _scorer(args.scorer)
    novels = sorted(p for p in args.novels.iterdir() if (p / "gold.json").exists() and p.name not in args.exclude)
    if not novels:
        sys.exit(f"no novels in {args.novels}")
    by_novel = gather_all(novels, scorer)
    if args.loo:
        report_loo(by_novel)
        if args.ablate:
            report_ablation(novels, scorer, by_novel)
        return 0
    if args.loo_dir:
        args.loo_dir.mkdir(parents=True, exist_ok=True)
        for held in by_novel:
            rest = [d for name, ds in by_novel.items() if name != held for d in ds]
            w, override = fit(rest)
            write_weights(args.loo_dir / f"{held}.json", w, override, [n for n in by_novel if n != held], rest)
        print(f"wrote {len(by_novel)} weights files to {args.loo_dir}")
        return 0
    data = [d for ds in by_novel.values() for d in ds]
    w, override = fit(data)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "weights.json"
            write_weights(fresh, w, override, [n.name for n in novels], data)
            same = args.out.exists() and fresh.read_bytes() == args.out.read_bytes()
        print(f"{args.out}: {'the same' if same else 'DIFFERENT'} as fitted now")
        return 0 if same else 1
    write_weights(args.out, w, override, [n.name for n in novels], data)
    print(f"wrote {args.out} ({len(novels)} novels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
