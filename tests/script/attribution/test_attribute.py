"""Tests for audiobook.attribute: one small passage of our own per sieve rule."""

from __future__ import annotations

import os
from pathlib import Path

from audiobook.model import Chapter, Character
from audiobook.script.attribution.sieve import attribute, discover_characters
from audiobook.script.segment import segment

CAST = (
    Character("Elinor Ward", ("Elinor", "Miss Ward"), "female"),
    Character("Mr. Hale", ("Hale", "Edmund Hale"), "male"),
)
TOM = Character("Tom Reed", ("Tom",), "male")


def speakers(text: str, characters: tuple[Character, ...] = ()) -> list[tuple[str, str | None]]:
    """(quote text, speaker) for each dialogue segment of the passage."""
    segs = attribute(text, segment(text, [Chapter(1, "T", 0, 0, len(text))]), characters)
    return [(text[s.start : s.end], s.speaker) for s in segs if s.kind == "dialogue"]


def evidence(text: str, characters: tuple[Character, ...] = ()) -> list[tuple[str | None, str | None]]:
    """(speaker, evidence) for each dialogue segment of the passage."""
    segs = attribute(text, segment(text, [Chapter(1, "T", 0, 0, len(text))]), characters)
    return [(s.speaker, s.evidence) for s in segs if s.kind == "dialogue"]


def chaptered(parts: list[str]) -> tuple[str, list[Chapter]]:
    """The parts joined into one text, each part a chapter of its own."""
    text, chapters = "", []
    for i, part in enumerate(parts):
        chapters.append(Chapter(i + 1, f"C{i}", len(text), len(text), len(text) + len(part)))
        text += part
    return text, chapters


def names(text: str, characters: tuple[Character, ...] = ()) -> list[str | None]:
    return [who for _q, who in speakers(text, characters)]


def test_tag_after_verb_first() -> None:
    assert names('"It is late," said Elinor.', CAST) == ["Elinor Ward"]


def test_tag_after_name_first() -> None:
    assert names('"It is late," Elinor replied quietly.', CAST) == ["Elinor Ward"]


def test_tag_before_quote() -> None:
    assert names('Elinor said, "It is late."', CAST) == ["Elinor Ward"]


def test_tag_before_quote_in_previous_paragraph() -> None:
    text = 'Mr. Hale, turning from the window, observed,\n\n"The rain will not stop tonight."'
    assert names(text, CAST) == ["Mr. Hale"]


def test_title_and_alias_map_to_cast_name() -> None:
    text = '"Yes," replied Mr. Hale.\n\n"No," said Miss Ward.\n\n"Perhaps," said Edmund Hale.'
    assert names(text, CAST) == ["Mr. Hale", "Elinor Ward", "Mr. Hale"]


def test_pronoun_resolved_by_gender() -> None:
    text = (
        "Elinor looked up when Mr. Hale came in.\n\n"
        '"You are early," said she.\n\n'
        '"I could not wait," he answered.'
    )
    assert names(text, CAST) == ["Elinor Ward", "Mr. Hale"]


def test_split_quote_pieces_share_the_speaker() -> None:
    text = '"I came," said Elinor, "because you asked me to."'
    assert names(text, CAST) == ["Elinor Ward", "Elinor Ward"]


def test_two_tags_in_one_paragraph_keep_their_own_speakers() -> None:
    text = '"Go," said Elinor. "No," said Mr. Hale.'
    assert names(text, CAST) == ["Elinor Ward", "Mr. Hale"]


def test_alternation_in_back_and_forth() -> None:
    text = (
        '"Where were you?" asked Elinor.\n\n'
        '"At the mill," said Mr. Hale.\n\n'
        '"All night?"\n\n'
        '"All night."\n\n'
        '"I do not believe you."'
    )
    assert names(text, CAST) == ["Elinor Ward", "Mr. Hale", "Elinor Ward", "Mr. Hale", "Elinor Ward"]


def test_short_narration_pauses_the_exchange() -> None:
    text = (
        '"Where were you?" asked Elinor.\n\n'
        '"At the mill," said Mr. Hale.\n\n'
        "The clock struck twelve and nobody moved for a long while.\n\n"
        '"Well?"'
    )
    assert evidence(text, CAST)[2] == ("Elinor Ward", "alternation")


def test_long_narration_ends_the_exchange() -> None:
    text = (
        '"Where were you?" asked Elinor.\n\n'
        '"At the mill," said Mr. Hale.\n\n'
        + "The clock struck twelve and nobody moved for a long while. " * 15
        + '\n\n"Well?"'
    )
    # The exchange does not go on across the long narration: only the last-resort guess places the line.
    assert evidence(text, CAST)[-1] == ("Mr. Hale", "recency")


def test_multi_paragraph_speech_has_one_speaker() -> None:
    text = (
        '"The first part of my story is short,\n\n'
        '"and the second part is shorter," said Mr. Hale.\n\n'
        "Nobody laughed."
    )
    assert names(text, CAST) == ["Mr. Hale", "Mr. Hale"]


def test_vocative_in_quote_is_not_the_speaker() -> None:
    text = '"Elinor, come here," said Mr. Hale.'
    assert names(text, CAST) == ["Mr. Hale"]


def test_unknown_name_in_cast_mode_gives_no_speaker() -> None:
    assert names('"Hello," said Bartholomew.', CAST) == [None]


def test_narration_is_left_alone() -> None:
    text = '"Hi," said Elinor.'
    segs = segment(text, [Chapter(1, "T", 0, 0, len(text))])
    out = attribute(text, segs, CAST)
    assert [s.evidence for s in out] == ["explicit", None]
    assert out[1] == segs[1]


def test_discovery_merges_variants_and_keeps_titles_apart() -> None:
    text = (
        '"One," said Mr. Kemp.\n\n"Two," said Mrs. Kemp.\n\n'
        '"Three," said Mr. Kemp.\n\n"Four," said Bella Kemp.\n\n'
        '"Five," said Bella.\n\n"Six," said Mrs. Kemp.\n\n"Seven," said Bella.'
    )
    assert names(text) == ["Mr. Kemp", "Mrs. Kemp", "Mr. Kemp", "Bella", "Bella", "Mrs. Kemp", "Bella"]


def test_discovery_guesses_gender_for_pronouns() -> None:
    text = (
        "Mr. Grey and Anna sat by the fire.\n\n"
        '"Cold," said Anna.\n\n'
        '"Colder still," said Mr. Grey.\n\n'
        "Anna stood; she was restless.\n\n"
        '"I shall walk," she said.'
    )
    assert names(text) == ["Anna", "Mr. Grey", "Anna"]


def test_first_person_narrator_without_name_is_unattributed() -> None:
    text = '"Hello," I said.\n\n"Hi," said Elinor.'
    assert names(text, CAST) == [None, "Elinor Ward"]


TRIO = (
    Character("Elinor Ward", ("Elinor", "Miss Ward"), "female"),
    Character("Mr. Hale", ("Hale", "Edmund Hale"), "male"),
    Character("Mrs. Hale", ("Bertha",), "female"),
)


def test_nominal_tag_with_possessive_is_not_the_possessor() -> None:
    text = (
        "Elinor and Mrs. Hale sat sewing when Mr. Hale came in.\n\n"
        '"You are wet through," said Elinor.\n\n'
        '"He always is," said his wife.'
    )
    assert evidence(text, TRIO) == [("Elinor Ward", "explicit"), ("Mrs. Hale", "nominal")]


def test_nominal_tag_with_article_takes_latest_of_its_gender() -> None:
    text = 'Elinor watched Mr. Hale cross the yard.\n\n"Fine weather," the old man remarked.'
    assert evidence(text, TRIO) == [("Mr. Hale", "nominal")]


def test_indefinite_noun_phrase_is_someone_new() -> None:
    text = 'Elinor watched Mr. Hale cross the yard.\n\n"Fine weather," said a man at the gate.'
    assert names(text, TRIO) == [None]


def test_pronoun_skips_the_addressee() -> None:
    text = (
        "Mr. Hale and Elinor walked on.\n\n"
        '"Elinor, you are tired," said he.\n\n'
        '"Not at all, Mr. Hale," she answered.'
    )
    assert evidence(text, TRIO) == [("Mr. Hale", "pronoun"), ("Elinor Ward", "pronoun")]


def test_pronoun_in_exchange_follows_alternation_by_gender() -> None:
    text = (
        "Mrs. Hale came in with Elinor.\n\n"
        '"Is it raining?" asked Mrs. Hale.\n\n'
        '"Not yet," said Elinor.\n\n'
        '"Then we shall walk," she said.'
    )
    assert names(text, TRIO) == ["Mrs. Hale", "Elinor Ward", "Mrs. Hale"]


def test_vocative_names_who_answers() -> None:
    text = (
        "The fire was low and the candles guttered.\n\n"
        '"Where were you, Bertha?" asked Mr. Hale.\n\n'
        '"At the market."'
    )
    assert evidence(text, TRIO) == [("Mr. Hale", "explicit"), ("Mrs. Hale", "vocative")]
    # "Bertha dear," and "—Bertha—" call her as "Bertha," does.
    for call in (", Bertha dear?", "—Bertha—all night?", "--Bertha?"):
        assert evidence(text.replace(", Bertha?", call), TRIO) == [("Mr. Hale", "explicit"), ("Mrs. Hale", "vocative")]


