#!/usr/bin/env python3
"""Where attribution goes wrong: each quote of an annotated novel, scored and explained by the rule that placed it.

Reads a folder in the layout of the shared PDNC corpus (novel_text.txt, and gold.json with "characters" and
"quotes", each quote with its spans, speaker, quote_type and referring_expression) at run time; nothing of it is
copied anywhere. Runs the attributor in-process (no subprocess per novel), in cast mode (a voices.yaml written
from the gold characters into a temporary folder, as the shared scorer does) or in discovery mode.

    python scripts/attribution_errors.py NOVEL_DIR [--discovery] [--type anaphoric] [--show]
                                         [--dump now.tsv] [--compare before.tsv]

Prints accuracy per evidence (the sieve rule that placed the quote) and the commonest confusions; --show prints
each wrong quote with its context; --dump writes one line per quote, and --compare lists the quotes a change
fixed or broke against an earlier dump.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import unicodedata
from bisect import bisect_right
from collections import Counter
from pathlib import Path
from typing import Any

from audiobook.pipeline import plan_book
from audiobook.qa.listing import segments_jsonl

PSEUDO = {"_group", "_narr", "_unknowable"}
GENDER = {"F": "female", "M": "male"}


def _cast_yaml(gold: dict[str, Any]) -> str:
    lines = ["characters:"]
    for ch in gold["characters"]:
        if ch["main_name"] in PSEUDO:
            continue
        lines.append(f"  {json.dumps(ch['main_name'])}:")
        aliases = [a for a in ch["aliases"] if a != ch["main_name"]]
        lines.append("    aliases: [" + ", ".join(json.dumps(a) for a in aliases) + "]")
        if ch.get("gender") in GENDER:
            lines.append(f"    gender: {GENDER[ch['gender']]}")
    return "\n".join(lines) + "\n"


def _content(text: str, s: int, e: int) -> int:
    return sum(1 for c in text[s:e] if not (c.isspace() or unicodedata.category(c).startswith("P")))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("novel", type=Path)
    ap.add_argument("--discovery", action="store_true", help="no cast: the tool finds the characters")
    ap.add_argument("--type", help="only quotes of this PDNC type: explicit, anaphoric, implicit")
    ap.add_argument("--show", action="store_true", help="print each wrong quote in its context")
    ap.add_argument("--dump", type=Path, help="write one tab-separated line per quote")
    ap.add_argument("--compare", type=Path, help="an earlier --dump: list the quotes fixed and broken since")
    args = ap.parse_args()

    gold = json.loads((args.novel / "gold.json").read_text(encoding="utf-8"))
    text = (args.novel / "novel_text.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        cast = None
        if not args.discovery:
            cast = Path(tmp) / "voices.yaml"
            cast.write_text(_cast_yaml(gold), encoding="utf-8")
        segs = [json.loads(line) for line in segments_jsonl(plan_book(args.novel / "novel_text.txt", cast, None))]
    dialogue = sorted((s["start"], s["end"], s) for s in segs if s["kind"] == "dialogue")
    starts = [d[0] for d in dialogue]
    names = {ch["main_name"]: {n.casefold() for n in (ch["main_name"], *ch["aliases"])} for ch in gold["characters"]}

    def right(pred: str | None, who: str) -> bool:
        if not args.discovery:
            return pred == who
        return pred is not None and pred.casefold() in names.get(who, {who.casefold()})

    by_evidence: dict[str | None, list[int]] = {}
    confusions: Counter[tuple[str, str | None, str | None]] = Counter()
    rows: list[str] = []
    for q in gold["quotes"]:
        who = q.get("speaker")
        if not who or who in PSEUDO or (args.type and q.get("quote_type") != args.type):
            continue
        votes: Counter[str | None] = Counter()
        evidence: dict[str | None, str | None] = {}
        for s, e in q["spans"]:
            i = max(0, bisect_right(starts, s) - 1)
            while i < len(dialogue) and dialogue[i][0] < e:
                lo, hi = max(s, dialogue[i][0]), min(e, dialogue[i][1])
                if hi > lo:
                    seg = dialogue[i][2]
                    votes[seg["speaker"]] += _content(text, lo, hi)
                    evidence[seg["speaker"]] = seg.get("evidence")
                i += 1
        pred = votes.most_common(1)[0][0] if votes else None
        ev = evidence.get(pred)
        ok = right(pred, who)
        tally = by_evidence.setdefault(ev, [0, 0])
        tally[0] += ok
        tally[1] += 1
        ref = q.get("referring_expression") or ""
        rows.append(f"{q['id']}\t{q.get('quote_type')}\t{who}\t{pred}\t{ok}\t{ref}\t{q['spans'][0][0]}")
        if not ok:
            confusions[(who, pred, ev)] += 1
            if args.show:
                s0, e0 = q["spans"][0][0], q["spans"][-1][1]
                print(f"--- @{s0} gold={who} said={pred} by={ev} tag={ref!r}")
                print("   ", " ".join(text[max(0, s0 - 250) : e0 + 120].split()))
    total = sum(n for _ok, n in by_evidence.values())
    good = sum(ok for ok, _n in by_evidence.values())
    print(f"{good}/{total} right ({100 * good / max(total, 1):.1f} %)")
    for ev, (ok, n) in sorted(by_evidence.items(), key=lambda kv: -kv[1][1]):
        print(f"  {ev or 'unattributed'}: {ok}/{n}")
    for (who, pred, ev), n in confusions.most_common(15):
        print(f"{n:5d}  {who} taken for {pred} ({ev})")
    if args.dump:
        args.dump.write_text("\n".join(rows) + "\n", encoding="utf-8")
    if args.compare:
        before = {r.split("\t")[0]: r.split("\t") for r in args.compare.read_text(encoding="utf-8").splitlines()}
        for row in rows:
            now = row.split("\t")
            old = before.get(now[0])
            if old is not None and old[4] != now[4]:
                print("FIXED" if now[4] == "True" else "BROKE", f"@{now[6]} {now[1]} gold={now[2]} was={old[3]} "
                      f"now={now[3]} tag={now[5]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
