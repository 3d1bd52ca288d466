"""Every window, count and ratio the attributor tunes, in one place, each with why it is what it is.

Windows count characters of text unless their name says turns, segments, words or chapters. The values were
tuned against the PDNC novels' gold speakers; a change to one is a change of behaviour, to be measured with the
attribution scorer like any other.
"""

from __future__ import annotations

from typing import Final

# --- Reading tags (tags.py, speech.py) ---------------------------------------------------------------------------

# Narration before a quote read for its tag: the introducing sentence, not the paragraph's start.
TAG_BEFORE_CHARS: Final[int] = 300
# Narration after a quote read for its tag: a tag follows at once ("…," said Tom, rising slowly from his chair).
TAG_AFTER_CHARS: Final[int] = 160
# The end of a paragraph of pure narration read for `while she continued.`: its last clause.
FINAL_VERB_CHARS: Final[int] = 60
# A tag's qualifier ("the gentleman in the white waistcoat") is a short phrase, not the rest of the sentence.
QUALIFIER_CHARS: Final[int] = 40
# Words of the one heard between "heard" and the speech verb ("heard one of them mutter").
HEARD_WORDS: Final[int] = 3
# Titles before a name ("Old Mr. Hale"); more are sentence words caught with it.
NAME_TITLES: Final[int] = 2
# Words between a determiner and its head noun ("the red-faced old gentleman"); more is not one noun phrase.
NP_MODIFIERS: Final[int] = 2
# Letters before "-ing" that make a word a participle ("said the man, smiling"), not a noun ("the king").
PARTICIPLE_STEM: Final[int] = 3
# Words before the noun of a reply (`was her quick reply`).
REPLY_MODIFIERS: Final[int] = 2
# An aside between the subject and the verb of a tag after a quote (`Mary, looking up, said`).
ASIDE_AFTER_CHARS: Final[int] = 40
# The same aside in a tag before a quote, where the narration runs longer (`Mr. Royce, drawing near, said`).
ASIDE_BEFORE_CHARS: Final[int] = 60
# A cast alias of this many words that is a description ("The Burly Man") is also its holder's mention.
DESCRIBED_WORDS: Final[int] = 3
# A reviewed cast's two-word role ("The Ferryman") is one person, so it is a mention too.
CAST_DESCRIBED_WORDS: Final[int] = 2

# --- Mentions and recency (rules.py) -----------------------------------------------------------------------------

# Distinct characters remembered for resolving pronouns and noun phrases: a scene holds few people.
RECENT_CHARACTERS: Final[int] = 8
# Narration after a quote in which the book names the one who spoke it, when no one was at hand: a page on, the
# scene has moved.
NAMED_AFTER_CHARS: Final[int] = 1500
# Narration a conversation may pause for (a gesture, a look) and go on between the same people.
BRIDGE_CHARS: Final[int] = 800
# Segments back from a conversation in which the paragraph before it starts: no paragraph holds more.
LEAD_SEGMENTS: Final[int] = 40
# Words a tag's qualifier needs to single out one cast entry ("in the white waistcoat", not "in").
QUALIFIER_WORDS: Final[int] = 2

# --- Whom a turn addresses (addressed.py) ------------------------------------------------------------------------

# A quote of this many words or fewer talks about no one ("Tom Reed himself" may be Tom answering).
ECHO_WORDS: Final[int] = 4
# A name starting this near a quote's start opens it (`"Bella, …`): a call to attention, not a hand-over.
OPENING_CALL_CHARS: Final[int] = 3
# Narration back in which the chapter's latest-named bearer of a family's title is the one "Miss Kemp" calls.
FAMILY_CALL_CHARS: Final[int] = 3000

# --- Pronouns (anaphora.py, binding.py) --------------------------------------------------------------------------

# Narration before a quote, in its paragraph, where its pronoun's subject is named.
TOPIC_CHARS: Final[int] = 400
# Narration back to the name where a `while`/`as`/`when` makes it someone acting meanwhile, not coming in.
MEANWHILE_CHARS: Final[int] = 12
# How many times more often the chapter must have named a character for a bound "she" to go on with her.
FOCAL_RATIO: Final[int] = 2
# Narration back in which the latest character's last mention may bind a pronoun.
BINDING_CHARS: Final[int] = 3000
# Narration back to a sentence's start: sentences are seldom longer.
SENTENCE_CHARS: Final[int] = 400
# Narration before a name in which `was a`/`became the` makes it a predicate ("He was an old man").
PREDICATE_CHARS: Final[int] = 20
# Narration before a name in which `when`/`while` opens a clause of its own.
NEW_CLAUSE_CHARS: Final[int] = 12
# A name's relative clause (`Rosa, who`) starts this near the name.
RELATIVE_CLAUSE_CHARS: Final[int] = 40
# The relative clause's speech verb (`who, breathless, cried out`) follows this near its `who`.
RELATIVE_VERB_CHARS: Final[int] = 60
# Narration before a name in which a preposition makes it an object (`smiled at the Captain`).
OBLIQUE_CHARS: Final[int] = 15
# Narration before a name in which `which`/`whom`/`where` makes it part of a relative clause.
RELATIVE_BEFORE_CHARS: Final[int] = 40

