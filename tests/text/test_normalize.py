"""What eSpeak NG would misread is rewritten; what it reads well is left alone."""

from __future__ import annotations

import pytest

from audiobook.text.normalize import normalize_for_speech


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        # Left alone: eSpeak NG reads these right.
        ("Mr. Smith and Mrs. Smith met Dr. Watson.", "Mr. Smith and Mrs. Smith met Dr. Watson."),
        ("the 21st time, June 4th, at 10:30, 50% off, etc.", "the 21st time, June 4th, at 10:30, 50% off, etc."),
        ("Then I went home.", "Then I went home."),
        ("In 2010 and 1,865 and 3.14.", "In 2010 and 1,865 and 3.14."),
        ("Malcolm X and Mr. X and I'm here", "Malcolm X and Mr. X and I'm here"),
        # Abbreviations.
        ("He lived on Baker St. in London.", "He lived on Baker Street in London."),
        ("He lived at Baker St.", "He lived at Baker Street."),
        ("St. Paul's Cathedral", "Saint Paul's Cathedral"),
        ("the Church of St. Mary", "the Church of Saint Mary"),
        ("No. 5 and no. 7, but No one came.", "Number 5 and number 7, but No one came."),
        ("Capt. Hook and Col. Brandon, Jr. said", "Captain Hook and Colonel Brandon, Junior said"),
        ("Vol. II, p. 45 and pp. 3", "Volume 2, page 45 and pages 3"),
        # Roman numerals.
        ("Chapter IV", "Chapter 4"),
        ("CHAPTER XII. Book III, Part I", "CHAPTER XII. Book 3, Part 1"),
        ("Henry VIII was king after Henry VII.", "Henry the 8th was king after Henry the 7th."),
        ("Charles I and Elizabeth II", "Charles the 1st and Elizabeth the 2nd"),
        ("World War II ended.", "World War 2 ended."),
        # Years and ranges.
        ("In 1865, 1905, 1800 and 1066.", "In 18 65, 19 oh 5, 18 hundred and 10 66."),
        ("the 1800s, the 1960s and the '60s", "the 18 hundreds, the 19 sixties and the sixties"),
        ("1914\u20131918, 1914-1918, pages 3\u20135, call 555-1234", "19 14 to 19 18, 19 14 to 19 18, pages 3 to 5, call 555-1234"),
        # Money.
        ("It cost \u00a35 and \u00a31, or $3.50 and $1.", "It cost 5 pounds and 1 pound, or 3 dollars and 50 cents and 1 dollar."),
        ("\u00a32 10s. 6d. and \u00a31,000, then 5s. 6d. and 3d. each", "2 pounds 10 shillings and 6 pence and 1,000 pounds, then 5 shillings and 6 pence and 3 pence each"),
        # Gutenberg markers and stray phoneme brackets.
        ("[Illustration: A man] He came.", " He came."),
        ("a [[b]] c", "a [ [b]] c"),
    ],
)
def test_normalize_for_speech(text: str, spoken: str) -> None:
    assert normalize_for_speech(text) == spoken