def test_paragraph_narration_naming_one_character() -> None:
    text = "Nobody spoke for a while.\n\nElinor put down her cup. \"I must go.\""
    assert evidence(text, TRIO) == [("Elinor Ward", "paragraph")]


def test_two_party_exchange_finds_the_partner_from_narration() -> None:
    text = (
        "Mr. Hale found Elinor in the garden.\n\n"
        '"You are up early," said Mr. Hale.\n\n'
        '"I could not sleep."\n\n'
        '"Nor I."'
    )
    assert evidence(text, TRIO) == [
        ("Mr. Hale", "explicit"), ("Elinor Ward", "alternation"), ("Mr. Hale", "alternation")
    ]


def test_first_person_tag_is_not_given_to_a_character() -> None:
    text = 'Elinor looked at me.\n\n"Well?" said she.\n\n"Nothing," I said.'
    assert names(text, TRIO) == ["Elinor Ward", None]


def test_discover_characters_merges_aliases_and_counts() -> None:
    text = (
        '"One," said Mr. Kemp.\n\n"Two," said Mrs. Kemp.\n\n'
        '"Three," said Mr. Kemp.\n\n"Four," said Bella Kemp.\n\n'
        '"Five," said Bella.\n\n"Six," said Mr. Kemp.\n\n"Seven," said Bella.'
    )
    found = discover_characters(text, segment(text, [Chapter(1, "T", 0, 0, len(text))]))
    assert [(c.name, c.gender, n) for c, n in found] == [
        ("Bella", None, 3), ("Mr. Kemp", "male", 3), ("Mrs. Kemp", "female", 1)
    ]
    bella = found[0][0]
    assert set(bella.aliases) == {"Bella Kemp"}


def test_discovered_name_is_the_speaker_attribute_gives() -> None:
    text = '"Hi," said Anna.\n\n"Hello," said Tom.\n\n"Bye," said Anna.'
    segs = segment(text, [Chapter(1, "T", 0, 0, len(text))])
    found = {c.name for c, _n in discover_characters(text, segs)}
    assert found == {s.speaker for s in attribute(text, segs) if s.speaker}


def test_title_alone_does_not_pick_a_cast_member() -> None:
    cast = (*CAST, Character("The Late Mr. Grant", ()))
    assert names('"Hello," said Mr. Bartholomew.', cast) == [None]


def test_genderless_surname_entry_is_the_man_of_that_name() -> None:
    cast = (
        Character("Josh Crane", ("Mr. Crane",), "male"),
        Character("Ada Crane", ("Mrs. Crane",), "female"),
        Character("Crane", ()),
    )
    text = '"Enough," said Crane.\n\n"Quite," said Mrs. Crane.'
    assert names(text, cast) == ["Josh Crane", "Ada Crane"]


def test_tag_after_quote_may_be_a_cast_alias_noun_phrase() -> None:
    cast = (*CAST, Character("Constable Dent", ("the constable",), "male"))
    assert evidence('"Move along," said the constable.', cast) == [("Constable Dent", "explicit")]


def test_title_noun_is_the_latest_character_bearing_it() -> None:
    cast = (*CAST, Character("Dr. Lowe", ("Doctor Lowe",), "male"))
    text = 'Dr. Lowe came in after Mr. Hale.\n\n"She will mend," said the doctor.'
    assert evidence(text, cast) == [("Dr. Lowe", "nominal")]


def test_narration_before_a_conversation_names_who_opens_it() -> None:
    text = 'The gate creaked and Elinor came up the path.\n\n"Is anybody home?"'
    assert evidence(text, TRIO) == [("Elinor Ward", "lead")]


def test_lead_leaves_a_stranger_alone() -> None:
    text = 'The gate creaked and Elinor came up the path.\n\n"Evening," said a voice.'
    assert names(text, TRIO) == [None]


def test_pronoun_is_the_subject_of_its_paragraph() -> None:
    text = (
        "Mrs. Hale came in with Elinor.\n\n"
        "Elinor sat down beside Mrs. Hale, and she said, \"It is cold.\""
    )
    assert evidence(text, TRIO) == [("Elinor Ward", "pronoun")]


def test_pronoun_before_a_quote_is_the_subject_of_its_own_sentence() -> None:
    # Elinor opens the paragraph, but the sentence that introduces the quote is Mrs. Hale's.
    text = (
        "Elinor looked up from her book. Mrs. Hale put down the cup, and when the clock had struck, she began,\n\n"
        '"We must be going."'
    )
    assert evidence(text, TRIO) == [("Mrs. Hale", "pronoun")]


def test_alternation_does_not_give_a_woman_s_action_beat_to_a_man() -> None:
    # Two turns back is Mr. Hale, but "She smiled." opens the third turn: it is not his.
    text = (
        'Elinor met Mr. Hale at the gate.\n\n"Good morning," said Mr. Hale.\n\n"Good morning."\n\n'
        'She smiled. "Is the coach late again?"'
    )
    assert evidence(text, CAST) == [("Mr. Hale", "explicit"), ("Elinor Ward", "alternation"), (None, None)]


def test_alternation_skips_the_one_addressed() -> None:
    trio = (*TRIO, TOM)
    text = (
        "They sat at table.\n\n"
        '"Pass the salt," said Tom.\n\n'
        '"Here," said Elinor.\n\n'
        '"Thank you, Tom."'
    )
    assert names(text, trio)[2] != "Tom Reed"


def test_narration_naming_the_listener_picks_who_answers() -> None:
    text = (
        "The room was quiet.\n\n"
        'Mr. Hale turned to Elinor and said, "You look pale."\n\n'
        '"I slept badly."'
    )
    assert evidence(text, TRIO) == [("Mr. Hale", "explicit"), ("Elinor Ward", "vocative")]


def test_first_person_narrator_is_the_partner_others_call_by_name() -> None:
    cast = (*CAST, TOM)
    said = "".join(f'"Line {n}," I said.\n\n"Yes, Tom," said Elinor.\n\n' for n in range(4))
    text = said + 'The rain went on all afternoon and we watched it.\n\n"Cold," said Elinor.\n\n"Very."'
    assert names(text, cast)[-2:] == ["Elinor Ward", "Tom Reed"]


def test_first_person_narrator_is_found_by_a_name_of_several_words_others_call() -> None:
    # "Mr. Reed," is called more often than "Nell,": the "I" of the book is Tom Reed, not Elinor.
    cast = (Character("Elinor Ward", ("Elinor", "Nell"), "female"), Character("Mr. Hale", (), "male"), TOM)
    text = "".join(
        f'"Line {n}," I said.\n\n"Yes, Mr. Reed," said Mr. Hale. "Quite so, Mr. Reed."\n\n'
        f'"Nell, come and hear this," said Mr. Hale.\n\n' for n in range(6)
    )
    said = names(text, cast)
    assert said[0] == said[4] == "Tom Reed"


def test_without_a_cast_the_narrator_is_not_a_form_of_address_others_call() -> None:
    text = "".join(
        f'"Line {n}," I said.\n\n"Yes, Mr. Reed," said Mr. Hale. "Quite so, Madame."\n\n'
        f'"Madame, come and hear this," said Mr. Hale.\n\n' for n in range(6)
    )
    said = names(text)
    assert said[0] == said[4] == "Mr. Reed"


def test_first_person_narrator_is_never_he_and_i_is_always_the_narrator() -> None:
    # Tom is the book's "I": the "he" of the last turn is Mr. Hale, though Tom spoke last and is a man; and the
    # "I said" after two of Mr. Hale's turns is still Tom's.
    cast = (*CAST, TOM)
    said = "".join(f'"Line {n}," I said.\n\n"Yes, Tom," said Elinor.\n\n' for n in range(4))
    text = said + (
        'Mr. Hale came in from the rain.\n\n"Wet," said Mr. Hale.\n\n"Very," said Elinor.\n\n'
        '"I know," I said.\n\n"We shall have the fire lit," he said.'
    )
    assert names(text, cast)[-4:] == ["Mr. Hale", "Elinor Ward", "Tom Reed", "Mr. Hale"]


def test_noun_phrase_tag_runs_to_its_head_noun() -> None:
    cast = (*CAST, Character("The Red-Haired Fisherman", (), "male"))
    text = 'Elinor waved.\n\n"Ahoy!" said the red-haired fisherman at last.'
    assert evidence(text, cast) == [("The Red-Haired Fisherman", "explicit")]


def test_cast_alias_with_a_qualifier_matches_the_whole_phrase() -> None:
    cast = (*CAST, Character("The Man In The Grey Coat", (), "male"))
    text = 'Mr. Hale nodded.\n\n"Good day," said the man in the grey coat, bowing.'
    assert evidence(text, cast) == [("The Man In The Grey Coat", "explicit")]


def test_a_qualifier_wrapped_over_two_lines_still_matches_the_cast_alias() -> None:
    cast = (*CAST, Character("The Man In The Grey Coat", (), "male"))
    text = 'Mr. Hale nodded.\n\n"Good day," said the man in the grey\ncoat, bowing.'
    assert evidence(text, cast) == [("The Man In The Grey Coat", "explicit")]


