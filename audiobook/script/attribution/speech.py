"""Speech-tag lexicon and character-name resolution shared by the attributor."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from audiobook.model import Character, Gender
from audiobook.script.attribution import thresholds as th


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Past and present forms; multi-word verbs are listed whole.
SPEECH_VERBS = _words(
    """
    said says say replied replies answered answers returned returns cried cries asked asks
    exclaimed exclaims whispered whispers observed observes added adds continued continues
    rejoined rejoins remarked remarks repeated repeats resumed resumes retorted retorts
    responded responds muttered mutters murmured murmurs shouted shouts screamed screams
    called calls began begins interrupted interrupts interposed inquired inquires enquired
    enquires demanded demands declared declares protested protests suggested suggests
    urged urges pleaded pleads begged begs insisted insists explained explains
    remonstrated expostulated ejaculated stammered stammers stuttered sobbed sobs sighed
    sighs groaned groans moaned moans laughed laughs chuckled giggled sneered snapped
    snaps snarled growled growls grumbled grunted roared roars bellowed yelled yells
    hissed breathed gasped gasps panted faltered quavered shrieked squeaked squealed
    wailed whimpered whined howled thundered blurted admitted admits agreed agrees
    assented conceded confessed acknowledged announced announces proclaimed stated
    affirmed asserted maintained noted commented mused reflected pondered wondered
    thought thinks reasoned argued objected complained lamented warned cautioned advised
    ordered commanded directed instructed told tells informed assured promised vowed swore
    threatened teased joked jested mocked scoffed taunted chided scolded rebuked reproached
    corrected concluded finished persisted pursued proceeded interjected spoke read sang
    recited intoned drawled lisped mumbled prompted hinted ventured volunteered offered
    guessed supposed echoed quoted reiterated queried questioned countered snorted sniffed
    smiled grinned nodded shrugged sniggered bawled barked piped chirped sang cooed crowed
    yelped exploded fumed raged stormed soothed comforted consoled coaxed wheedled implored
    entreated besought beseeched prayed recommended proposed explained conjectured
    speculated sneezed coughed stuttered accused demurred challenged bantered observed
    blustered acquiesced crooned simpered droned rapped enunciated appealed uttered gushed purred
    """
)
PHRASAL_VERBS = ("went on", "goes on", "broke in", "put in", "cut in", "chimed in", "called out",
                 "cried out", "spoke up", "broke out", "burst out", "struck in", "added in", "fired up", "burst in")
# "he was saying", "Teddy was asking", "she did not wait to call out,": a speech verb in the progressive, or
# bare after "to" or "did"; the sentence holding one may introduce a quote.
_PROGRESSIVE = (
    "saying|asking|crying|exclaiming|replying|answering|calling|whispering|shouting|murmuring|muttering|repeating|"
    "remarking|observing|adding|continuing|interrupting|declaring|inquiring|enquiring|speaking|protesting|pleading|"
    "begging|screaming|shrieking|groaning|sobbing|stammering|retorting|rejoining|resuming|addressing|addressed|"
    "call\\s+out|cry\\s+out|ask|reply|answer|exclaim|remark|observe|inquire|enquire|repeat|whisper|shout|murmur|mutter"
)

# Head nouns of phrases that name a person in a tag ("said her mother", "the old man replied").
_PERSON_MALE = _words(
    "man gentleman boy lad fellow father papa brother uncle husband son nephew king prince lord master youth "
    "squire parson clergyman vicar rector gardener butler footman coachman landlord grandfather sir chap"
)
_PERSON_FEMALE = _words(
    "woman lady girl lass mother mamma mama sister aunt wife daughter niece queen princess mistress maid widow "
    "governess nurse landlady matron dame grandmother housekeeper hostess damsel"
)
_PERSON_ANY = _words(
    "child friend cousin stranger newcomer new-comer visitor guest host companion person doctor servant parent "
    "traveller officer soldier captain colonel creature other"
)
PERSON_NOUNS: dict[str, Gender | None] = {
    **{w: None for w in _PERSON_ANY}, **{w: "male" for w in _PERSON_MALE}, **{w: "female" for w in _PERSON_FEMALE}
}

TITLES_MALE = _words(
    "Mr Mister Sir Lord Master Monsieur M Signor Senor Herr Don Father Uncle Brother King Prince "
    "Duke Count Baron Earl Marquis Squire Colonel Captain Major General Lieutenant Sergeant "
    "Corporal Admiral Commodore Reverend Rev Parson Bishop Cardinal Judge Mynheer"
)
TITLES_FEMALE = _words(
    "Mrs Miss Ms Missus Lady Madam Madame Mme Mademoiselle Mlle Signora Signorina Senora Senorita "
    "Frau Fraulein Dona Mother Aunt Sister Queen Princess Duchess Countess Baroness Dame Mistress "
    "Granny Grandmother Widow Nurse"
)
TITLES_ANY = _words("Dr Doctor Professor Prof Cousin Saint St Old Young Little Dear")
TITLES = TITLES_MALE | TITLES_FEMALE | TITLES_ANY
ARTICLES = frozenset(("the", "a", "an"))
# Capitalised words that start sentences or stand in speech but never name a speaker.
NOT_NAMES = _words(
    """
    The A An And But Or Then When While As If So Yet Now Here There This That These Those It Its
    He She His Her Him Hers They Them Their We Us Our You Your I Me My Mine One Oh O Ah Ay Aye Yes
    No Nay Not Well Why What Who Whom Whose Which Where How Indeed Perhaps Still Again After Before
    At In On Of For To From With Without By Upon Into Over Under Every Each All Some Any Nobody
    Somebody Everybody Nothing Something Everything Good Dear God Heaven Lord Sir Madam Ma'am
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Chapter CHAPTER Book Part Volume
    Presently Suddenly Meanwhile Instantly Accordingly Besides However Thus Hence Soon Later Just
    Only Even Such Both Either Neither Do Don't Did Does Is Was Are Were Be Let Said Replied
    Therefore Among Amongst Against Across Along Around Behind Beside Beyond During Through Towards Until Unless
    Though Although Because Since Whilst Whereupon Afterwards Nevertheless Moreover Furthermore Also Once Never
    """
)

VERB = "|".join(sorted(SPEECH_VERBS | {p.replace(" ", r"\s+") for p in PHRASAL_VERBS}, key=len, reverse=True))
_TITLE = "|".join(sorted(TITLES, key=len, reverse=True))
_CAP = r"[A-Z\u00C0-\u00DE]\w*(?:['’](?!s\b)\w+)*(?:-\w+)*"
# The small words inside a family name ("Lady Honoria de Brissac", "Mr. van der Berg", "Don Diego de la Vega").
_PARTICLE = r"(?:of|de|la|le|du|des|del|della|von|van|der|den|ten|ter|di|da)"
# A name: optional article and titles ("Old Mr. Hale"; after a title the family name may open with its particles:
# "Mrs. van der Berg"), then capitalised words ("Lady Honoria de Brissac").
NAME = (
    rf"(?:(?:[Tt]he|[Aa]n?)\s+)?(?:(?:(?:{_TITLE})\.?\s+){{1,{th.NAME_TITLES}}}(?:{_PARTICLE}\s+){{0,2}})?"
    rf"(?:[A-Z]\.\s*(?=[A-Z]))*{_CAP}(?:\s+(?:{_PARTICLE}\s+){{0,2}}{_CAP})*"
)
PRONOUN = r"[Hh]e|[Ss]he|I|[Tt]hey|[Ww]e"
# A noun phrase that is neither (said "his wife"), kept so a cast alias can still match it.
_NP_STOP = (
    "in|at|on|with|to|from|of|for|by|into|upon|over|under|as|and|or|but|nor|who|whom|which|that|whose|when|while|"
    "where|again|then|still|now|once|too|also|very|so|not|never|here|there|quite|rather|aloud|almost|after|before|"
    "about|across|through|towards?|behind|without|within|up|down|out|off|away|back|round|forward|aside|is|was|had|has|"
    "his|her|its|their|my|your|our|him|them|me|us"  # "cried the boy shaking his fist": the boy
)
# A noun phrase runs to its head noun: "the red-faced gentleman" (not "the red-faced"), never past a
# preposition, conjunction or adverb ("said the surgeon at last", "said the man quietly").
_NP_WORD = rf"(?!(?:{_NP_STOP})\b)[\w-]+"
_NP_HEAD = rf"(?!(?:{_NP_STOP})\b)(?![\w-]+ly\b)(?!\w{{{th.PARTICIPLE_STEM},}}ing\b)[\w-]+"
_DETERMINER = r"(?:[Tt]he|[Hh]is|[Hh]er|[Mm]y|[Oo]ur|[Tt]heir|[Aa]n?)"
# "the miller's wife", "Mr. Hale's good lady": someone other than the one named.
_POSSESSOR = rf"(?:{NAME}|{_DETERMINER}\s+(?:{_NP_WORD}\s+){{0,{th.NP_MODIFIERS}}}{_NP_HEAD})['’]s"
# "said that patient lady", but not "so eagerly that the Captain said": a demonstrative only before a
# noun naming a person.
_PERSON_HEAD = "|".join(sorted(PERSON_NOUNS, key=len, reverse=True))
PHRASE = (
    rf"(?:{_DETERMINER}\s+(?:{_NP_WORD}\s+){{0,{th.NP_MODIFIERS}}}{_NP_HEAD}"
    rf"|[Tt]h(?:is|at)\s+(?:{_NP_WORD}\s+){{0,{th.NP_MODIFIERS}}}(?:{_PERSON_HEAD})(?![\w-]))"
)
SUBJECT = (
    rf"(?:(?P<pron>(?:{PRONOUN})\b)|(?P<poss>{_POSSESSOR}\s+(?:{_NP_WORD}\s+){{0,{th.NP_MODIFIERS}}}{_NP_HEAD})"
    rf"|(?P<name>{NAME})|(?P<np>{PHRASE}))"
)
ADVERB = r"(?:\w+ly\s+)"
LEAD = r"^[\s,;:—–\-]*(?:and\s+|then\s+)?"

# Tag after a quote: `"…," said Elizabeth` / `"…" Elizabeth replied`.
# "said poor Lucy", "pleaded poor Greta": a plain adjective before a name.
_EPITHET = r"(?:(?:poor|wise|good|dear|little|old|young|faithful|worthy|honest|brave|gentle|kind)\s+(?=[A-Z]))?"
VERB_FIRST_RE = re.compile(rf"{LEAD}{ADVERB}?(?:{VERB})\b(?:\s+{ADVERB})?\s*{_EPITHET}{SUBJECT}\b")
SUBJECT_FIRST_RE = re.compile(
    rf"{LEAD}{SUBJECT}(?:\s*,[^,\"“”]{{1,{th.ASIDE_AFTER_CHARS}}},)?\s+{ADVERB}?(?:had\s+|has\s+|was\s+|then\s+|again\s+)?"
    rf"(?:{VERB}|(?<=was\s)(?:{_PROGRESSIVE}))\b"
)
# `"…," was her reply` / `was Lucy's answer`: the speaker in the possessive.
REPLY_RE = re.compile(
    rf"{LEAD}(?:was|came)\s+(?:(?P<pron>his|her)|(?P<name>{NAME})['’]s)\s+(?:[a-z]+\s+){{0,{th.REPLY_MODIFIERS}}}"
    r"(?:reply|answer|response|rejoinder|retort|remark|comment|exclamation|greeting)\b"
)
# Tag before a quote, at the end of the narration: `Elizabeth said, "…"` / `said she: "…"`.
BEFORE_SUBJECT_RE = re.compile(
    rf"{SUBJECT}(?:\s*,[^,\"“”]{{1,{th.ASIDE_BEFORE_CHARS}}},)?\s+{ADVERB}?(?:had\s+|then\s+|again\s+)?(?:{VERB})\b"
)
BEFORE_VERB_RE = re.compile(rf"(?:{VERB})\s+{SUBJECT}\b")
SENTENCE_END_RE = re.compile(r"[.!?;]\s")
# A sentence boundary that is not the point of a title ("Mr. Royce"). The mark comes first and the titles are
# looked for behind it: the other way round, the look-behinds run at every character of a book (20 times slower).
SENTENCE_START_RE = re.compile(
    r"[.!?](?<!\bMr.)(?<!\bMrs.)(?<!\bMs.)(?<!\bDr.)(?<!\bSt.)(?<!\bMme.)(?<!\bMlle.)(?<!\bRev.)[\"”’')]*\s+"
)
SUBJECT_ANY_RE = re.compile(rf"\b(?:(?P<pron>{PRONOUN})|(?P<name>{NAME}))\b")
VERB_WORD_RE = re.compile(rf"\b(?:{VERB}|{_PROGRESSIVE})\b")
CAPSEQ_RE = re.compile(rf"\b{NAME}")
PRONOUN_GENDER_RE = re.compile(r"\b(?:(he|him|his|himself)|(she|her|hers|herself))\b")
_TOKEN_RE = re.compile(r"[\w'’-]+")


_HONORIFICS = frozenset(("Mr", "Mrs", "Ms", "Miss", "Dr", "Mme", "Mlle", "St", "Sir", "Lady", "Lord"))
_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))


def clean_name(raw: str) -> str:
    """Drop sentence words caught before a name ("Though Elizabeth") and titles caught after it."""
    words = raw.split()
    while len(words) > 1 and words[0] in NOT_NAMES and words[0].rstrip(".") not in TITLES:
        words.pop(0)
    while len(words) > 1 and (words[-1].rstrip(".") in _HONORIFICS or words[-1] in _PARTICLES):
        words.pop()
    return " ".join(words)


def _family(title: str | None, rest: tuple[str, ...]) -> str | None:
    """The family name a split name carries: the last word of "Mr. Hale", "Tom Pike"; none in "Tom"."""
    return rest[-1] if rest and (title is not None or len(rest) > 1) else None


def _families(keys: Iterable[str]) -> set[str]:
    """The family names a group of name forms carries."""
    return {f for key in keys if (f := _family(*split_name(key)[1:])) is not None}


def title_gender(title: str) -> Gender | None:
    """The gender a title implies, if any."""
    bare = title.rstrip(".")
    if bare in TITLES_MALE:
        return "male"
    if bare in TITLES_FEMALE:
        return "female"
    return None


def split_name(raw: str) -> tuple[str, str | None, tuple[str, ...]]:
    """Normalise a name: (key, title, the remaining name tokens)."""
    words = _TOKEN_RE.findall(raw.replace("’", "'"))  # "miller’s" in the text, "miller's" in the cast
    article = ""
    if words and words[0].lower() in ARTICLES:
        article = words.pop(0).lower() + " "
    title = words.pop(0) if len(words) > 1 and words[0] in TITLES else None
    rest = tuple(w for w in words if w[:1].isupper() and w not in NOT_NAMES)
    key = article + " ".join(([title] if title else []) + list(words))
    return key, title, rest


class Names:
    """Maps the names found in the text to canonical speakers, with their genders."""

    def __init__(self) -> None:
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        self.parts: dict[str, str | None] = {}
        self.gender: dict[str, Gender | None] = {}
        self._cache: dict[str, str | None] = {}
        self.aliases: dict[str, list[str]] = {}  # discovery: the forms merged into each canonical name
        self.words: dict[str, set[str]] = {}  # canonical -> the casefolded words of its names ("doctor", "count")
        self.titled: dict[str, str | None] = {}  # title -> its only bearer ("Mademoiselle"), None if several
        self.family: dict[str, set[str]] = {}  # canonical -> the family names its names carry ("Kemp")
        self.bearers: Counter[str] = Counter()  # family name -> how many characters carry it
        self.titles: dict[str, set[str]] = {}  # canonical -> the titles its names carry ("Mrs", "Miss")
        self.married: dict[str, set[str]] = {}  # canonical -> the family names it carries as "Mrs." ("Kemp")
        self.described: dict[str, str] = {}  # "burly man" -> the cast entry "The Burly Man"

    def _add(self, alias: str, canonical: str) -> None:
        self._describe(alias, canonical, th.DESCRIBED_WORDS)
        key, title, rest = split_name(alias)
        if title is not None:
            self._add_title(canonical, title.rstrip("."), rest)
        self.words.setdefault(canonical, set()).update(w.casefold() for w in _TOKEN_RE.findall(alias))
        family = _family(title, rest)
        if family is not None:
            self._add_family(canonical, family)
            if title is not None and title.rstrip(".") in ("Mrs", "Madame", "Mme"):
                self.married.setdefault(canonical, set()).add(family)
        for k in (key, _bare(key)):
            self.exact.setdefault(k, canonical)
            self.folded.setdefault(k.casefold(), canonical)
        for part in rest:
            if len(part) > 1 and part not in TITLES:  # a title alone names nobody
                # A part shared by two characters ("Kemp") names neither.
                self.parts[part] = canonical if self.parts.get(part, canonical) == canonical else None

    def _add_title(self, canonical: str, title: str, rest: tuple[str, ...]) -> None:
        """Note a title `canonical` goes by ("Mrs"), and whether they are its only bearer ("Mademoiselle")."""
        if rest:
            self.titled[title] = canonical if self.titled.get(title, canonical) == canonical else None
        self.titles.setdefault(canonical, set()).add(title)

    def _describe(self, alias: str, canonical: str, shortest: int) -> None:
        """A name that says what someone is ("The Burly Man") is also their mention as "a burly man"."""
        words = alias.replace("’", "'").split()
        # Not "The Gentleman": a person noun alone describes too many people to be one's mention.
        if len(words) < shortest or (len(words) == 2 and words[1].lower() in PERSON_NOUNS):
            return
        if words[0].lower() in ARTICLES and all(w[:1].isalpha() for w in words[1:]):
            self.described.setdefault(" ".join(words[1:]).casefold(), canonical)

    @classmethod
    def from_cast(cls, characters: Sequence[Character]) -> Names:
        """Resolver for a reviewed cast: every alias and unique name part maps to its name."""
        names = cls()
        owners: dict[str, set[str]] = {}  # family name -> the entries whose full or titled names carry it
        for ch in characters:
            # "The Burly Man" with no gender given is a man all the same.
            noun = ch.name.split()[-1].lower() if ch.name.split()[0].lower() in ARTICLES else ""
            names.gender[ch.name] = ch.gender or PERSON_NOUNS.get(noun)
            for alias in (ch.name, *ch.aliases):
                names._add_cast_alias(alias, ch.name, owners)
        for part, owner in list(names.parts.items()):
            if part in names.exact and names.exact[part] != owner:
                names.parts[part] = None
        for part, who in owners.items():
            names._surname_of_man(part, who)
        return names

    def _add_cast_alias(self, alias: str, name: str, owners: dict[str, set[str]]) -> None:
        """Add one alias of the cast entry `name`, noting in `owners` the family name it carries."""
        self._add(alias, name)
        # A reviewed cast's "The Ferryman" is one man; a role found in a tag ("said the ferryman") may be
        # a named character's, so only the cast's two-word roles are mentions.
        self._describe(alias, name, th.CAST_DESCRIBED_WORDS)
        _key, title, rest = split_name(alias)
        if len(rest) > 1 or title:
            owners.setdefault(rest[-1], set()).add(name)

    def _surname_of_man(self, part: str, who: set[str]) -> None:
        """A bare surname shared by a family (`who`) names its man ("said Royce"): women take a title or first
        name."""
        men = [c for c in who if self.gender.get(c) == "male"]
        if len(men) != 1 or self.parts.get(part) is not None:
            return
        self.parts[part] = men[0]
        extra = self.exact.get(part)
        if extra is not None and extra not in who and self.gender.get(extra) is None:
            # A genderless one-word entry that is only that surname lists the same man twice.
            self.exact[part] = self.folded[part.casefold()] = men[0]

    @classmethod
    def discover(cls, found: Iterable[str], roles: Iterable[str] = (), full: Iterable[str] = ()) -> Names:
        """Resolver built from names seen in speech tags, merging obvious variants; roles ("the cook") as named.

        `full`: whole names the text gives ("Tom Pike"), to name a character the tags call "Tom" when no
        other character carries the family name.
        """
        full = set(full)
        surfaces: dict[str, Counter[str]] = {}  # name key -> how often each spelling of it is found
        for n in found:
            surfaces.setdefault(split_name(n)[0], Counter())[" ".join(n.split())] += 1
        counts = Counter({k: sum(v.values()) for k, v in surfaces.items()})
        groups = _variant_groups(counts)
        names = cls()
        families = Counter(f for group in groups for f in _families(group))
        for group in groups:
            canonical = surfaces[_fullest(group, counts, full, families)].most_common(1)[0][0]
            names.gender[canonical] = _titles_gender(group)
            for key in group:
                names._add(key, canonical)
            names.aliases[canonical] = [surfaces[k].most_common(1)[0][0] for k in group]
        for role in dict.fromkeys(roles):
            if names._resolve(role) is None:
                names.gender[role] = None
                names._add(role, role)
                names.aliases[role] = [role]
        return names

    def learn_family(self, full: str) -> None:
        """A full name in the text ("Arabella Kemp") gives its bearer that family name."""
        rest = split_name(full)[2]
        if len(rest) < 2:
            return
        who = self.resolve(full)
        if who is not None:
            self._add_family(who, rest[-1])

    def _add_family(self, canonical: str, family: str) -> None:
        known = self.family.setdefault(canonical, set())
        if family not in known:
            known.add(family)
            self.bearers[family] += 1

    def lookup(self, raw: str) -> str | None:
        """The speaker one of whose names is exactly `raw` (case aside), with or without its article."""
        key = split_name(raw)[0]
        return next((self.folded[k.casefold()] for k in (key, _bare(key)) if k.casefold() in self.folded), None)

    def resolve(self, raw: str) -> str | None:
        """The canonical speaker a name in the text stands for, or None."""
        if raw in self._cache:
            return self._cache[raw]
        found = self._resolve(raw)
        self._cache[raw] = found
        return found

    def _resolve(self, raw: str) -> str | None:
        key, title, rest = split_name(raw)
        found = self._by_key(key)
        if found is not None:
            return found
        if len(rest) == 1 and rest[0] in TITLES and title is None:
            return self.titled.get(rest[0])  # "said Mademoiselle": the one character with that title
        return self._by_part(title, rest)

    def _by_key(self, key: str) -> str | None:
        """The speaker a whole name is (exactly, else case aside)."""
        bare = _bare(key)
        for k in (key, bare):
            if k in self.exact:
                return self.exact[k]
        for k in (key, bare):
            if k.casefold() in self.folded:
                return self.folded[k.casefold()]
        return None

    def _by_part(self, title: str | None, rest: tuple[str, ...]) -> str | None:
        """The speaker one part of a name names, by a title of no other gender."""
        want = title_gender(title) if title else None
        # "Ruth Marsh" is Ruth, not the Mr. Marsh a bare "Marsh" names: a first name is the surer part.
        for part in (rest[:1] + rest[-1:]) if len(rest) > 1 else rest:
            owner = self.parts.get(part)
            # A title that names someone else ("Mrs." for a man) must not match.
            if (
                owner is not None
                and (want is None or self.gender.get(owner) in (None, want))
                and (title is None or want is None or not self._other_titled(owner, title))
            ):
                return owner
        return None

    def _other_titled(self, owner: str, title: str) -> bool:
        _k, own_title, _r = split_name(owner)
        return own_title is not None and title_gender(own_title) != title_gender(title)


def _bare_title(key: str) -> bool:
    """Whether a name is a title alone ("Mademoiselle")."""
    rest = split_name(key)[2]
    return len(rest) == 1 and rest[0] in TITLES


def _bare(key: str) -> str:
    """A name key without its article: "the cook" -> "cook"."""
    return key.split(" ", 1)[1] if " " in key and key.split(" ", 1)[0] in ARTICLES else key


def _variant_groups(counts: Counter[str]) -> list[list[str]]:
    """The name keys found, grouped into the variants of one name (Royce / Mr. Royce / Ambrose Royce)."""
    # A bare title ("Mademoiselle") comes last, to join the one titled name it can shorten.
    entries = sorted(
        counts, key=lambda k: (_bare_title(k), -len(split_name(k)[2]), split_name(k)[1] is None, -counts[k], k)
    )
    groups: list[list[str]] = []
    for key in entries:
        if not split_name(key)[2]:
            continue
        home = [g for g in groups if _compatible(key, g[0]) and not any(_clash(key, k) for k in g)]
        if len(home) > 1:
            home = _surname_home(key, home)
        if len(home) == 1:
            home[0].append(key)
        else:
            groups.append([key])
    return groups


def _surname_home(key: str, home: list[list[str]]) -> list[list[str]]:
    """A bare surname shared by a family names its man ("said Marwood"), as in a reviewed cast: of the groups it
    fits, the one man's."""
    _key, title, rest = split_name(key)
    if len(rest) != 1 or title is not None:
        return home
    men = [g for g in home if title_gender(split_name(g[0])[1] or "") == "male"]
    return men if len(men) == 1 else home


