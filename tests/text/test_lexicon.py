"""Pronunciation rules: whole words, case, respellings turned into eSpeak NG phonemes."""

from __future__ import annotations

from audiobook.text.lexicon import apply_lexicon, lexicon_error, merge_lexicons, pronunciation, respell, spoken_form

RULES = {"Kuznetsova": "kooz-NYET-so-va", "colonel": "KER-nul", "Siobhan": "[[S@v'A:n]]",
         "St John": "SIN-jun", "lol": "laugh out loud"}


def test_respelling_becomes_phonemes() -> None:
    assert respell("kooz-NYET-so-va") == "ku:z'njEts@v@"
    assert respell("her-MY-oh-nee") == "h3:'maIoUni:"
    assert pronunciation("KER-nul") == "[['k3:n@l]]"
    assert pronunciation("[[S@v'A:n]]") == "[[S@v'A:n]]"
    assert pronunciation("Jean-Paul") == "Jean-Paul"  # hyphened words without a stressed syllable stay words


def test_whole_words_and_case() -> None:
    text = "Kuznetsova's friend; Kuznetsovas; KUZNETSOVA; Colonel and COLONEL; St John met Siobhan. LOL."
    assert apply_lexicon(text, RULES) == (
        "[[ku:z'njEts@v@]]'s friend; Kuznetsovas; KUZNETSOVA; [['k3:n@l]] and [['k3:n@l]]; "
        "[['sIndZ@n]] met [[S@v'A:n]]. laugh out loud.")
    assert apply_lexicon("John and St John", {"John": "jon", "St John": "SIN-jun"}) == "jon and [['sIndZ@n]]"
    assert apply_lexicon("anything", {}) == "anything"


def test_per_character_rules_win_and_spoken_form_orders_the_steps() -> None:
    rules = merge_lexicons({"Anna": "AH-na"}, None, {"Anna": "AN-na"})
    assert rules == {"Anna": "AN-na"}
    assert spoken_form("Anna met Henry VIII. [[x]]", rules) == "[['ann@]] met Henry the 8th. [ [x]]"


def test_lexicon_errors() -> None:
    assert lexicon_error("Anna", "AH-na") is None
    assert lexicon_error("Anna", "[[x") == "Anna: phonemes must be written whole, as [[...]] with nothing around them"
    assert lexicon_error("Anna", "") is not None and lexicon_error("", "x") is not None
