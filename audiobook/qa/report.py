"""Summarize how a book's quotes were attributed, per chapter and per character, for review and CI gates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from audiobook.model import CERTAIN_EVIDENCE
from audiobook.script import Script
from audiobook.script.attribution.thresholds import UNSURE_CONFIDENCE


@dataclass(frozen=True)
class ChapterStats:
    """How one chapter's quotes got their speakers."""

    chapter: int
    title: str
    quotes: int
    explicit: int  # a tag names the speaker
    inferred: int  # pronoun, alternation, context, or a user's fix
    unattributed: int
    unsure: int = 0  # inferred quotes the attributor gives less than UNSURE_CONFIDENCE of being right

    def share(self, n: int) -> float:
        """n as a share of the chapter's quotes (1.0 for a chapter without quotes)."""
        return n / self.quotes if self.quotes else 1.0


@dataclass(frozen=True)
class Report:
    """The attribution report of a book."""

    title: str
    chapters: tuple[ChapterStats, ...]
    characters: tuple[tuple[str, int], ...]  # name and number of lines, most first
    warnings: tuple[str, ...]

    @property
    def total(self) -> ChapterStats:
        """The whole book as one row."""
        return ChapterStats(0, "all", sum(c.quotes for c in self.chapters), sum(c.explicit for c in self.chapters),
                            sum(c.inferred for c in self.chapters), sum(c.unattributed for c in self.chapters),
                            sum(c.unsure for c in self.chapters))

    @property
    def attributed(self) -> float:
        """The share of the book's quotes that have a speaker."""
        t = self.total
        return t.share(t.explicit + t.inferred)


def attribution_report(script: Script) -> Report:
    """Count, per chapter, the quotes attributed by an explicit tag, by inference, and not at all."""
    rows = []
    for chapter in script.chapters:
        # A quote split by its tag ("...," said she, "...") is one quote: its pieces share paragraph and speaker.
        quotes: dict[tuple[int, str | None], tuple[str | None, float | None]] = {}
        for s in script.segments:
            if s.chapter == chapter.index and s.kind == "dialogue":
                quotes.setdefault((s.paragraph, s.speaker), (s.evidence, s.confidence))
        kinds = Counter(
            "unattributed" if speaker is None else "explicit" if evidence == "explicit" else "inferred"
            for (_paragraph, speaker), (evidence, _sure) in quotes.items()
        )
        unsure = sum(speaker is not None and evidence not in CERTAIN_EVIDENCE and sure is not None
                     and sure < UNSURE_CONFIDENCE for (_paragraph, speaker), (evidence, sure) in quotes.items())
        rows.append(ChapterStats(chapter.index, chapter.title, sum(kinds.values()), kinds["explicit"],
                                 kinds["inferred"], kinds["unattributed"], unsure))
    lines = Counter(s.speaker for s in script.segments if s.kind == "dialogue" and s.speaker)
    characters = tuple(sorted(lines.items(), key=lambda kv: (-kv[1], kv[0])))
    return Report(script.title, tuple(rows), characters, script.warnings)


def report_text(report: Report) -> str:
    """The report as a table for a terminal or a CI log."""
    headline = (f"{report.total.quotes} quotes, {100 * report.attributed:.1f} % attributed" if report.total.quotes
                else "no quotes (all narration)")
    out = [f"{report.title}: {headline}", "",
           f"{'chapter':<40} {'quotes':>6} {'explicit':>9} {'inferred':>9} {'unattrib.':>9} {'unsure':>9}"]
    for row in (*report.chapters, report.total):
        label = "ALL" if row.chapter == 0 else f"{row.chapter}. {row.title}"
        # A chapter without quotes has no shares to show, not three times 100 %.
        shares = [f"{100 * row.share(n):>8.1f}%" if row.quotes else f"{'—':>9}"
                  for n in (row.explicit, row.inferred, row.unattributed, row.unsure)]
        out.append(f"{label[:40]:<40} {row.quotes:>6} " + " ".join(shares))
    out += ["", f"unsure: inferred quotes the attributor gives less than a {100 * UNSURE_CONFIDENCE:.0f} % chance of "
            "being right; `audiobook review` marks them", "", "characters (lines):"]
    out += [f"  {name:<32} {n:>6}" for name, n in report.characters] or ["  (none speaks)"]
    return "\n".join(out)


def report_json(report: Report) -> dict[str, object]:
    """The report as plain data for `--format json`."""
    def row(c: ChapterStats) -> dict[str, object]:
        return {"chapter": c.chapter, "title": c.title, "quotes": c.quotes, "explicit": c.explicit,
                "inferred": c.inferred, "unattributed": c.unattributed, "unsure": c.unsure}

    return {"book": report.title, "attributed": round(report.attributed, 4), "total": row(report.total),
            "chapters": [row(c) for c in report.chapters],
            "characters": [{"name": n, "lines": k} for n, k in report.characters],
            "warnings": list(report.warnings)}