def test_a_description_naming_one_character_is_not_swapped_for_the_turn_two_before() -> None:
    cast = (*CAST, TOM, Character("Dr. Lane", ("Doctor Lane",), "male"))
    text = (
        'Doctor Lane came in.\n\n"Well?" said Mr. Hale.\n\n"Nothing," said Tom.\n\n'
        '"Nothing at all?" said the doctor.'
    )
    assert names(text, cast) == ["Mr. Hale", "Tom Reed", "Dr. Lane"]


def test_a_possessive_tag_names_the_owners_kin_not_the_owner() -> None:
    cast = (*CAST, Character("Mrs. Hale", (), "female"))
    text = 'Mr. Hale and Mrs. Hale came in.\n\n"Sit down," said Mr. Hale\'s wife.'
    assert evidence(text, cast) == [("Mrs. Hale", "nominal")]


def test_a_possessive_tag_with_no_known_kin_is_not_the_owner() -> None:
    text = 'Tom came in.\n\n"Sit down," said Tom\'s benefactress.'
    assert names(text, (*CAST, TOM)) != ["Tom Reed"]


def test_someones_voice_is_that_one_speaking() -> None:
    text = 'Elinor and Mr. Hale sat down.\n\n"Not yet," said Tom\'s voice from the hall.'
    assert evidence(text, (*CAST, TOM)) == [("Tom Reed", "explicit")]


def test_a_pronoun_of_the_other_gender_in_a_named_speakers_paragraph_is_a_second_speaker() -> None:
    text = (
        'Elinor looked at Mr. Hale.\n\n'
        '"You may go," said Mr. Hale. "That is kind of him," she said to herself.'
    )
    assert names(text, CAST) == ["Mr. Hale", "Elinor Ward"]


def test_a_reported_answer_after_a_quote_is_not_its_tag() -> None:
    text = (
        'Elinor came in.\n\n"Is it true?" said Mr. Hale. "Tell me." Elinor replied that it was.\n\n'
        '"Then go," he said.'
    )
    assert names(text, CAST) == ["Mr. Hale", "Mr. Hale", "Mr. Hale"]


def test_one_who_answers_without_words_was_spoken_to_and_the_speaker_goes_on() -> None:
    text = (
        'Elinor sat by the fire.\n\n"You have a house in town, I think?" said Mr. Hale.\n\n'
        'Elinor bowed.\n\n"I once thought of living in town myself."'
    )
    assert names(text, CAST) == ["Mr. Hale", "Mr. Hale"]


def test_a_british_quote_is_read_for_whom_it_calls_as_a_double_quote_is() -> None:
    # A quote in single marks is no quote within a quote: "Elinor" in it calls her, and she answers.
    cast = (*CAST, TOM)
    for left, right in (("‘", "’"), ('"', '"')):
        text = (f"Elinor, Tom and Mr. Hale sat by the fire.\n\n"
                f"{left}It is late,{right} said Mr. Hale.\n\n"
                f"{left}You look cold, Elinor.{right} said Tom.\n\n"
                f"{left}Not at all.{right}\n\n{left}Then I will shut the window.{right}\n")
        assert names(text, cast) == ["Mr. Hale", "Tom Reed", "Elinor Ward", "Tom Reed"], left


def test_a_family_name_opening_with_particles_after_a_title_is_one_name() -> None:
    cast = (Character("Mrs. Van Der Berg", (), "female"), Character("Tom Berg", ("Berg",), "male"))
    text = ('"The tide is turning," said Mrs. van der Berg.\n\n'
            '"Then we sail at dawn," said Doña María de la Cruz.')
    assert names(text, cast) == ["Mrs. Van Der Berg", None]
    assert names(text)[1] == "Doña María de la Cruz"


def test_a_name_with_initials_is_one_name() -> None:
    text = '"Good day," said Mr. J. R. T. Weaver.\n\n"Good day to you," said Tom.'
    assert names(text) == ["Mr. J. R. T. Weaver", "Tom"]


def test_a_description_of_someone_not_yet_named_is_the_one_named_soon_after() -> None:
    cast = (TOM, Character("Jack Pollard", ("Jack",), "male"))
    text = (
        'Tom sat on the step.\n\n"Lost your key?" said the young gentleman. "Try the back door."\n\n'
        '"I am tired," said Tom.\n\nThe young gentleman was Jack Pollard, as Tom learned later.'
    )
    assert names(text, cast) == ["Jack Pollard", "Jack Pollard", "Tom Reed"]


def test_a_description_of_someone_heard_of_before_is_not_a_newcomer() -> None:
    cast = (TOM, Character("Jack Pollard", ("Jack",), "male"))
    text = (
        '"Where is Jack?" asked Mary.\n\nTom sat on the step.\n\n"Lost your key?" said the young gentleman.\n\n'
        'Jack Pollard came by later.'
    )
    assert names(text, cast)[1] == "Tom Reed"


def test_a_possessive_cast_alias_matches_with_either_apostrophe() -> None:
    cast = (TOM, Character("The Cook's Boy", (), "male"))
    for apostrophe in ("'", "’"):
        text = f'Tom came in.\n\n"Yes," said the cook{apostrophe}s boy.'
        assert evidence(text, cast) == [("The Cook's Boy", "explicit")]


def test_a_description_word_in_one_name_at_hand_names_that_one() -> None:
    cast = (*CAST, Character("Mr. Barlow", ("Old Mr. Barlow",), "male"), Character("The Old Porter", (), "male"))
    text = 'Mr. Barlow sat down. Mr. Hale came in.\n\n"Good," said the old man.'
    assert names(text, cast) == ["Mr. Barlow"]


def test_a_demonstrative_description_is_a_tag() -> None:
    text = 'Mr. Hale looked at Elinor.\n\n"I can go," said that kind lady.'
    assert evidence(text, CAST) == [("Elinor Ward", "nominal")]


def test_a_that_clause_before_a_tag_does_not_hide_it() -> None:
    text = 'Elinor answered so eagerly that Mr. Hale said, "No accounting for tastes!"'
    assert names(text, CAST) == ["Mr. Hale"]


def test_a_song_is_sung_by_the_one_the_narration_says_sings_it() -> None:
    text = 'Elinor went out. Tom sat down and sang this song:\n\n    Up the hill and down again\n    Home before the rain.\n'
    assert names(text, (*CAST, TOM)) == ["Tom Reed"]


def test_he_is_not_the_one_his_own_words_talk_about() -> None:
    trio = (*CAST, TOM)
    text = (
        'Mr. Hale looked at Elinor. Tom came in.\n\n'
        '"Tom has told me all about the plan for the garden," he said.'
    )
    assert names(text, trio) == ["Mr. Hale"]
    # An answer of a few words may echo its speaker's name: "The Tom Reed?" "Tom Reed himself," he said.
    text = 'Mr. Hale looked at Elinor. Tom came in.\n\n"Tom Reed himself," he said.'
    assert names(text, trio) == ["Tom Reed"]


def test_an_untagged_line_is_not_spoken_by_the_one_it_talks_about() -> None:
    trio = (*CAST, TOM)
    text = (
        'Tom and Elinor met Mr. Hale.\n\n"Good day," said Mr. Hale.\n\n"Good day," said Elinor.\n\n'
        '"Mr. Hale was asking about the garden party this afternoon, Elinor."'
    )
    assert names(text, trio)[2] == "Tom Reed"


def test_a_name_after_an_article_in_a_quote_is_a_noun_not_someone_talked_about() -> None:
    # The cast calls the old ferryman "Ferryman"; "a Ferryman of no learning" is what he says he is.
    cast = (*CAST, TOM, Character("Old Jem", ("Ferryman",), "male"))
    text = 'Tom Reed waited. Old Jem came up the bank.\n\n"I am only a Ferryman of no learning at all," he said.'
    assert names(text, cast) == ["Old Jem"]


def test_the_subject_before_a_pronoun_tag_is_not_the_one_the_quote_talks_about() -> None:
    text = 'Tom came in.\n\nMr. Hale stood by the gate, and he said, "Mr. Hale has gone to town for the whole day."'
    assert names(text, (*CAST, TOM)) == ["Tom Reed"]


def test_a_description_no_one_at_hand_fits_may_be_named_much_later_in_the_chapter() -> None:
    filler = "The river ran on under the bridge and the lamps were lit one by one. " * 30
    text = f'Elinor waited by the river.\n\n"It is late," said the gentleman.\n\n{filler}\n\nMr. Hale had come after all.'
    assert names(text, CAST) == ["Mr. Hale"]


def test_joined_clause_between_quotes_introduces_the_next_one() -> None:
    text = 'They walked on, and Elinor said, "Rain soon," and Mr. Hale said, "I think so."'
    assert names(text, CAST) == ["Elinor Ward", "Mr. Hale"]


def test_name_after_the_verb_is_the_one_spoken_to() -> None:
    trio = (*CAST, TOM)
    assert names('At last Elinor asked Tom, "Why?"', trio) == ["Elinor Ward"]


def test_tag_before_a_quote_wins_over_the_next_speakers_tag() -> None:
    text = 'So when Elinor said, "More tea?" Mr. Hale replied, "Gladly."'
    assert names(text, CAST) == ["Elinor Ward", "Mr. Hale"]


def test_quote_split_by_a_clause_goes_on_in_the_same_voice() -> None:
    text = '"I hope," said Elinor, when Mr. Hale returned, "that all is well."'
    assert names(text, CAST) == ["Elinor Ward", "Elinor Ward"]


