"""Load and validate voices.yaml, and give every speaking character a distinct voice."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from audiobook.errors import CastingError
from audiobook.model import Casting, Character, Fix, Gender, Role, Voice

_PACKAGE = Path(__file__).resolve().parent.parent  # audiobook/: the wheel installs voices/ into it
VOICES_DIR = next((p for p in (_PACKAGE / "voices", _PACKAGE.parent / "voices") if p.is_dir()), _PACKAGE / "voices")
DEFAULT_CASTING = VOICES_DIR / "default.yaml"
CATALOG = VOICES_DIR / "catalog.yaml"

# Checks a voice id; returns None if the engine has it, else the sentence to show the user.
VoiceCheck = Callable[[str], "str | None"]

_VOICE_KEYS = ("voice", "rate", "pitch", "volume", "engine", "model", "speaker", "noise_scale")
_PIPER_KEYS = ("model", "speaker", "noise_scale")
_ALLOWED = {
    "": ("narrator", "characters", "fixes", "preset", "pauses", "lexicon"),
    "pauses": ("title", "paragraph", "sentence", "comma", "speaker_change", "scene_break", "chapter_end"),
    "fix": ("chapter", "quote", "text", "speaker", "occurrence"),
    "narrator": ("name", *_VOICE_KEYS),
    "character": (*_VOICE_KEYS, "aliases", "gender", "lexicon"),
}
_MAX_NODES = 50_000  # YAML aliases can expand a small file into billions of nodes


def load_casting(path: Path | None = None, check_voice: VoiceCheck | None = None) -> Casting:
    """Read voices.yaml over the bundled default; raise CastingError naming file, line, key and what is allowed."""
    check = check_voice or espeak_voice_check
    default, _ = NodeLoader(DEFAULT_CASTING, check).casting(compose_yaml(DEFAULT_CASTING))
    if path is None:
        return default
    loaded, has_narrator = NodeLoader(path, check).casting(compose_yaml(path))
    if not has_narrator:
        return replace(default, roles=loaded.roles, source=str(path), fixes=loaded.fixes, preset=loaded.preset,
                       pauses=loaded.pauses, lexicon=loaded.lexicon)
    return loaded


def espeak_voice_check(voice_id: str) -> str | None:
    """Check a voice id against the eSpeak NG voices and variants on this machine."""
    from audiobook.tts.espeak import list_voices, normalize_voice_id

    voices = list_voices()
    languages = {v.id for v in voices if v.kind == "language"}
    variants = {v.id.lower() for v in voices if v.kind == "variant"}
    language, plus, variant = normalize_voice_id(voice_id).partition("+")
    if language not in languages:
        close = _close_matches(language, languages, cutoff=0.6)
        hint = f"; close matches: {', '.join(close)}" if close else ""
        return f"eSpeak NG has no voice {language!r}{hint} (run `audiobook voices` for the list)"
    if plus and variant not in variants:
        close = _close_matches(variant, variants, cutoff=0.5)
        hint = f"; close matches: {', '.join(close)}" if close else ""
        return f"eSpeak NG has no voice variant {variant!r}{hint} (run `audiobook voices` for the list)"
    return None


def _close_matches(word: str, options: Iterable[str], cutoff: float) -> list[str]:
    """The three options most like `word`, ties in alphabetical order."""
    scored = [(difflib.SequenceMatcher(None, word, o).ratio(), o) for o in options]
    return [o for r, o in sorted(scored, key=lambda ro: (-ro[0], ro[1])) if r >= cutoff][:3]


def compose_yaml(path: Path) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CastingError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CastingError(f"{path}: is a directory, not a voices.yaml file") from None
    except UnicodeDecodeError as exc:
        raise CastingError(f"{path}: not UTF-8 text (byte offset {exc.start})") from None
    except OSError as exc:
        raise CastingError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise CastingError(f"{path}{line}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise CastingError(f"{path}: not valid YAML: {exc}") from None


class NodeLoader:
    """Walks the YAML node tree so that every error can name its line."""

    def __init__(self, path: Path, check_voice: VoiceCheck) -> None:
        self.path = path
        self.check_voice = check_voice
        self.nodes = 0

    def where(self, node: yaml.Node | None, key: str) -> str:
        line = f", line {node.start_mark.line + 1}" if node is not None else ""
        return f"{self.path}{line}: {key}: " if key else f"{self.path}{line}: "

    def mapping(self, node: yaml.Node | None, key: str, allowed: tuple[str, ...],
                free_keys: bool = False) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Return {key: (key node, value node)}; unknown or repeated keys are errors."""
        if not isinstance(node, yaml.MappingNode):
            raise CastingError(self.where(node, key) + f"must be a mapping with keys: {', '.join(allowed)}")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for knode, vnode in node.value:
            self.nodes += 1
            if self.nodes > _MAX_NODES:
                raise CastingError(f"{self.path}: too large (over {_MAX_NODES} entries, or an alias bomb)")
            if not isinstance(knode, yaml.ScalarNode) or not knode.value.strip():
                raise CastingError(self.where(knode, key) + "keys must be non-empty names")
            name = knode.value
            full = f"{key}.{name}" if key else name
            if not free_keys and name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise CastingError(self.where(knode, full) + f"unknown key{hint}; allowed: {', '.join(allowed)}")
            if name in out:
                raise CastingError(self.where(knode, full) + "appears twice")
            out[name] = (knode, vnode)
        return out

    def casting(self, root: yaml.Node | None) -> tuple[Casting, bool]:
        """Return the casting and whether the file names a narrator."""
        if root is None:
            raise CastingError(f"{self.path}: is empty; give `narrator:` and/or `characters:`")
        top = self.mapping(root, "", _ALLOWED[""])
        narrator, narrator_name = Voice("gmw/en-us"), "eSpeak NG"
        if "narrator" in top:
            fields = self.mapping(top["narrator"][1], "narrator", _ALLOWED["narrator"])
            narrator = self.voice(fields, "narrator", top["narrator"][1], required=True)
            narrator_name = self.string(fields["name"][1], "narrator.name") if "name" in fields else narrator.voice
        roles: dict[str, Role] = {}
        if "characters" in top and not _is_null(top["characters"][1]):
            chars = self.mapping(top["characters"][1], "characters", (), free_keys=True)
            claimed: dict[str, str] = {}
            for name, (_knode, vnode) in chars.items():
                roles[name] = self.role(name, vnode, claimed)
        fixes = self.fixes(top["fixes"][1]) if "fixes" in top and not _is_null(top["fixes"][1]) else ()
        preset = None
        if "preset" in top:
            from audiobook.audio.loudness import PRESETS

            pnode = top["preset"][1]
            preset = self.string(pnode, "preset")
            if preset not in PRESETS:
                raise CastingError(self.where(pnode, "preset") + f"{preset!r} is not allowed; use one of "
                                   + ", ".join(PRESETS))
        pauses: list[tuple[str, int]] = []
        if "pauses" in top and not _is_null(top["pauses"][1]):
            fields = self.mapping(top["pauses"][1], "pauses", _ALLOWED["pauses"])
            for name in fields:
                value = self.number(fields, "pauses", name, 0, 10_000, whole=True,
                                    what="milliseconds, a whole number from 0 to 10000")
                pauses.append((name, int(value or 0)))
        lexicon = self.lexicon(top["lexicon"][1], "lexicon") if "lexicon" in top else ()
        casting = Casting(narrator, roles, str(self.path), narrator_name, fixes, preset, tuple(pauses), lexicon)
        return casting, "narrator" in top

    def fixes(self, node: yaml.Node) -> tuple[Fix, ...]:
        """The `fixes:` list: each entry pins a quote's speaker or marks a stretch of text."""
        if not isinstance(node, yaml.SequenceNode):
            raise CastingError(self.where(node, "fixes") + "must be a list of fixes, each with chapter, speaker "
                               "and quote (its opening words) or text (an exact stretch)")
        out = []
        for i, entry in enumerate(node.value):
            key = f"fixes[{i + 1}]"
            fields = self.mapping(entry, key, _ALLOWED["fix"])
            for needed in ("chapter", "speaker"):
                if needed not in fields:
                    raise CastingError(self.where(entry, key) + f"needs `{needed}:`")
            if ("quote" in fields) == ("text" in fields):
                raise CastingError(self.where(entry, key) + "needs exactly one of `quote:` (a quote's opening words) "
                                   "or `text:` (an exact stretch of the chapter)")
            chapter = self.number(fields, key, "chapter", 1, 100_000, whole=True, what="a chapter number, 1 or more")
            occurrence = self.number(fields, key, "occurrence", 1, 100_000, whole=True, what="1 or more")
            which = "quote" if "quote" in fields else "text"
            out.append(Fix(
                chapter=int(chapter or 1),
                speaker=self.string(fields["speaker"][1], f"{key}.speaker").strip(),
                quote=self.string(fields["quote"][1], f"{key}.quote").strip() if which == "quote" else None,
                text=self.string(fields["text"][1], f"{key}.text") if which == "text" else None,
                occurrence=int(occurrence or 1),
                line=entry.start_mark.line + 1,
            ))
        return tuple(out)

    def role(self, name: str, node: yaml.Node, claimed: dict[str, str]) -> Role:
        key = f"characters.{name}"
        fields = {} if _is_null(node) else self.mapping(node, key, _ALLOWED["character"])
        aliases: list[str] = []
        if "aliases" in fields:
            anode = fields["aliases"][1]
            if not isinstance(anode, yaml.SequenceNode):
                raise CastingError(self.where(anode, key + ".aliases") + "must be a list of names, like [Nell, Nellie]")
            aliases = [self.string(a, f"{key}.aliases") for a in anode.value]
        for alias in (name, *aliases):
            owner = claimed.setdefault(alias, name)
            if owner != name:
                where = self.where(fields["aliases"][1] if "aliases" in fields else node, key + ".aliases")
                raise CastingError(
                    where + f"{alias!r} is already a name or alias of {owner!r}; a name can belong to one character"
                )
        gender: Gender | None = None
        if "gender" in fields:
            value = self.string(fields["gender"][1], key + ".gender").lower()
            if value not in ("female", "male"):
                where = self.where(fields["gender"][1], key + ".gender")
                raise CastingError(where + f"{value!r} is not allowed; use female or male")
            gender = "female" if value == "female" else "male"
        character = Character(name, tuple(a for a in aliases if a != name), gender)
        lexicon = self.lexicon(fields["lexicon"][1], key + ".lexicon") if "lexicon" in fields else ()
        if "voice" in fields or "engine" in fields:
            return Role(character, self.voice(fields, key, node, required=True), lexicon=lexicon)
        partial = self.voice(fields, key, node, required=False)
        return Role(character, None,
                    rate=partial.rate if "rate" in fields else None,
                    pitch=partial.pitch if "pitch" in fields else None,
                    volume=partial.volume if "volume" in fields else None, lexicon=lexicon)

    def lexicon(self, node: yaml.Node, key: str) -> tuple[tuple[str, str], ...]:
        """`word: pronunciation` pairs: a respelling (kooz-NYET-so-va), [[eSpeak phonemes]] or plain words."""
        from audiobook.text.lexicon import lexicon_error

        if _is_null(node):
            return ()
        out = []
        for word, (_knode, vnode) in self.mapping(node, key, (), free_keys=True).items():
            value = _scalar(vnode)
            problem = lexicon_error(word, value)
            if problem:
                raise CastingError(self.where(vnode, f"{key}.{word}") + problem.removeprefix(f"{word}: "))
            out.append((word, str(value)))
        return tuple(out)

    def voice(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, node: yaml.Node,
              required: bool) -> Voice:
        """Build a Voice from its fields (eSpeak NG or Piper), checking each against what is allowed."""
        engine = "espeak"
        if "engine" in fields:
            enode = fields["engine"][1]
            engine = self.string(enode, key + ".engine")
            if engine not in ("espeak", "piper"):
                where = self.where(enode, key + ".engine")
                raise CastingError(where + f"{engine!r} is not allowed; use espeak or piper")
        if engine == "piper":
            return self.piper_voice(fields, key, node)
        for piper_only in _PIPER_KEYS:
            if piper_only in fields:
                raise CastingError(self.where(fields[piper_only][1], f"{key}.{piper_only}")
                                   + "goes with `engine: piper` only")
        voice_id = "gmw/en-us"
        if "voice" in fields:
            vnode = fields["voice"][1]
            voice_id = self.string(vnode, key + ".voice")
            problem = self.check_voice(voice_id)
            if problem:
                raise CastingError(self.where(vnode, key + ".voice") + problem)
        elif required:
            raise CastingError(self.where(node, key) + "needs a `voice:` (an eSpeak NG voice id such as gmw/en-us+f3)")
        rate, pitch, volume = self.settings(fields, key)
        return Voice(voice_id.strip(), rate, pitch, volume)

    def settings(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str) -> tuple[int, int, float]:
        """rate, pitch and volume, with their defaults."""
        rate = self.number(fields, key, "rate", 80, 450, whole=True,
                           what="words per minute, a whole number from 80 to 450")
        pitch = self.number(fields, key, "pitch", 0, 100, whole=True, what="a whole number from 0 to 100")
        volume = self.number(fields, key, "volume", 0, 1, whole=False,
                             what="a number above 0 and at most 1", exclusive_low=True)
        return (int(rate if rate is not None else 175), int(pitch if pitch is not None else 50),
                float(volume if volume is not None else 1.0))

    def piper_voice(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, node: yaml.Node) -> Voice:
        """A Piper voice: `model:` a bundled voice's name or a .onnx path (relative to voices.yaml)."""
        from audiobook.tts.piper import BUNDLED, model_problem

        if "model" not in fields:
            raise CastingError(self.where(node, key) + "needs `model:` with `engine: piper` (a bundled voice such as "
                               f"{next(iter(BUNDLED))}, or a path to a .onnx file)")
        mnode = fields["model"][1]
        model = self.string(mnode, key + ".model").strip()
        if model not in BUNDLED and not Path(model).expanduser().is_absolute():
            model = str(self.path.parent / model)
        problem = model_problem(model)
        if problem:
            raise CastingError(self.where(mnode, key + ".model") + problem)
        speaker = self.number(fields, key, "speaker", 0, 10_000, whole=True, what="a whole number, 0 or more")
        noise = self.number(fields, key, "noise_scale", 0, 2, whole=False, what="a number from 0 to 2")
        label = self.string(fields["voice"][1], key + ".voice") if "voice" in fields else f"piper:{Path(model).stem}"
        rate, pitch, volume = self.settings(fields, key)
        return Voice(label, rate, pitch, volume, engine="piper", model=model,
                     speaker=int(speaker) if speaker is not None else None,
                     noise_scale=float(noise) if noise is not None else None)

    def number(self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, name: str, low: float,
               high: float, whole: bool, what: str, exclusive_low: bool = False) -> float | None:
        if name not in fields:
            return None
        node = fields[name][1]
        value = _scalar(node)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and whole and isinstance(value, float):
            ok = value.is_integer()
        if ok:
            assert isinstance(value, int | float)
            ok = (low < value if exclusive_low else low <= value) and value <= high
        if not ok:
            where = self.where(node, f"{key}.{name}")
            raise CastingError(where + f"{_shown(node)} is not allowed; {name} must be {what}")
        assert isinstance(value, int | float)
        return value

    def string(self, node: yaml.Node, key: str) -> str:
        value = _scalar(node)
        if not isinstance(value, str) or not value.strip():
            raise CastingError(self.where(node, key) + f"{_shown(node)} is not allowed; give a non-empty text")
        return value


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return node
    return yaml.SafeLoader("").construct_object(node) if node.tag != "tag:yaml.org,2002:str" else node.value


def _shown(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value) if node.tag == "tag:yaml.org,2002:str" else str(node.value)
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
