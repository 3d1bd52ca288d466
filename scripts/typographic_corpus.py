"""Write a typographic-quote copy of annotated novels, to score attribution on “curly” text too.

The attribution targets are also measured on novels in typographic quotes and in British style. This turns each
folder's novel_text.txt (straight quotes) into one with “ ” and ‘ ’ (`--style curly`), or with ‘ ’ around
dialogue, “ ” around a quote within it and ’ as the apostrophe (`--style british`), one character for one so
every offset in gold.json still holds, and copies gold.json beside it. Nothing is written inside the project:

    python scripts/typographic_corpus.py ../shared/pdnc/* --out /tmp/pdnc-curly
    python scripts/typographic_corpus.py ../shared/pdnc/* --out /tmp/pdnc-british --style british
    python ../shared/eval/score_attribution.py --mode both /tmp/pdnc-curly/*

A quote mark opens when whitespace, a bracket or a dash comes before it and no whitespace after it; any
other closes (an apostrophe is a closing single quote). Texts whose dashes were stripped leave a few
marks the rule cannot tell, so expect a few tenths of a point of difference that is the copy's, not the
attributor's.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

_OPENS_AFTER = "([{—–-\"“'‘"


def curl(text: str) -> str:
    """The text with straight double and single quotes made typographic, one character for one."""
    out = []
    for i, ch in enumerate(text):
        if ch not in "\"'":
            out.append(ch)
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opening = (before.isspace() or before in _OPENS_AFTER) and not after.isspace()
        out.append(("“" if opening else "”") if ch == '"' else ("‘" if opening else "’"))
    return "".join(out)


def british(text: str) -> str:
    """The text in British style: ‘dialogue’, “a quote within it”, ’ the apostrophe; one character for one.

    A straight text's ' is an apostrophe or a quote within a quote: one that opens (as `curl` decides) inside
    dialogue is taken for the inner quote, and the next ' inside that dialogue that ends a word before a space or
    punctuation closes it. The others are apostrophes.
    """
    curly = curl(text)
    out = list(curly)
    inside = False  # within double-quoted dialogue
    inner_open = False
    for i, ch in enumerate(curly):
        if ch in "“”":
            inside = ch == "“"
            inner_open = False
            out[i] = "‘" if ch == "“" else "’"
        elif ch == "‘" and inside and not inner_open:
            out[i], inner_open = "“", True
        elif ch == "’" and inner_open and (i + 1 == len(curly) or not curly[i + 1].isalpha()):
            out[i], inner_open = "”", False
    return "".join(out)


def main() -> int:
    """Convert each novel folder given into --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("novels", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--style", choices=("curly", "british"), default="curly")
    args = parser.parse_args()
    convert = british if args.style == "british" else curl
    for novel in args.novels:
        source = novel / "novel_text.txt"
        if not source.is_file() or not (novel / "gold.json").is_file():
            print(f"Error: {novel}: no novel_text.txt and gold.json", file=sys.stderr)
            return 1
        target = args.out / novel.name
        target.mkdir(parents=True, exist_ok=True)
        partial = target / "novel_text.txt.part"
        partial.write_text(convert(source.read_text(encoding="utf-8")), encoding="utf-8")
        partial.replace(target / "novel_text.txt")
        shutil.copyfile(novel / "gold.json", target / "gold.json")
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
