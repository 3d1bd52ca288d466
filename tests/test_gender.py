"""Guessing a character's gender from titles and the pronouns after the name."""

from __future__ import annotations

from audiobook.script.attribution.gender import gender_from_title, guess_genders


def test_titles() -> None:
    assert gender_from_title("Mrs. Bennet") == "female"
    assert gender_from_title("Colonel Brandon") == "male"
    assert gender_from_title("Pat") is None


def test_pronouns_after_mentions() -> None:
    text = ("Anna smiled; she was tired. Anna took her coat. Tom laughed, and he left. "
            "Tom said his goodbyes. Sam waved; he sat." + " Time passed." * 10 + " Sam nodded; she sat.")
    assert guess_genders(text, ["Anna", "Tom", "Sam", "Mr. Lee"]) == {"Anna": "female", "Tom": "male",
                                                                     "Mr. Lee": "male"}