def test_clause_with_its_own_speaker_hands_the_quote_over() -> None:
    text = '"Hush!" said Elinor to him, while Mr. Hale said "Hush!" to himself.'
    assert names(text, CAST) == ["Elinor Ward", "Mr. Hale"]


def test_subject_before_a_parenthesis_says_the_quote() -> None:
    text = 'Elinor sat, and Mr. Hale, after a glance at her, said, "My dear."'
    assert evidence(text, CAST) == [("Mr. Hale", "explicit")]


def test_title_alone_names_its_only_bearer() -> None:
    cast = (*CAST, Character("Mademoiselle Roux", (), "female"))
    assert names('"Play," said Mademoiselle.', cast) == ["Mademoiselle Roux"]
    two = (*cast, Character("Mademoiselle Vey", (), "female"))
    assert names('"Play," said Mademoiselle.', two) == [None]


def test_discovery_finds_unnamed_roles_in_tags() -> None:
    text = 'Elinor lay still.\n\n"She will mend," said the surgeon.\n\n"Thank God," said Elinor.'
    found = {c.name for c, _n in discover_characters(text, segment(text, [Chapter(1, "T", 0, 0, len(text))]))}
    assert found == {"the surgeon", "Elinor"}
    assert names('"Who?" said the other.\n\n"Me," said the sailors.') == [None, None]


def test_discovery_drops_sentence_openers_caught_with_a_name() -> None:
    text = (
        "Mara came in. Though Mara spoke, she said nothing.\n\n"
        '"Hm," Though Mara said.\n\n"Ha," said Mara.'
    )
    assert names(text) == ["Mara", "Mara"]


def test_discovery_names_a_character_by_the_full_name_the_text_gives() -> None:
    text = (
        "Tom Pike was late. Everyone waited for Tom Pike.\n\n"
        '"Sorry," said Tom.\n\n"At last," said Anna.\n\n"I ran," said Tom.'
    )
    found = dict((c.name, c) for c, _n in discover_characters(text, segment(text, [Chapter(1, "T", 0, 0, len(text))])))
    assert found["Tom Pike"].aliases == ("Tom",)
    assert names(text) == ["Tom Pike", "Anna", "Tom Pike"]


def test_discovery_keeps_the_first_name_when_the_second_is_no_family_name() -> None:
    # "Bear" follows other words too: a nickname, not a family name.
    text = (
        "Pip Bear sat down. Pip Bear was hungry. Hungry Bear, they called him.\n\n"
        '"Honey," said Pip.\n\n"No," said Anna.\n\n"Please," said Pip.'
    )
    assert names(text) == ["Pip", "Anna", "Pip"]


def test_discovery_keeps_the_first_name_when_the_family_name_is_shared() -> None:
    text = (
        "Bella Hale came in. Bella Hale sat by her father.\n\n"
        '"Well," said Mr. Hale.\n\n"Papa," said Bella.\n\n"Yes?" said Mr. Hale.\n\n"Nothing," said Bella.'
    )
    assert names(text) == ["Mr. Hale", "Bella", "Mr. Hale", "Bella"]


def test_discovery_bare_title_joins_its_titled_name() -> None:
    text = (
        '"Play," said Mademoiselle.\n\n"No," said Anna.\n\n"Play!" said Mademoiselle.\n\n'
        '"Well," Mademoiselle Roux said.'
    )
    assert names(text) == ["Mademoiselle Roux", "Anna", "Mademoiselle Roux", "Mademoiselle Roux"]


def test_discovery_bare_surname_of_a_family_is_its_man() -> None:
    text = (
        '"One," said Miss Hale.\n\n"Two," said Miss Hale.\n\n"Three," said Mr. Hale.\n\n'
        '"Four," said Hale.'
    )
    assert names(text)[-1] == "Mr. Hale"


def test_attribution_does_not_depend_on_hash_seeds(tmp_path: Path) -> None:
    """Sets iterate in an order that changes with PYTHONHASHSEED; no speaker may depend on it."""
    import subprocess
    import sys

    lines = []
    for n in range(12):
        lines.append(f'"Anna, Beth, Cleo, Dora, listen to me," said {["Eve", "Fay", "Gil"][n % 3]}.')
        lines.append('"Yes," she said. "And you, Anna, Cleo?"')
        lines.append('"No."')
        lines.append("Anna and Beth and Cleo and Dora looked at each other.")
        lines.append('"Why not?" he asked.')
    book = tmp_path / "voices.txt"
    book.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    outputs = {
        subprocess.run([sys.executable, "-m", "audiobook", "segment", str(book)], capture_output=True, text=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}, check=True).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1


def test_a_description_keeps_its_referent_through_the_book() -> None:
    # The second "old gentleman" follows a paragraph about Tom, the latest man named; the uses beside Tom's own
    # tagged lines show the description is Mr. Hale's.
    cast = (*CAST, TOM)
    text = (
        "Mr. Hale sat by the fire when Tom came in.\n\n"
        '"Good evening," said Tom.\n\n'
        '"You are late," said the old gentleman.\n\n'
        '"I ran all the way," replied Tom.\n\n'
        '"Then sit down," said the old gentleman.\n\n'
        '"Thank you," said Tom.\n\n'
        "Tom went to the window and looked at the rain for a long while.\n\n"
        '"It will not stop tonight," said the old gentleman.'
    )
    assert names(text, cast)[-1] == "Mr. Hale"


FAMILY = (
    Character("Mr. Marsh", ("Marsh",), "male"),
    Character("Mrs. Marsh", (), "female"),
    Character("Ruth", ("Miss Ruth",), "female"),
    Character("Mrs. Kemp", ("Nora", "Mrs. Kemp"), "female"),
    Character("Mr. Kemp", (), "male"),
)


def test_his_wife_is_the_woman_of_his_name_titled_mrs() -> None:
    # Mrs. Marsh is never named before she speaks; Mrs. Kemp is, and is the latest woman.
    text = (
        "Mrs. Kemp had gone home. Mr. Marsh read by the lamp.\n\n"
        '"There is news from town," said his wife.'
    )
    assert evidence(text, FAMILY) == [("Mrs. Marsh", "nominal")]


def test_her_father_is_found_through_a_full_name_in_the_text() -> None:
    # The cast lists Ruth by first name; "Ruth Marsh" in the narration tells whose daughter she is.
    text = (
        "Ruth Marsh came down the lane with Mr. Kemp, who left her at the gate.\n\n"
        '"You are late," said her father.'
    )
    assert names(text, FAMILY) == ["Mr. Marsh"]


def test_a_name_taken_in_marriage_is_not_her_fathers() -> None:
    # Mrs. Kemp's "Kemp" is her husband's: her father is not Mr. Kemp, so the older rule (the latest man) holds.
    text = (
        "Mr. Kemp went out. Mr. Marsh and Nora stayed by the fire.\n\n"
        '"Stay a little," said her father.'
    )
    assert names(text, FAMILY) == ["Mr. Marsh"]
    text = 'Mr. Marsh and Nora stayed by the fire.\n\n"Stay a little," said her husband.'
    assert names(text, FAMILY) == ["Mr. Kemp"]


def test_the_one_a_quote_opens_by_calling_is_the_possessor() -> None:
    text = (
        "Nora and Mr. Marsh came in from the garden.\n\n"
        '"Mrs. Marsh, your roses are out," said her husband.'
    )
    assert names(text, FAMILY) == ["Mr. Marsh"]


def test_tags_in_the_progressive_with_an_epithet_and_as_a_possessive_reply() -> None:
    text = (
        'Elinor and Mr. Hale stood at the door.\n\n'
        '"It is late," he was saying.\n\n'
        '"Not so very late," pleaded poor Elinor.\n\n'
        '"Late enough," was his reply.\n\n'
        '"Then go," was Elinor\'s answer.\n\n'
        '"Good night," crooned Mr. Hale.'
    )
    assert evidence(text, CAST) == [
        ("Mr. Hale", "pronoun"), ("Elinor Ward", "explicit"), ("Mr. Hale", "pronoun"), ("Elinor Ward", "explicit"),
        ("Mr. Hale", "explicit"),
    ]


def test_a_form_of_address_is_no_vocative_even_if_the_cast_lists_it() -> None:
    cast = (*CAST, Character("Madam", (), "female"))
    text = 'Mr. Hale met Elinor at the gate.\n\n"Good day, Madam," said Mr. Hale.\n\n"Good day to you."'
    assert names(text, cast) == ["Mr. Hale", "Elinor Ward"]


def test_a_description_no_one_at_hand_fits_is_the_one_named_just_after() -> None:
    text = (
        '"You are late," said the old gentleman at the door.\n\n'
        "Mr. Hale took off his hat and shook the rain from it.\n\n"
        '"The roads are bad," said Elinor.'
    )
    assert evidence(text, CAST)[0] == ("Mr. Hale", "nominal")


def test_a_new_chapter_forgets_the_last_scene_s_people() -> None:
    one = "Mr. Hale went home through the rain.\n\n"
    two = '"Is anyone there?" he called.\n\nTom Reed stood in the empty hall.'
    text = one + two
    chapters = [Chapter(1, "One", 0, 0, len(one)), Chapter(2, "Two", len(one), len(one), len(text))]
    segs = attribute(text, segment(text, chapters), (*CAST, TOM))
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Tom Reed"]


