"""Guessing a character's gender from titles and the pronouns after the name."""

from __future__ import annotations

import re

from audiobook.script.attribution.gender import gender_from_title, guess_gender, guess_genders


def test_titles() -> None:
    assert gender_from_title("Mrs. Kemp") == "female"
    assert gender_from_title("Colonel Brandon") == "male"
    assert gender_from_title("Pat") is None


def test_pronouns_after_mentions() -> None:
    text = ("Anna smiled; she was tired. Anna took her coat. Tom laughed, and he left. "
            "Tom said his goodbyes. Sam waved; he sat." + " Time passed." * 10 + " Sam nodded; she sat.")
    assert guess_genders(text, ["Anna", "Tom", "Sam", "Mr. Lee"]) == {"Anna": "female", "Tom": "male",
                                                                     "Mr. Lee": "male"}


def test_titles_are_the_attributors() -> None:
    # One title lexicon for casting and attribution: "Dr" says nothing of a gender, "Mademoiselle" does.
    assert gender_from_title("Dr. Lane") is None
    assert gender_from_title("Mademoiselle Duvernay") == "female"
    assert gender_from_title("Herr Muller") == "male"


def test_a_pronoun_past_a_paragraph_break_or_inside_a_quote_does_not_count() -> None:
    text = ('Anna waved.\n\nHe sat down. Anna smiled. "He is late," said Tom. Anna nodded, and she went in.')
    assert guess_gender(text, [m.start() for m in re.finditer("Anna", text)]) == "female"


def test_a_tie_is_unknown_and_any_majority_decides() -> None:
    text = "Pat ran; he fell. Pat rose; she laughed. Kim sat; she read."
    assert guess_gender(text, [0, 18]) is None
    assert guess_gender(text, [text.index("Kim")]) == "female"


def test_without_pronouns_the_noun_the_narration_names_them_with() -> None:
    text = "The boy, whose name was Simon, ran. Later Simon, a tall young boy, sat."
    assert guess_gender(text, [text.index("Simon")]) == "male"


def test_casting_and_attribution_guess_alike() -> None:
    # The names the casting guesser finds in the text and the mentions the attributor passes meet in one guesser.
    # The "he" is too far from its "Sam" to count: 80 characters on, the narration has moved on to someone else.
    text = ("Sam waved; she sat. Sam nodded, and then, after what seemed to everyone in the little room a very long while"
            " indeed, he looked up. Sam smiled.")
    positions = [m.start() for m in re.finditer("Sam", text)]
    assert guess_genders(text, ["Sam"]) == {"Sam": "female"} and guess_gender(text, positions) == "female"


def test_a_sentence_opening_pronoun_counts_only_for_a_name_no_lowercase_one_follows() -> None:
    said = '"Good morning," said Tom. He nodded.'
    assert guess_gender(said, [said.index("Tom")]) == "male"
    # "He" is Tom, whom Ann looked at; the "she" after her names is hers.
    text = "Ann looked at Tom. He smiled. Ann turned away, and she sighed."
    assert guess_gender(text, [m.start() for m in re.finditer("Ann", text)]) == "female"