def _fullest(group: list[str], counts: Counter[str], full: set[str], families: Counter[str]) -> str:
    """The form a group of name variants is listed by: the fullest, the likeliest to be a name others use too;
    "Tom Pike", not "Tom", when the text gives it and no one else is a Pike."""
    best = max(group, key=lambda k: (split_name(k)[1] is not None, counts[k]))
    whole = [k for k in group if k in full and split_name(k)[2][0] == best and families[split_name(k)[2][-1]] == 1]
    return whole[0] if whole else best


def _titles_gender(group: list[str]) -> Gender | None:
    """The gender the titles of a group of name variants agree on, if they give one."""
    genders = {title_gender(t) for t in (split_name(k)[1] for k in group) if t}
    genders.discard(None)
    return genders.pop() if len(genders) == 1 else None


def _clash(a: str, b: str) -> bool:
    """Two names with different titles are two people (Mr. and Mrs. Kemp)."""
    ta, tb = split_name(a)[1], split_name(b)[1]
    return ta is not None and tb is not None and ta.rstrip(".") != tb.rstrip(".")


def _compatible(small: str, big: str) -> bool:
    """Whether name `small` can be a short form of `big` (Royce / Mr. Royce / Ambrose Royce)."""
    _a, t1, r1 = split_name(small)
    _b, t2, r2 = split_name(big)
    if len(r1) == 1 and r1[0] in TITLES:
        return t2 is not None and t2.rstrip(".") == r1[0]  # "Mademoiselle" for "Mademoiselle Duvernay"
    if not set(r1) <= set(r2):
        return False
    if t1 and t2 and t1.rstrip(".") != t2.rstrip("."):
        return False
    if t1 and not t2 and r1 != r2:
        return False  # "Mr. Kemp" is not "Bella Kemp"
    g1 = title_gender(t1) if t1 else None
    g2 = title_gender(t2) if t2 else None
    return g1 is None or g2 is None or g1 == g2