def test_a_cast_entry_named_by_what_it_is_is_mentioned_by_that_description() -> None:
    # "The Burly Man" has no gender in the cast; "a burly man" in the narration brings him into the scene.
    cast = (*CAST, TOM, Character("The Burly Man", (), None))
    text = (
        "Tom Reed crossed the yard, where a burly man with a bunch of keys stood waiting.\n\n"
        '"What is the matter now?" said the man.'
    )
    assert evidence(text, cast) == [("The Burly Man", "nominal")]
    # An adjective before it, and a line break inside it (a wrapped Gutenberg line), change nothing.
    text = (
        "Tom Reed crossed the yard, where the worthy burly\nman with a bunch of keys stood waiting.\n\n"
        '"What is the matter now?" said the man.'
    )
    assert evidence(text, cast) == [("The Burly Man", "nominal")]


def test_a_descriptive_alias_stands_for_its_holder_until_named_then_only_at_hand() -> None:
    cast = (*CAST, Character("Philippa", ("The Girl",), "female"))
    # The cast says so, the book has not named her yet, and no other girl is at hand.
    assert names('Mr. Hale sat alone by the fire.\n\n"Is it late?" said the girl.', cast) == ["Philippa"]
    scene = 'Elinor sat alone by the fire.\n\n"Is it late?" said the girl.'
    one = "Philippa waved from the cart and was gone.\n\n"
    text = one + scene
    chapters = [Chapter(1, "One", 0, 0, len(one)), Chapter(2, "Two", len(one), len(one), len(text))]
    segs = attribute(text, segment(text, chapters), cast)
    # Named in the last chapter and not in this scene: "the girl" is the girl at hand.
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Elinor Ward"]


def test_a_descriptive_alias_before_its_holder_is_named_is_hers_only_if_she_comes_in_soon() -> None:
    cast = (*CAST, Character("Mina", ("The Girl",), "female"))
    scene = 'Mr. Hale sat alone by the fire.\n\n"Is it late?" said the girl.\n\n'
    later = "Mina waved from the cart and was gone.\n\n"
    text, chapters = chaptered([scene, later])
    segs = attribute(text, segment(text, chapters), cast)
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Mina"]  # she comes in in the next chapter
    text, chapters = chaptered([scene, "The night was long.\n\n", "Elinor slept.\n\n", later])
    segs = attribute(text, segment(text, chapters), cast)
    assert [s.speaker for s in segs if s.kind == "dialogue"] == [None]  # she is chapters away: someone unknown
    # Named after in this chapter: she.
    text, chapters = chaptered(["Elinor sat by the fire.\n\n" + scene.split("\n\n", 1)[1] + later])
    segs = attribute(text, segment(text, chapters), cast)
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Mina"]


def test_a_family_title_calls_its_cast_holder_only_if_the_chapter_names_her() -> None:
    # "Miss Hale" is Jane's alias, but Jane is nowhere in this chapter: Tom is speaking to Lucy Hale.
    cast = (
        Character("Jane Hale", ("Miss Hale",), "female"), Character("Lucy Hale", ("Lucy",), "female"),
        Character("Mr. Hale", (), "male"), TOM,
    )
    text = (
        "Tom met Lucy Hale at the stile.\n\n"
        '"Good morning," said Tom. "Will you walk with me, Miss Hale?"\n\n'
        '"Gladly."'
    )
    assert names(text, cast) == ["Tom Reed", "Tom Reed", "Lucy Hale"]


def test_the_partner_is_the_one_the_narration_inside_the_exchange_names() -> None:
    # Mr. Hale is the latest named before the talk, but the narration within it shows Elinor is the one there.
    cast = (*CAST, TOM)
    text = (
        "Mr. Hale had gone to town.\n\n"
        '"Is the tea ready?" said Tom, watching Elinor at the stove.\n\n'
        '"Nearly."\n\n'
        '"Then I shall wait."\n\n'
        '"Do."'
    )
    assert names(text, cast) == ["Tom Reed", "Elinor Ward", "Tom Reed", "Elinor Ward"]


def test_a_bare_description_meaning_several_is_the_latest_fitting_one() -> None:
    # "the gentleman" meant Tom four times and Mr. Hale three: no one referent, so the scene decides.
    cast = (*CAST, TOM)

    def uses(k: int) -> str:
        return "".join(f'"Line {n}," said Elinor.\n\n"Quite so," said the gentleman.\n\n' for n in range(k))

    text = (
        "Tom came in from the garden.\n\n" + uses(4)
        + "Tom went out. Mr. Hale came in.\n\n" + uses(3)
        + "Tom came back and sat down by the window. Then Mr. Hale stood up, shaking the rain from his coat.\n\n"
        + '"Good day to you all," said the gentleman.'
    )
    assert names(text, cast)[-1] == "Mr. Hale"


def test_a_participle_introduces_a_quote() -> None:
    text = 'Mr. Hale looked up from his paper, and Elinor could not help saying, "You are late again."'
    assert evidence(text, CAST) == [("Elinor Ward", "explicit")]


def test_the_subject_of_the_clause_before_the_speech_verb_says_the_quote() -> None:
    text = (
        "Elinor waited at the gate. Mr. Hale, much offended, laid aside his paper, and said, "
        '"You need not wait."'
    )
    assert evidence(text, CAST) == [("Mr. Hale", "explicit")]


def test_a_line_no_rule_places_goes_to_the_latest_named_with_its_evidence_shown() -> None:
    text = 'Elinor and Mr. Hale walked home.\n\nIt was late, and the lamps were lit.\n\n"Are you cold?"'
    assert evidence(text, CAST) == [("Mr. Hale", "recency")]
    # A tag no rule can place names someone new: the line stays unplaced.
    text = 'Elinor and Mr. Hale walked home.\n\nIt was late.\n\n"Are you cold?" said a voice.'
    assert evidence(text, CAST) == [(None, None)]


def test_a_name_opening_a_speech_does_not_hand_over_the_next_turn() -> None:
    cast = (*CAST, TOM)
    text = (
        "Tom, Elinor and Mr. Hale sat by the fire.\n\n"
        '"The roads are bad," said Tom.\n\n'
        '"They are always bad in March," said Elinor.\n\n'
        '"Mr. Hale, you will bear me out: they are worse this year," said Tom.\n\n'
        '"Worse than I have ever seen them."\n\n'
        '"And what do you say, Mr. Hale?"\n\n'
        '"I say nothing."'
    )
    # The first call opens Tom's speech, and Elinor answers as the exchange goes; the second hands over.
    assert names(text, cast)[-3:] == ["Elinor Ward", "Tom Reed", "Mr. Hale"]


def test_a_book_opening_on_an_untagged_line_gives_it_to_the_first_named_after() -> None:
    text = '"Now, what I want is facts."\n\nMr. Hale stood in the bare schoolroom and looked at the children.'
    assert evidence(text, CAST) == [("Mr. Hale", "recency")]


def test_a_full_name_at_the_end_of_a_quote_calls_no_one() -> None:
    cast = (*CAST, TOM)
    text = (
        "Tom, Elinor and Mr. Hale sat in the garden.\n\n"
        '"I cannot face the healthy sort," said Elinor. "For example, Tom Reed."\n\n'
        '"Tom is a good sort, surely."\n\n'
        '"He is."'
    )
    # Naming Tom in full is talking about him, not to him: the next line is not handed to him.
    assert evidence(text, cast)[2:] == [("Mr. Hale", "alternation"), ("Elinor Ward", "alternation")]


def test_he_after_a_closing_call_is_the_one_called() -> None:
    cast = (*CAST, TOM, Character("Mrs. Hale", (), "female"))
    text = (
        "Elinor, Tom and Mr. Hale were in the garden when Mrs. Hale came up the path.\n\n"
        '"Have you heard the news, Mr. Hale?" cried Mrs. Hale, while Tom whistled a tune.\n\n'
        '"Indeed I have!" he cried.'
    )
    assert names(text, cast)[-1] == "Mr. Hale"


def test_her_father_in_the_narration_brings_him_into_the_scene() -> None:
    # Mr. Kemp is the latest man named, but "her father" (Ruth Marsh's) came in after him: "he" is Mr. Marsh.
    text = (
        "Mr. Kemp left Ruth Marsh at the gate and went on down the lane. Her father was waiting at the door.\n\n"
        '"You are late again," he said.'
    )
    assert evidence(text, FAMILY) == [("Mr. Marsh", "pronoun")]


def test_kin_in_the_narration_whose_owner_has_none_names_nobody() -> None:
    # Tom has no family in the cast: "his father" is no mention, so "he" stays the latest man named.
    text = "Mr. Hale sat down. Tom Reed, whose father was waiting by the cart, stood up.\n\n" '"Go on," he said.'
    assert names(text, (*CAST, TOM)) == ["Tom Reed"]
    text = "Mr. Hale sat down. Tom Reed stood up. His father was waiting by the cart.\n\n" '"Go on," he said.'
    assert names(text, (*CAST, TOM)) == ["Tom Reed"]


