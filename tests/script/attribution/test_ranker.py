"""Tests for the learned ranker: its candidates and features on passages of our own, its weights file, its choice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audiobook.model import Chapter, Character
from audiobook.script.attribution import ranker
from audiobook.script.attribution.ranker import (
    FEATURES,
    RankerModel,
    RankerWeightsError,
    TurnCandidates,
    choose,
    gather,
    load_model,
)
from audiobook.script.attribution.sieve import attribute, run_sieve
from audiobook.script.segment import segment

CAST = (
    Character("Elinor Ward", ("Elinor",), "female"),
    Character("Mr. Hale", ("Hale",), "male"),
    Character("Tom Reed", ("Tom",), "male"),
)

# A back-and-forth: Elinor and Mr. Hale named by tags, then two untagged replies; Tom is only talked about.
EXCHANGE = (
    'Elinor came into the study, where Mr. Hale sat reading.\n\n'
    '"Have you seen Tom today?" said Elinor.\n\n'
    '"Not since breakfast," said Mr. Hale.\n\n'
    '"Then he has gone to the river again."\n\n'
    '"Elinor, he is old enough to swim."\n'
)


def _turns(text: str) -> tuple[ranker.Context, dict[int, TurnCandidates]]:
    ctx = run_sieve(text, segment(text, [Chapter(1, "T", 0, 0, len(text))]), CAST)
    return ctx, {turn.turn: turn for block in gather(ctx) for turn in block}


def _value(turn: TurnCandidates, who: str, feature: str) -> float:
    return turn.values[turn.names.index(who)][FEATURES.index(feature)]


def test_tagged_turns_are_fixed_and_untagged_ones_ranked_among_the_people_at_hand() -> None:
    ctx, turns = _turns(EXCHANGE)
    assert [turns[t].fixed for t in sorted(turns)] == [True, True, False, False]
    third = turns[2]
    assert third.names[0] == ctx.turns[2].speaker == "Elinor Ward"  # the sieve's pick comes first
    assert {"Elinor Ward", "Mr. Hale"} <= set(third.names)
    assert all(len(values) == len(FEATURES) for values in third.values)


def test_features_see_the_back_and_forth_and_who_is_called() -> None:
    _ctx, turns = _turns(EXCHANGE)
    third, fourth = turns[2], turns[3]
    assert _value(third, "Elinor Ward", "same_as_two_apart") == 1  # she spoke two turns before
    assert _value(third, "Mr. Hale", "same_as_adjacent") == 2  # he spoke just before, and the sieve gives him the next
    assert _value(third, "Mr. Hale", "adjacent_tagged") == 1
    assert _value(third, "Elinor Ward", "sieve_alternation") == 1
    assert _value(fourth, "Elinor Ward", "called_here") == 1  # "Elinor, he is old enough…": not Elinor's line
    assert _value(fourth, "Mr. Hale", "called_here") == 0


def test_features_see_the_scene_and_the_gender_of_a_pronoun_tag() -> None:
    text = ('Tom and Elinor walked down to the gate, where Mr. Hale was waiting.\n\n'
            '"You are late," she said.\n')
    _ctx, turns = _turns(text)
    (turn,) = turns.values()
    assert not turn.fixed
    assert _value(turn, "Elinor Ward", "gender_agrees") == 1
    assert _value(turn, "Mr. Hale", "gender_clashes") == 1
    assert _value(turn, "Elinor Ward", "latest_of_gender") == 1
    assert _value(turn, "Mr. Hale", "latest") == 1  # the last one named
    assert _value(turn, "Tom Reed", "third_latest") == 1
    assert _value(turn, "Mr. Hale", "gap_chars") < _value(turn, "Tom Reed", "gap_chars")


def test_a_line_no_rule_places_is_not_given_to_anyone_by_the_ranker() -> None:
    text = 'Mr. Hale looked up.\n\n"Who goes there?" said a stranger.\n'
    ctx, turns = _turns(text)
    assert turns[0].fixed and ctx.turns[0].speaker is None
    segs = attribute(text, segment(text, [Chapter(1, "T", 0, 0, len(text))]), CAST)
    assert [(s.speaker, s.confidence) for s in segs if s.kind == "dialogue"] == [(None, None)]


def test_every_attributed_quote_carries_a_confidence_and_explicit_tags_the_explicit_one() -> None:
    segs = attribute(EXCHANGE, segment(EXCHANGE, [Chapter(1, "T", 0, 0, len(EXCHANGE))]), CAST)
    dialogue = [s for s in segs if s.kind == "dialogue"]
    model = load_model()
    assert [s.confidence for s in dialogue[:2]] == [round(model.explicit_confidence, 3)] * 2
    assert all(s.confidence is not None and 0 < s.confidence <= 1 for s in dialogue)
    assert all(s.confidence is None for s in segs if s.kind == "narration")


def _candidates(*scores: float) -> TurnCandidates:
    """A turn whose candidates score as given under a model weighing only the first feature."""
    values = tuple((s,) + (0.0,) * (len(FEATURES) - 1) for s in scores)
    return TurnCandidates(7, tuple(f"c{i}" for i in range(len(scores))), values, False)


def _model(override: float) -> RankerModel:
    return RankerModel((1.0,) + (0.0,) * (len(FEATURES) - 1), 0.95, override)


def test_choose_keeps_the_sieve_pick_unless_another_is_likely_enough() -> None:
    turn = _candidates(0.0, 2.0, 0.0)  # c1: e^2 / (e^2 + 2) = 0.787
    kept = choose(_model(0.9), turn)
    assert kept.speaker == "c0" and kept.confidence == pytest.approx(1 / (2 + 2.718281828**2))
    overruled = choose(_model(0.7), turn)
    assert overruled.speaker == "c1" and overruled.confidence == pytest.approx(0.787, abs=1e-3)


def test_a_share_is_calibrated_per_mode(tmp_path: Path) -> None:
    model = load_model(_weights_file(tmp_path))
    assert model.calibrated(0.8, discovery=False) == pytest.approx(0.8)  # slope 1, shift 0: as it is
    # Without a cast the file says a share is less sure: log-odds halved and lowered by one.
    assert model.calibrated(0.8, discovery=True) == pytest.approx(1 / (1 + 4 ** -0.5 * 2.718281828), abs=1e-6)
    assert model.calibrated(0.2, discovery=True) < model.calibrated(0.8, discovery=True)
    assert 0 < model.calibrated(0.0, discovery=False) < model.calibrated(1.0, discovery=False) < 1


def test_choose_takes_the_first_of_equal_candidates() -> None:
    assert choose(_model(0.5), _candidates(1.0, 1.0)).speaker == "c0"


def _weights_file(tmp_path: Path, **changes: object) -> Path:
    doc: dict[str, object] = {"format": 1, "explicit_confidence": 0.9, "override": 1.0,
                              "calibration": {"cast": [1, 0], "discovery": [0.5, -1]},
                              "weights": {name: 0.0 for name in FEATURES}}
    doc.update(changes)
    path = tmp_path / "w.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_shipped_weights_name_every_feature_and_were_fitted_on_the_dev_novels() -> None:
    model = load_model()
    assert len(model.weights) == len(FEATURES)
    assert len(model.trained_on) >= 14
    assert 0.5 < model.explicit_confidence <= 1
    assert 0 < model.override <= 1


def test_a_weights_file_from_the_environment_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ranker.WEIGHTS_ENV, str(_weights_file(tmp_path, explicit_confidence=0.5)))
    assert load_model().explicit_confidence == 0.5


@pytest.mark.parametrize(("changes", "message"), [
    ({"format": 2}, "not a weights file of format 1"),
    ({"weights": {"latest": 1.0}}, "the weights must name these features in order"),
    ({"weights": {name: "x" for name in FEATURES}}, "must be a finite number"),
    ({"explicit_confidence": 1.5}, "explicit_confidence must lie between 0 and 1"),
    ({"override": 0}, "override must be a number above 0 and at most 1"),
    ({"calibration": {"cast": [1, 0]}}, 'calibration must give "cast" and "discovery" two finite numbers each'),
])
def test_a_damaged_weights_file_is_one_clear_error(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    path = _weights_file(tmp_path, **changes)
    with pytest.raises(RankerWeightsError, match=message) as caught:
        load_model(path)
    assert str(caught.value).startswith(str(path))


def test_a_weights_file_that_is_not_json_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    path.write_bytes(b"\xff\xfe not json")
    with pytest.raises(RankerWeightsError, match="not a readable weights file"):
        load_model(path)


def test_speakers_and_confidences_do_not_depend_on_the_hash_seed() -> None:
    program = (
        "from audiobook.model import Chapter; from audiobook.script.segment import segment;"
        "from audiobook.script.attribution.sieve import attribute; import sys;"
        "from tests.script.attribution.test_ranker import CAST, EXCHANGE;"
        "text = EXCHANGE * 3; chapters = [Chapter(1, 'T', 0, 0, len(text))];"
        "print([(s.speaker, s.evidence, s.confidence) for s in attribute(text, segment(text, chapters), CAST)])"
    )
    root = Path(__file__).resolve().parents[3]
    runs = {subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, cwd=root,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1 and "Elinor Ward" in runs.pop()