# --- Descriptions (anaphora.py, describe.py, newcomer.py) --------------------------------------------------------

# Share of a bare description's uses ("the gentleman") that must mean one character for it to keep that referent.
BARE_SHARE: Final[float] = 0.6
# Narration after a description in which a pronoun gives it a gender (`said the stranger, with a sneer on his lips`).
GENDER_AFTER_CHARS: Final[int] = 200
# Uses of a description in a chapter's narration, a gender must have for the chapter to give it one.
NARRATED_GENDER_USES: Final[int] = 2
# How many times more often than the other that gender must come: a clear lead, not a stray pronoun.
NARRATED_GENDER_RATIO: Final[int] = 3
# Times the book must call someone "little Tom" for them to be a child.
LITTLE_USES: Final[int] = 3
# Narration before "little" in which a determiner makes it a family's children ("the little Lane boys").
LITTLE_DETERMINER_CHARS: Final[int] = 8
# Speakers before a turn in its conversation among whom "her companion" is.
PARTNER_TURNS: Final[int] = 3
# Narration after an unseen voice in which the book names whose it was.
VOICE_CHARS: Final[int] = 1500
# Turns back (this many less one) within which "the voice" is still the one heard.
VOICE_TURNS: Final[int] = 6
# Tags naming a cast role that must find one named character at hand for the role to be that character's epithet.
EPITHET_USES: Final[int] = 3
# Share of those tags that must find that character.
EPITHET_SHARE: Final[float] = 0.6
# Chapters those tags must come in: one scene's unnamed surgeon is not the patient.
EPITHET_CHAPTERS: Final[int] = 2
# Narration before a description within which the narration brought its person in ("a boy stumbled in").
INTRO_CHARS: Final[int] = 1000
# Words between the article and the noun of an introduction ("a grey-haired, stooping gentleman").
INTRO_WORDS: Final[int] = 3
# Narration before an introduction in which `was`/`like` makes it a predicate ("was a boy"), not someone new.
BE_CHARS: Final[int] = 8
# Narration after a description within which the book names the newcomer it describes.
NEWCOMER_CHARS: Final[int] = 3000
# Chapters (this one and the next) in which someone just brought in may be named.
NEWCOMER_CHAPTERS: Final[int] = 2
# Latest characters of a possessive's gender who may own the kin it names ("her father").
KIN_OWNERS: Final[int] = 2

# --- Discovery: characters without a cast (discover.py, sieve.py) ------------------------------------------------

# Share of the words following "Tom" that must be "Pike" for "Tom" to be "Tom Pike".
EXPAND_SHARE: Final[float] = 2 / 3
# Times "Tom Pike" must occur for "Tom" to be expanded to it: once may be two people side by side.
EXPAND_USES: Final[int] = 2
# Speech paragraphs a name must open as subject to be a character no tag names.
BEAT_NAMES: Final[int] = 2
# A first-person book: one tag in this many is "I said"…
NARRATOR_TAG_RATIO: Final[int] = 20
# …counted over at least this many tags, so a short book needs several.
NARRATOR_MIN_TAGS: Final[int] = 100
# Times the quotes must call the narrator by a name…
NARRATOR_CALLS: Final[int] = 3
# …this many times more often than the narration uses it.
NARRATOR_CALL_RATIO: Final[int] = 5

# --- Gender (gender.py) ------------------------------------------------------------------------------------------

# Text after a name in which the next pronoun most often refers back to it; further on, it is someone else's.
GENDER_WINDOW: Final[int] = 80
# Narration before a name in which `whose name was` gives what it is ("The boy, whose name was Simon").
CALLED_CHARS: Final[int] = 40
# Adjectives between the article and the noun of an apposition ("Simon, a tall young boy").
APPOSITION_WORDS: Final[int] = 2

# --- The learned ranker (ranker.py) ------------------------------------------------------------------------------

# Latest characters named or heard in the chapter who are candidates for a turn: a scene holds few people.
RANK_RECENT: Final[int] = 6
# Narration after a turn whose names are candidates: the sentence that follows (`"…" Tom laughed.`).
RANK_AFTER_CHARS: Final[int] = 200
# Characters since the latest mention beyond which it no longer matters how long ago it was: a few pages.
RANK_GAP_CAP: Final[int] = 10000
# Turns since a character last spoke beyond which it no longer matters: a conversation's length.
RANK_TURNS_CAP: Final[int] = 50
# A speaker the ranker gives less than this chance of being right is flagged as unsure in `report` and `review`:
# measured leave-one-novel-out, fewer than half of such quotes are right.
UNSURE_CONFIDENCE: Final[float] = 0.5