def test_a_two_word_cast_alias_that_is_a_description_is_mentioned_by_it() -> None:
    # "The Ferryman" is Old Jem's alias: "the ferryman" in the narration is Jem, not Tom, named before him.
    cast = (*CAST, TOM, Character("Old Jem", ("The Ferryman",), "male"))
    text = (
        "Tom Reed came down to the river. The ferryman was mending a net.\n\n"
        '"Too late for the crossing," he said.'
    )
    assert evidence(text, cast) == [("Old Jem", "pronoun")]
    # A person noun ("The Gentleman") describes too many people to be a mention of one.
    cast = (*CAST, TOM, Character("Mr. Lowe", ("The Gentleman",), "male"))
    text = (
        "Mr. Lowe went home. Tom Reed came down to the river, where the gentleman in grey sat.\n\n"
        '"Too late for the crossing," he said.'
    )
    assert names(text, cast) == ["Tom Reed"]


def test_a_description_without_a_gender_takes_the_one_its_sentence_gives() -> None:
    # "the stranger" has no gender of its own; "his hat" makes him a man, so not Elinor, the latest named.
    text = (
        "Mr. Hale met Elinor at the gate of the churchyard.\n\n"
        '"Good evening," said the stranger, lifting his hat.'
    )
    assert evidence(text, CAST) == [("Mr. Hale", "nominal")]
    text = 'Mr. Hale met Elinor at the gate.\n\n"Good evening," said the stranger, lifting her veil.'
    assert evidence(text, CAST) == [("Elinor Ward", "nominal")]


def test_a_pronoun_before_a_name_in_its_sentence_is_someone_else_whom_the_next_pronoun_means() -> None:
    # Elinor is named last, but the "she" before her name is Nora (binding): "said she" goes on with Nora.
    cast = (*CAST, Character("Nora Kemp", ("Nora",), "female"))
    text = (
        "Nora walked home alone. All the way she thought of the letter from Elinor.\n\n"
        '"It cannot be true," said she.'
    )
    assert evidence(text, cast) == [("Nora Kemp", "pronoun")]
    # "She was Elinor's sister": a name in the predicate is no one else.
    text = 'Nora walked home alone. Elinor stood at the gate. She was an old friend.\n\n"You are late," said she.'
    assert names(text, cast) == ["Elinor Ward"]


def test_a_boy_is_not_the_old_gentleman_but_is_the_boy() -> None:
    # Tom is "little Tom" three times: the latest male at hand, but not "the old gentleman".
    text = (
        "Little Tom ran ahead; little Tom was always first, and little Tom knocked.\n\n"
        "Mr. Hale opened the door, and Tom slipped in past him.\n\n"
        '"Come in out of the rain," said the old gentleman.'
    )
    assert names(text, (*CAST, TOM)) == ["Mr. Hale"]
    text = "Master Tom Reed and Mr. Hale came in out of the rain.\n\n" '"A wet night," said the old gentleman.'
    assert names(text, (*CAST, Character("Tom Reed", ("Master Tom",), "male"))) == ["Mr. Hale"]
    # And "the boy" is he, though Mr. Hale is named after him.
    text = "Master Tom Reed and Mr. Hale came in out of the rain.\n\n" '"I am soaked," said the boy.'
    assert names(text, (*CAST, Character("Tom Reed", ("Master Tom",), "male"))) == ["Tom Reed"]


def test_the_one_a_pronoun_acts_on_in_its_paragraph_is_not_that_pronoun() -> None:
    # Nora is named first in the paragraph, but "she" kisses her: the "she" is Elinor, named before.
    cast = (*CAST, Character("Nora Kemp", ("Nora",), "female"))
    text = 'Elinor came in from the garden.\n\nShe kissed Nora and said, "You have been crying."'
    assert names(text, cast) == ["Elinor Ward"]


def test_a_pronoun_in_a_clause_of_its_own_binds_no_name_after_it() -> None:
    # "Before she had gone far" is a clause of its own: her mother (Mrs. Marsh, by kin) is who follows, and speaks.
    text = (
        "Ruth Marsh went up to her room. Before she had been there a minute, her mother followed her.\n\n"
        '"My dear child," she cried, "what have you done?"'
    )
    assert names(text, FAMILY) == ["Mrs. Marsh", "Mrs. Marsh"]


def test_discovery_finds_a_character_no_tag_names_who_opens_speech_paragraphs() -> None:
    # No tag names Elinor; twice she is the subject of the narration around her speech, so she is a character.
    text = (
        "Tom Reed came into the kitchen, where Elinor Ward was reading.\n\n"
        'Elinor looked up. "You are late."\n\n'
        '"The train was slow," said Tom.\n\n'
        'Elinor turned a page. "It always is."\n\n'
        "Paris seemed very far away.\n\n"
        '"Not always," said Tom.'
    )
    assert names(text) == ["Elinor", "Tom", "Elinor", "Tom"]
    assert [c.name for c, _n in discover_characters(text, segment(text, [Chapter(1, "T", 0, 0, len(text))]))] == [
        "Elinor", "Tom"]
    # Once is not enough: a name that opens one speech paragraph may be anything ("Paris seemed…").
    once = text.replace('Elinor turned a page. "It always is."', '"It always is."')
    assert "Elinor" not in names(once)


def test_a_name_in_a_clause_of_its_own_is_not_bound_by_the_pronoun_before_it() -> None:
    cast = (*CAST, TOM, Character("The Porter", (), "male"))
    # "when the porter appeared and said": the porter has his own clause, and speaks.
    text = (
        "Tom Reed came in from the rain.\n\n"
        'He had been waiting an hour by the fire, when the porter appeared and said:\n\n"Your cab, sir."'
    )
    assert names(text, cast) == ["The Porter"]
    # "met Elinor, who cried out": she is met, and it is she who cries out.
    text = 'Nora ran down the stairs.\n\nShe met Elinor at the door, who, breathless, cried out, "He is here!"'
    assert names(text, (*CAST, Character("Nora Kemp", ("Nora",), "female"))) == ["Elinor Ward"]


def test_a_tag_qualified_as_one_cast_entry_is_that_entry() -> None:
    # No alias is "the surly one in the blue cravat", but one entry ends "in the blue cravat".
    cast = (*CAST, Character("The Gentleman In The Blue Cravat", (), "male"))
    text = 'Mr. Hale sat down.\n\n"Hang him," added the surly one in the blue cravat.'
    assert evidence(text, cast) == [("The Gentleman In The Blue Cravat", "explicit")]


def test_the_books_old_gentleman_is_not_one_it_has_yet_to_bring_in() -> None:
    # The same book's old gentleman, Mr. Hale, first comes in two chapters after this one.
    jem = Character("Jem Blake", ("Jem",), "male")
    parts = [
        "Tom Reed went out into the lane.\n\n" '"Is that you?" said the old gentleman.\n\n',
        "Tom Reed walked home alone. It rained all night.\n\n",
        "Mr. Hale and Tom Reed sat down.\n\n" + "".join(
            f'"Question {n}?" said Tom.\n\n"Answer {n}," said the old gentleman.\n\n' for n in range(12)),
        "Jem Blake and Tom Reed sat down.\n\n" + "".join(
            f'"Query {n}?" said Tom.\n\n"Reply {n}," said the old gentleman.\n\n' for n in range(4)),
    ]
    text, chapters = chaptered(parts)
    segs = attribute(text, segment(text, chapters), (*CAST, TOM, jem))
    assert next(s.speaker for s in segs if s.kind == "dialogue") != "Mr. Hale"


def test_a_long_paragraph_moves_on_from_the_man_it_names_first() -> None:
    cast = (*CAST, TOM, Character("Jem Blake", ("Jem",), "male"))
    filler = "The rain went on and on against the windows of the long room, and nobody spoke. " * 5
    text = (
        "Elinor looked across at Tom Reed, who sat reading by the lamp. " + filler +
        "She looked at Mr. Hale to beg his help. He took the hint, and said aloud,\n\n"
        '"That will do, child."'
    )
    assert names(text, cast) == ["Mr. Hale"]


def test_a_pronoun_binds_the_name_after_it_whoever_the_sentence_names_before() -> None:
    # "Nora smiled as she thought of Elinor": the "she" is not Elinor, named last; "said she" goes on with Nora.
    cast = (*CAST, Character("Nora Kemp", ("Nora",), "female"))
    text = 'The letter came at noon. Nora smiled as she thought of Elinor.\n\n"She will come," said she.'
    assert names(text, cast) == ["Nora Kemp"]


def test_he_after_a_sentence_naming_the_latest_man_only_as_an_object_is_its_subject() -> None:
    cast = (*CAST, TOM)
    before = '"You are late," said Mr. Hale.\n\n'
    text = before + 'Tom looked up from his book and smiled at Mr. Hale.\n\n"The train was slow," he said.'
    assert names(text, cast) == ["Mr. Hale", "Tom Reed"]
    text = before + "Tom Reed looked into Mr. Hale's face.\n\n\"The train was slow,\" he said."
    assert names(text, cast) == ["Mr. Hale", "Tom Reed"]
    text = before + 'Mr. Hale stood in the hall; but Tom, who had heard the story, frowned at Mr. Hale.\n\n"No," he said.'
    assert names(text, cast) == ["Mr. Hale", "Tom Reed"]
    text = before + 'Tom walked to the table near which Mr. Hale sat.\n\n"Good evening," he said.'
    assert names(text, cast) == ["Mr. Hale", "Tom Reed"]
    # The subject who goes away leaves the one he gives place to.
    text = '"Who is there?" said Tom.\n\nTom opened the door, stepped away, and gave place to Mr. Hale.\n\n"Only me," he said.'
    assert names(text, cast) == ["Tom Reed", "Mr. Hale"]


