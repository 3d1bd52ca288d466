#!/usr/bin/env python3
"""Attribution scored leave-one-novel-out and in-sample, in three quote styles, with the PDNC scorer.

For each quote style (straight: the novels as given; curly: “ ” and ‘ ’; british: ‘dialogue’ with “inner”
quotes, see scripts/typographic_corpus.py) it runs `../shared/eval/score_attribution.py --mode both` on every
novel and prints the scorer's ALL (micro) line for each mode, in-sample and leave-one-out side by side:

    python scripts/train_ranker.py --loo-dir /tmp/loo          # one weights file per held-out novel
    python scripts/evaluate_attribution.py [--novels ../shared/pdnc] [--styles straight,curly,british]
                                           [--weights-dir /tmp/loo --weights-env AUDIOBOOK_RANKER_WEIGHTS]

In-sample: the attributor as shipped (its ranker fitted on every novel) scores every novel. Leave-one-out: each
novel N is scored with the environment variable named by `--weights-env` set to `<weights-dir>/N.json`, the
ranker's weights fitted on the other novels (straight quotes, as shipped); the counts of all novels are then
added up (micro average), as the scorer does. Without `--weights-dir` only the in-sample figures are printed,
which is leave-one-out for whatever is not fitted to the novels. Nothing is written inside the project.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from typographic_corpus import british, curl  # noqa: E402

STYLES = {"straight": None, "curly": curl, "british": british}
MODES = ("cast", "discovery")
KINDS = ("all", "explicit", "anaphoric", "implicit")


def corpus(novels: list[Path], style: str, out: Path) -> list[Path]:
    """The novels in one quote style: the originals, or converted copies under `out` (offsets unchanged)."""
    convert = STYLES[style]
    if convert is None:
        return novels
    copies = []
    for novel in novels:
        target = out / style / novel.name
        target.mkdir(parents=True, exist_ok=True)
        (target / "novel_text.txt").write_text(convert((novel / "novel_text.txt").read_text(encoding="utf-8")),
                                              encoding="utf-8")
        (target / "gold.json").write_bytes((novel / "gold.json").read_bytes())
        copies.append(target)
    return copies


def score(scorer: Path, novels: list[Path], out: Path, env: dict[str, str] | None = None
          ) -> dict[str, dict[str, object]]:
    """The scorer's JSON for these novels (both modes, its own segmenter commands)."""
    report = out / "score.json"
    args = [sys.executable, str(scorer), "--mode", "both", "--json", str(report), *map(str, novels)]
    done = subprocess.run(args, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})})
    if done.returncode or not report.exists():
        sys.exit(f"the scorer failed on {', '.join(n.name for n in novels)}:\n{done.stderr[-2000:]}")
    result: dict[str, dict[str, object]] = json.loads(report.read_text(encoding="utf-8"))
    return result


def micro(per_novel: list[dict[str, object]]) -> dict[str, float]:
    """Span recall and speaker accuracy by kind, from per-novel results added up."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    span = [0, 0]
    for r in per_novel:
        speaker = r["speaker"]
        assert isinstance(speaker, dict)
        for kind, v in speaker.items():
            counts[kind][0] += v["correct"]
            counts[kind][1] += v["total"]
        subspans = int(r["gold_subspans"])  # type: ignore[call-overload]
        span[0] += round(float(r["span_recall"]) * subspans)  # type: ignore[arg-type]
        span[1] += subspans
    out = {kind: 100 * c / t if t else 0.0 for kind, (c, t) in counts.items()}
    out["span_recall"] = 100 * span[0] / span[1] if span[1] else 0.0
    return out


def leave_one_out(scorer: Path, novels: list[Path], weights: Path, variable: str, out: Path
                  ) -> dict[str, dict[str, float]]:
    """Each novel scored with the weights fitted without it (weights/<novel>.json); the counts of all novels added
    up, per mode."""
    per_mode: dict[str, list[dict[str, object]]] = {m: [] for m in MODES}
    for novel in novels:
        fitted = weights / f"{novel.name}.json"
        if not fitted.exists():
            sys.exit(f"no weights fitted without {novel.name}: {fitted}")
        held_out = score(scorer, [novel], out, {variable: str(fitted)})
        for m in MODES:
            per_mode[m].append(held_out[m][novel.name])  # type: ignore[arg-type]
    return {m: micro(rows) for m, rows in per_mode.items()}


def line(name: str, figures: dict[str, float]) -> str:
    return f"{name:34} {figures['span_recall']:6.1f} " + " ".join(f"{figures.get(k, 0.0):6.1f}" for k in KINDS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--novels", type=Path, default=ROOT.parent / "shared" / "pdnc")
    parser.add_argument("--scorer", type=Path)
    parser.add_argument("--styles", default="straight,curly,british")
    parser.add_argument("--weights-dir", type=Path, help="a folder of <novel>.json, each fitted without that novel")
    parser.add_argument("--weights-env", help="the environment variable that tells `audiobook segment` a weights "
                        "file; needs --weights-dir")
    args = parser.parse_args()
    if bool(args.weights_dir) != bool(args.weights_env):
        parser.error("--weights-dir and --weights-env go together")
    scorer = args.scorer or args.novels.parent / "eval" / "score_attribution.py"
    novels = sorted(p for p in args.novels.iterdir() if (p / "gold.json").exists())
    print(f"{len(novels)} novels; columns: span recall, speaker accuracy all / explicit / anaphoric / implicit (%)")
    with tempfile.TemporaryDirectory() as tmp:
        for style in args.styles.split(","):
            work = Path(tmp) / style
            work.mkdir()
            texts = corpus(novels, style, Path(tmp))
            in_sample = score(scorer, texts, work)
            loo = (leave_one_out(scorer, texts, args.weights_dir, args.weights_env, work) if args.weights_dir
                   else None)
            for mode in MODES:
                rows = [v for k, v in in_sample[mode].items() if not k.startswith("_")]
                print(line(f"{style} {mode} in-sample", micro(rows)))  # type: ignore[arg-type]
                if loo is not None:
                    print(line(f"{style} {mode} leave-one-out", loo[mode]))
            if loo is None:
                print(f"{style}: nothing is fitted to the novels (no --weights-dir), so leave-one-out = in-sample")
    return 0


if __name__ == "__main__":
    sys.exit(main())