def test_the_stranger_takes_the_narrations_gender_and_is_the_man_named_later_however_far() -> None:
    # No pronoun in the tag's sentence; the chapter's narration says "the stranger … his coat, and he bowed".
    text = (
        "Mr. Hale sat by the fire with Elinor. A knock came, and the door opened. The stranger shook the rain from "
        "his coat, and he bowed. The stranger looked about him.\n\n"
        '"Is this the road to the mill?" said the stranger.\n\n'
        '"It is," said Mr. Hale.\n\n' + "The rain went on and on. " * 150 + "\n\nAt last Tom Reed rose to go."
    )
    assert names(text, (*CAST, TOM)) == ["Tom Reed", "Mr. Hale"]


def test_the_stranger_is_not_the_boy_of_the_book_whom_the_narration_names_after() -> None:
    little = "Little Tom ran ahead; little Tom was always first, and little Tom knocked.\n\n"
    scene = (
        "Mr. Hale sat alone at the inn. The stranger shook the rain from his coat. The stranger looked about him.\n\n"
        '"A wild night," said the stranger.\n\n"It is," said Mr. Hale, and spoke of poor Tom.\n\n'
        "Much later Nat Cole came back.\n\n"
    )
    text, chapters = chaptered([little, scene])
    segs = attribute(text, segment(text, chapters), (*CAST, TOM, Character("Nat Cole", ("Nat",), "male")))
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Nat Cole", "Mr. Hale"]
    # "No little Reed ran ahead…" is about a family's children: Tom is no boy here, and may be the stranger.
    text, chapters = chaptered([little.replace("Little Tom", "No little Reed").replace("little Tom", "no little Reed"),
                                scene])
    segs = attribute(text, segment(text, chapters), (*CAST, TOM, Character("Nat Cole", ("Nat",), "male")))
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Tom Reed", "Mr. Hale"]


def test_a_narration_paragraph_closing_on_its_subjects_speech_verb_introduces_the_quote() -> None:
    cast = (*CAST, TOM)
    text = (
        '"Where were you?" said Mr. Hale.\n\n"At the mill," said Elinor.\n\n'
        'Mr. Hale frowned at Tom, who laughed. At length she spoke again.\n\n"The wheel was broken."'
    )
    assert evidence(text, cast)[-1] == ("Elinor Ward", "pronoun")
    # "as she spoke" is what she did meanwhile, not an introduction.
    text = (
        '"Where were you?" said Mr. Hale.\n\n"At the mill," said Elinor.\n\n'
        'Mr. Hale frowned at Tom. "Yes," said Tom, as she spoke.\n\n"It was."'
    )
    assert evidence(text, cast)[-1] != ("Elinor Ward", "pronoun")


def test_a_name_after_two_titles_is_one_name() -> None:
    # "Old Mr. Hale" is Mr. Hale, not a title "Old Mr" and a bare "Hale" (his son's alias).
    cast = (Character("Mr. Hale", ("Old Mr. Hale",), "male"), Character("Tom Hale", ("Tom", "Hale"), "male"))
    text = '"Good day," said Tom.\n\nOld Mr. Hale was sitting by the fire.\n\n"Come in," he said.'
    assert names(text, cast) == ["Tom Hale", "Mr. Hale"]


def test_the_one_called_answers_unless_the_narration_brings_in_another() -> None:
    cast = (*CAST, TOM)
    text = '"Is that you at the door, Tom?" said Elinor. She got up.\n\n"It is only me," he said.'
    assert names(text, cast) == ["Elinor Ward", "Tom Reed"]
    text = (
        '"Is that you at the door, Tom?" said Elinor. She got up, and Mr. Hale came in from the garden.\n\n'
        '"It is only me," he said.'
    )
    assert names(text, cast) == ["Elinor Ward", "Mr. Hale"]


def test_a_name_after_an_indefinite_article_is_what_someone_is_not_a_mention() -> None:
    # "a good one for a Reed" says what Tom is; it is not a mention the "he" before it could bind.
    text = (
        "Mr. Hale stood up. Tom sat down.\n\nThen he had an idea, and a good one for a Reed. "
        'He said to himself:\n\n"I shall go tomorrow."'
    )
    assert names(text, (*CAST, TOM)) == ["Tom Reed"]


def test_an_unseen_voice_is_the_one_the_narration_names_next_not_one_at_hand() -> None:
    text = (
        'Elinor sat by the fire with Mr. Hale.\n\n"Open the door!" cried a voice from the lane.\n\n'
        "Mr. Hale went to the door. Tom Reed stood on the step, wet through."
    )
    assert names(text, (*CAST, TOM)) == ["Tom Reed"]


def test_the_old_lady_is_not_a_miss() -> None:
    # Elinor, "Miss Ward", is the only woman at hand; the old lady is Mrs. Ward, named much later.
    cast = (*CAST, Character("Mrs. Ward", (), "female"))
    text = (
        'Elinor sat by the fire.\n\n"Is it raining still?" asked the old lady.\n\n'
        + "The rain went on and on. " * 150 + "\n\nMrs. Ward sighed and took up her knitting."
    )
    assert names(text, cast) == ["Mrs. Ward"]


def test_the_son_with_his_father_at_hand_is_his_son_not_the_casts_unnamed_son() -> None:
    cast = (*LANES, Character("The Son", (), "male"))
    assert names('Mr. Lane came up the path.\n\n"We are late," said the son.', cast) == ["Felix Lane"]
    assert names('Elinor came up the path.\n\n"We are late," said the son.', (*CAST, *cast)) == ["The Son"]


def test_a_description_in_a_tag_stops_before_a_possessive() -> None:
    # No comma: "cried the boy shaking his fist" is the boy's line, not "the boy shaking his"'s.
    assert evidence('Tom Reed ran in.\n\n"Witness this," cried the boy shaking his fist.', (*CAST, TOM)) == [
        ("Tom Reed", "nominal")
    ]


def test_the_one_heard_speaks_not_the_hearer() -> None:
    cast = (*CAST, TOM)
    text = 'Tom Reed came round the corner. Elinor stopped, and heard him say, "It is too late now."'
    assert names(text, cast) == ["Tom Reed"]
    cast = (*CAST, Character("The Grey Stoat", ("Stoat",), "male"))
    text = 'Elinor crept to the hedge by the mill and heard the Grey Stoat say, "The barn is empty tonight."'
    assert names(text, cast) == ["The Grey Stoat"]


LANES = (
    Character("Mr. Lane", (), "male"),
    Character("Mrs. Lane", (), "female"),
    Character("Kate", ("Kate Lane", "Mrs. Price"), "female"),
    Character("Felix Lane", ("Felix",), "male"),
    Character("Mr. Price", (), "male"),
)


def test_her_brother_is_not_her_father_who_bears_her_name_too() -> None:
    text = 'Felix Lane and Kate came in, and Mr. Lane after them.\n\n"You are late," said her brother.'
    assert names(text, LANES) == ["Felix Lane"]


def test_a_married_womans_husband_bears_her_married_name() -> None:
    # Kate was born a Lane and is Mrs. Price: her husband is Mr. Price, not Felix Lane, the latest man named.
    text = 'Kate sat with Mr. Price and Felix Lane.\n\n"Come home," said her husband.'
    assert names(text, LANES) == ["Mr. Price"]


def test_his_father_is_the_father_of_the_latest_man_who_has_one() -> None:
    # Mr. Price, the latest man, has no father in the cast; Felix Lane has: Mr. Lane, not named in the scene.
    text = 'Felix Lane walked in with Mr. Price.\n\n"Sit down, both of you," said his father.'
    assert names(text, LANES) == ["Mr. Lane"]


def test_a_description_of_one_the_chapter_names_soon_after_is_that_one_though_an_earlier_chapter_named_him() -> None:
    jem = Character("Jem Blake", ("Jem",), "male")
    parts = ["Jem Blake came to the farm in the spring, and went away again.\n\n",
             "Tom Reed was at the gate when a rider came up the lane.\n\n"
             '"Is this the Hale farm?" said the gentleman.\n\n'
             "Tom nodded. Jem Blake got down from his horse and tied it to the gate.\n\n"]
    text, chapters = chaptered(parts)
    segs = attribute(text, segment(text, chapters), (*CAST, TOM, jem))
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Jem Blake"]
    # "that gentleman" points back to the one at hand, never to a newcomer.
    text = text.replace("said the gentleman", "said that gentleman")
    segs = attribute(text, segment(text, chapters), (*CAST, TOM, jem))
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Tom Reed"]


def test_a_newcomer_at_a_chapters_end_may_be_named_at_the_next_ones_start() -> None:
    parts = ["Tom Reed opened the door and he held his lamp high. A boy stumbled in out of the rain.\n\n"
             '"Who is it?" said Tom Reed, and he frowned.\n\n"Please, sir, come quick," gasped the boy.\n\n',
             "The boy, whose name was Alec Moss, ran ahead with the lantern.\n\n"]
    text, chapters = chaptered(parts)
    cast = (*CAST, TOM, Character("Alec Moss", ("Alec",), "male"))
    segs = attribute(text, segment(text, chapters), cast)
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Tom Reed", "Alec Moss"]
    # The same with words between the article and the noun: "a thin, ragged boy".
    text, chapters = chaptered([parts[0].replace("A boy", "A thin, ragged boy"), parts[1]])
    segs = attribute(text, segment(text, chapters), cast)
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Tom Reed", "Alec Moss"]
    # Without a cast, "The boy, whose name was Alec Moss" tells the discovered Alec's gender, so he is the boy.
    text = parts[0] + parts[1] + '"Hurry," said Alec Moss.\n\n'
    segs = attribute(text, segment(text, [Chapter(1, "C0", 0, 0, len(parts[0])),
                                          Chapter(2, "C1", len(parts[0]), len(parts[0]), len(text))]))
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Tom Reed", "Alec Moss", "Alec Moss"]


def test_a_cast_role_the_tags_find_with_one_named_character_over_chapters_is_his_epithet() -> None:
    # The cast lists "The Vicar" beside Mr. Hale, but every "said the vicar", in two chapters, comes where Mr. Hale
    # is the man at hand who is not talking with the speaker: the book's name for him.
    cast = (*CAST, TOM, Character("The Vicar", (), None))
    scene = 'Mr. Hale and Tom walked to the gate.\n\n"Rain again," said Tom.\n\n"It will pass," said the vicar.\n\n'
    text, chapters = chaptered([scene + scene, scene])
    segs = attribute(text, segment(text, chapters), cast)
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Tom Reed", "Mr. Hale"] * 3
    # Then "the vicar" is he wherever the book says so, even where the narration has not named him.
    alone = '"Rain again," said Tom.\n\nElinor came out.\n\n"It will pass," said the vicar.\n\n'
    text, chapters = chaptered([scene + scene, scene, alone])
    segs = attribute(text, segment(text, chapters), cast)
    assert [s.speaker for s in segs if s.kind == "dialogue"][-1] == "Mr. Hale"
    # All in one scene: the role is someone the chapter does not name, Mr. Hale only looks on.
    text, chapters = chaptered([scene * 3, "Elinor slept.\n\n"])
    segs = attribute(text, segment(text, chapters), cast)
    assert [s.speaker for s in segs if s.kind == "dialogue"] == ["Tom Reed", "The Vicar"] * 3


def test_a_name_called_in_a_quote_within_the_quote_is_not_whom_the_speaker_calls() -> None:
    # Mrs. Long called Nora so, in Nora's own story: Nora is neither addressed nor talked about; "she" is Nora.
    cast = (*CAST, Character("Nora Kemp", ("Nora", "Mrs. Kemp"), "female"))
    text = (
        "Elinor sat by the window. Mrs. Kemp came in from the town, and she could hardly wait to sit down.\n\n"
        "\"Well,\" said she, \"Mrs. Long met me at the gate, and cried, 'Good day, Mrs. Kemp, you will come to the "
        "ball.' She did indeed.\""
    )
    assert names(text, cast) == ["Nora Kemp", "Nora Kemp"]
    for curly in (text.replace("'", "‘", 1).replace(".'", ".’"),):
        assert names(curly, cast) == ["Nora Kemp", "Nora Kemp"]
    # A call outside the inner quote is still a call: "Mrs. Kemp, Mrs. Long met me…" is said to Nora.
    text = text.replace('"Well,"', '"Mrs. Kemp,"')
    assert names(text, cast)[0] != "Nora Kemp"


def test_a_cast_role_named_by_another_noun_with_a_gender_is_not_the_description() -> None:
    # "the lady" is Mrs. Kemp, though the cast's "The Old Woman" was named last; "the woman" is the old woman.
    cast = (*CAST, Character("Nora Kemp", ("Nora", "Mrs. Kemp"), "female"), Character("The Old Woman", (), "female"))
    text = 'Mrs. Kemp came out to the gate, where an old woman sat.\n\n"You are early," said the lady.'
    assert names(text, cast) == ["Nora Kemp"]
    assert names(text.replace("the lady", "the woman"), cast) == ["The Old Woman"]


def test_a_family_title_calls_the_sister_at_hand_not_the_alias_holder() -> None:
    # "Miss Kemp" is Nora's alias, but Mr. Hale walks with Ann: the call, and the answer, are Ann's.
    cast = (
        *CAST, Character("Nora Kemp", ("Nora", "Miss Kemp"), "female"),
        Character("Ann Kemp", ("Ann", "Miss Ann Kemp"), "female"),
    )
    text = (
        "Nora was in the garden. Mr. Hale walked with Ann by the river, and stopped.\n\n"
        '"Will you sit down, Miss Kemp?" said Mr. Hale.\n\n"Thank you, I will."'
    )
    assert names(text, cast) == ["Mr. Hale", "Ann Kemp"]
    # Whom the narration says he speaks to is called too, though her sister was named last.
    text = (
        "Mr. Hale turned to Ann, while Nora came up behind them, and said, "
        '"Will you sit down, Miss Kemp?"\n\n"Thank you, I will."'
    )
    assert names(text, cast)[-1] == "Ann Kemp"


def test_a_sentence_opening_adverb_or_preposition_is_no_speaker() -> None:
    # "Therefore he went out, and … ordered" is his tag, read as "he", not a character called "Therefore".
    text = (
        '"Dinner at six," said Mr. Grey.\n\n"Yes," said Anna.\n\n'
        'Therefore he went to the door, and leaning out into the hall, ordered "Tea for two," of the maid.'
    )
    assert evidence(text)[-1] == ("Mr. Grey", "pronoun")
    assert evidence(text, (Character("Mr. Grey", (), "male"), Character("Anna", (), "female")))[-1] == (
        "Mr. Grey", "pronoun"
    )


def test_an_introduction_with_a_speech_verb_in_another_form_gives_its_subject() -> None:
    # "to call out", "was she repeating": the verb is not in the tag's usual form, but the sentence introduces the
    # quote, and its subject speaks, not Mr. Hale whom the paragraph names.
    for intro in ("Mr. Hale looked up, and she did not wait to call out,", "Mr. Hale sat on; she was repeating,"):
        text = f'"We are late," said Tom.\n\nElinor came in.\n\n{intro} "What are you saying?"'
        assert evidence(text, (*CAST, TOM)) == [("Tom Reed", "explicit"), ("Elinor Ward", "pronoun")]


def test_the_voice_is_the_voice_heard_just_before() -> None:
    # "cried a voice" is Mr. Hale, named after; "the same voice", "the voice" a few turns on are he again.
    text = (
        '"Who is there?" said Tom.\n\n"Open the door!" cried a voice from the street. Tom did not move.\n\n'
        '"Quick, I say!" cried the same voice.\n\n"Patience," said Tom.\n\n"Now!" cried the voice.\n\n'
        "Tom opened the door, and Mr. Hale came in."
    )
    assert evidence(text, (*CAST, TOM)) == [
        ("Tom Reed", "explicit"), ("Mr. Hale", "nominal"), ("Mr. Hale", "nominal"), ("Tom Reed", "explicit"),
        ("Mr. Hale", "nominal"),
    ]


def test_her_companion_is_the_one_she_has_been_talking_with() -> None:
    text = (
        '"Shall we walk?" said Mr. Hale.\n\n"Gladly," said Elinor. Tom Reed passed them on the road.\n\n'
        '"It is a fine day," said her companion.'
    )
    assert names(text, (*CAST, TOM)) == ["Mr. Hale", "Elinor Ward", "Mr. Hale"]


def test_her_mother_whose_daughter_goes_unnamed_is_the_mother_at_hand() -> None:
    # The "her" is "his younger girl", never named: the mother at hand is Mrs. Lane, the mother of the Lanes.
    text = (
        "Elinor sat by the window, Mrs. Lane by the fire. Seeing his younger girl sew a ribbon on, Mr. Lane "
        'said to her, "It suits you, my dear."\n\n"We are not going anywhere," said her mother.'
    )
    assert evidence(text, (*CAST, *LANES)) == [("Mr. Lane", "explicit"), ("Mrs. Lane", "nominal")]


def test_addressed_her_with_introduces_the_quote() -> None:
    text = (
        '"Where were you?" said Elinor.\n\nMr. Hale came in. He looked round, and quietly addressed her '
        'with, "I hope it is done."'
    )
    assert evidence(text, (*CAST, TOM))[-1] == ("Mr. Hale", "pronoun")


def test_a_bound_she_goes_on_with_the_woman_the_chapter_is_about() -> None:
    # "She thought of the letter from Nora": the "she" is not Nora, and not Ann, who only passed by; it is Elinor,
    # whom the chapter's narration names again and again.
    cast = (*CAST, Character("Nora Kemp", ("Nora",), "female"), Character("Ann Price", ("Ann",), "female"))
    text = (
        "Elinor walked in the park, and Elinor sat down by the lake. Elinor was tired. Ann passed by. "
        'She thought of the letter from Nora.\n\n"It cannot be true," said she.'
    )
    assert evidence(text, cast) == [("Elinor Ward", "pronoun")]


def test_as_to_a_woman_she_is_the_subject_of_its_sentence() -> None:
    cast = (*CAST, Character("Nora Kemp", ("Nora",), "female"))
    text = 'Elinor read by the window. As for Nora, when asked, she would only say: "It is cold."'
    assert evidence(text, cast) == [("Nora Kemp", "pronoun")]
