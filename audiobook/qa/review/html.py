"""The review site's HTML: a chapter as a script, and the book's overview; plain strings, escaped."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from html import escape

from audiobook.model import Voice
from audiobook.qa.report import Report
from audiobook.qa.review.pages import ChapterView, Colour, Row
from audiobook.script import Script
from audiobook.script.attribution.thresholds import UNSURE_CONFIDENCE

EVIDENCE = {
    "explicit": "explicit tag: a speech tag names the speaker",
    "fix": "user fix: set in voices.yaml",
    "pronoun": "pronoun: a tag says he or she; the speaker is the person it most likely means",
    "nominal": "nominal: a tag names a description (her mother, the old man); the speaker is who it most likely means",
    "vocative": "vocative: a reply to a line that calls this character by name",
    "paragraph": "paragraph: the narration of the same paragraph names this character",
    "alternation": "alternation: the speakers of a back-and-forth take turns",
    "lead": "lead: the subject of the narration just before opens the conversation",
    "bridge": "bridge: the conversation goes on between the same people after a short narration",
    "recency": "recency: no rule placed it; the character named or heard last, not the one who just spoke",
    "ranked": "ranked: the learned ranker found this character likelier than the rules' pick",
}
BARS = 10  # characters with their own colour in the chart; the rest are "others"


def _head(title: str, data: dict[str, object]) -> str:
    # JSON in a script element: "</" would end the element early, so it is escaped.
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{escape(title)}</title>\n'
            f'<link rel="stylesheet" href="assets/review.css">\n'
            f'<script type="application/json" id="review-data">{payload}</script>\n'
            f'<script src="assets/review.js" defer></script>\n</head>\n<body>\n'
            f'<a class="skip" href="#main">Skip to the content</a>\n')


def _data(script: Script, key: str, chapter: int | None, counts: Counter[str]) -> dict[str, object]:
    cast = [name for name, _ in counts.most_common()] + sorted(set(script.casting.roles) - set(counts))
    return {"key": key, "book": script.title, "chapter": chapter, "cast": cast}


def _fixes_panel() -> str:
    return ('<details class="fixes" id="fixes">\n<summary>Fixes to paste into voices.yaml '
            '(<span class="fix-count">0</span>)</summary>\n'
            '<p>Click a speaker\'s name to change who says a line. The fixes collect here, for every chapter; '
            'add them to voices.yaml (under one <code>fixes:</code>) and render again.</p>\n'
            '<label for="fix-yaml">fixes: YAML</label>\n'
            '<textarea id="fix-yaml" rows="10" readonly spellcheck="false"></textarea>\n'
            '<p><button type="button" class="fix-copy">Copy</button> '
            '<button type="button" class="fix-download">Download fixes.yaml</button> '
            '<button type="button" class="fix-clear">Clear all fixes</button> '
            '<span class="fix-status" role="status"></span></p>\n</details>\n')


def _fix_dialog() -> str:
    return ('<dialog id="fix-dialog" aria-labelledby="fix-title">\n<form method="dialog">\n'
            '<h2 id="fix-title">Who says this line?</h2>\n<p class="fix-line"></p>\n'
            '<label for="fix-speaker">Speaker</label>\n<select id="fix-speaker"></select>\n'
            '<p><button value="ok" class="primary">Use this speaker</button> '
            '<button value="remove">Undo my fix</button> <button value="cancel">Cancel</button></p>\n'
            '</form>\n</dialog>\n')


def _row(row: Row, colours: dict[str, Colour], new_paragraph: bool) -> str:
    flag = row.flag
    classes = ["line", row.kind] + ([flag] if flag else [])
    attrs = [f'id="l{row.index}"', f'data-i="{row.index}"', f'data-p="{row.paragraph}"',
             f'data-who="{escape(row.who)}"']
    if row.start is not None and row.end is not None:
        attrs += [f'data-s="{row.start:g}"', f'data-e="{row.end:g}"']
    if row.quote is not None:
        attrs.append(f'data-q="{escape(row.quote)}"')
    if row.occurrence != 1:
        attrs.append(f'data-o="{row.occurrence}"')
    colour = colours.get(row.who) if row.kind == "dialogue" else None
    if colour:
        attrs.append(f'style="--tint:{colour.tint};--ink:{colour.ink}"')
    play = (f'<button type="button" class="play" aria-label="Play line {row.index}">'
            f'<span aria-hidden="true">▶</span></button>' if row.start is not None else "")
    if row.kind == "title":
        return (f'<li class="{" ".join(classes)}" {" ".join(attrs)}><div class="margin"></div>'
                f'<div class="text">{play}<h1>{escape(row.text)}</h1></div></li>')
    if new_paragraph:
        classes.append("para")
    evidence = EVIDENCE.get(row.evidence or "", row.evidence or "")
    if flag == "unattributed":
        evidence = "unattributed: no rule found a speaker; the narrator reads it"
    label = {"unattributed": "? unattributed", "inferred": "≈ inferred"}.get(flag or "", "")
    if flag == "inferred" and row.confidence is not None:
        sure = f"{100 * row.confidence:.0f} %"
        evidence += f" ({sure} likely)"
        label = f"{'? unsure' if row.confidence < UNSURE_CONFIDENCE else '≈ inferred'} · {sure}"
    note = f'<span class="flag">{label}</span>' if label else ""
    name = "unknown" if flag == "unattributed" else row.who
    desc = f"{name}" + (f", {evidence}" if evidence else "") + ". Change the speaker"
    ev = f'<span class="ev">{escape(evidence)}</span>' if evidence else ""
    return (f'<li class="{" ".join(classes)}" {" ".join(attrs)}><div class="margin">'
            f'<button type="button" class="who" aria-haspopup="dialog" aria-label="{escape(desc)}">'
            f'{escape(name)}</button>{note}</div>'
            f'<div class="text">{play}<span class="words">{escape(row.text)}</span>{ev}</div></li>')


def chapter_page(script: Script, view: ChapterView, nav: tuple[str | None, str | None],
                 colours: dict[str, Colour], key: str, counts: Counter[str]) -> str:
    """One chapter as a script: narration plain, each speaker tinted, flags, play buttons and the fix tools."""
    ch = view.chapter
    flagged = sum(1 for r in view.rows if r.flag)
    prev = f'<a href="{nav[0]}" rel="prev">← Previous chapter</a>' if nav[0] else ""
    nxt = f'<a href="{nav[1]}" rel="next">Next chapter →</a>' if nav[1] else ""
    if view.audio:
        player = (f'<audio id="player" controls preload="metadata" src="{escape(view.audio)}" '
                  f'aria-label="Chapter {ch.index} audio"></audio>\n'
                  '<label><input type="checkbox" id="follow" checked> Follow the audio</label>\n')
    else:
        player = '<p class="noaudio">No rendered audio for this chapter: render the book to hear its lines.</p>\n'
    rows = "\n".join(_row(r, colours, n > 0 and r.paragraph != view.rows[n - 1].paragraph)
                     for n, r in enumerate(view.rows))
    return (_head(f"{ch.index}. {ch.title} — {script.title} — review", _data(script, key, ch.index, counts))
            + f'<header>\n<nav aria-label="Chapters"><a href="index.html">Overview</a> {prev} {nxt}</nav>\n'
            f'<p class="book">{escape(script.title)} · chapter {ch.index} of {len(script.chapters)}</p>\n'
            f'<div class="toolbar">\n{player}'
            f'<button type="button" id="next-flag" aria-keyshortcuts="n">Next flagged line</button>\n'
            f'<span class="stats">{len(view.rows)} lines, {flagged} flagged</span>\n</div>\n</header>\n'
            f'<main id="main">\n<ol class="script" aria-label="The chapter as a script">\n{rows}\n</ol>\n'
            + _fixes_panel() + _keys() + "</main>\n" + _fix_dialog() + "</body>\n</html>\n")


def _keys() -> str:
    return ('<p class="keys">Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous line, <kbd>p</kbd> play the line, '
            '<kbd>s</kbd> change its speaker, <kbd>n</kbd> next flagged line, <kbd>Esc</kbd> stop.</p>\n')


def _voice_text(voice: Voice) -> str:
    """How the overview names a voice: the engine's voice or model, rate and pitch."""
    engine = getattr(voice, "engine", "espeak")  # voices of other engines name a model instead of an id
    model = getattr(voice, "model", None)
    name = f"{engine} {model}" if engine != "espeak" and model else voice.voice
    return f"{name}, {voice.rate} wpm, pitch {voice.pitch}"


def _sample(name: str, views: Sequence[ChapterView]) -> str:
    """A play button for one of the character's lines, a mid-length one if there is one."""
    lines = [(v, r) for v in views if v.audio for r in v.rows if r.who == name and r.start is not None]
    if not lines:
        return ""
    v, r = next(((v, r) for v, r in lines if 6 <= r.words <= 30), lines[0])
    return (f'<button type="button" class="sample" data-src="{escape(v.audio or "")}" data-s="{r.start:g}" '
            f'data-e="{r.end:g}" aria-label="Play a line of {escape(name)}">▶ sample</button>')


def _chart(views: Sequence[ChapterView], top: list[str], colours: dict[str, Colour]) -> str:
    """Per chapter, a bar split by who speaks its dialogue words (inline SVG)."""
    label_w, bar_w, row_h = 260, 600, 20
    out = [f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 70} {row_h * len(views) + 4}" role="img" '
           f'aria-labelledby="chart-title"><title id="chart-title">Who speaks in each chapter, by dialogue words'
           f'</title>']
    for n, v in enumerate(views):
        y = n * row_h + 2
        words: Counter[str] = Counter()
        for r in v.rows:
            if r.kind == "dialogue":
                words[r.who if r.who in top else "others"] += r.words
        total = sum(words.values())
        label = f"{v.chapter.index}. {v.chapter.title}"
        out.append(f'<a href="{v.page}"><text x="{label_w - 6}" y="{y + 14}" text-anchor="end">'
                   f'{escape(label[:38])}</text></a>')
        x = float(label_w)
        for name in [*top, "others"]:
            if not words[name]:
                continue
            w = bar_w * words[name] / total
            fill = colours[name].ink if name in colours and name != "others" else "#767676"
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 4}" fill="{fill}">'
                       f'<title>{escape(name)}: {words[name]} words ({100 * words[name] / total:.0f} %)</title></rect>')
            x += w
        out.append(f'<text x="{label_w + bar_w + 6}" y="{y + 14}">{total}</text>')
    out.append("</svg>")
    return "".join(out)


def _cast_rows(script: Script, views: Sequence[ChapterView], colours: dict[str, Colour],
               counts: Counter[str]) -> list[str]:
    """A table row per speaker, then the narrator: lines, words, share of the book, voice, a sample to play."""
    lines: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for v in views:
        for r in v.rows:
            if r.kind != "title":
                lines[r.who] += 1
                words[r.who] += r.words
    total = sum(words.values()) or 1
    rows = []
    for name in [n for n, _ in counts.most_common()] + ["narrator"]:
        role = script.casting.roles.get(name)
        voice = script.casting.narrator if name == "narrator" else role.voice if role else None
        vtext = _voice_text(voice) if voice else "—"
        swatch = (f'<span class="swatch" style="background:{colours[name].ink}" aria-hidden="true"></span>'
                  if name in colours else "")
        rows.append(f'<tr><th scope="row">{swatch}{escape(name)}</th><td>{lines[name]}</td>'
                    f'<td>{words[name]}</td><td>{100 * words[name] / total:.1f} %</td>'
                    f'<td>{escape(vtext)}</td><td>{_sample(name, views)}</td></tr>')
    return rows


def _chapter_rows(views: Sequence[ChapterView], report: Report) -> list[str]:
    """A table row per chapter: its quotes by how they were attributed, flagged lines, whether it has audio."""
    rows = []
    for v, c in zip(views, report.chapters, strict=True):
        flagged = sum(1 for r in v.rows if r.flag)
        rows.append(f'<tr><th scope="row"><a href="{v.page}">{c.chapter}. {escape(c.title)}</a></th>'
                    f'<td>{c.quotes}</td><td>{c.explicit}</td><td>{c.inferred}</td><td>{c.unattributed}</td>'
                    f'<td>{flagged}</td><td>{"yes" if v.audio else "no"}</td></tr>')
    return rows


def overview_page(script: Script, views: Sequence[ChapterView], colours: dict[str, Colour], key: str,
                  counts: Counter[str], report: Report, warnings: Sequence[str]) -> str:
    """The book at a glance: the cast with counts, voices and samples, who speaks where, attribution figures."""
    cast_rows = _cast_rows(script, views, colours, counts)
    top = [n for n, _ in counts.most_common(BARS)]
    legend = "".join(f'<li><span class="swatch" style="background:{colours[n].ink}" aria-hidden="true"></span>'
                     f"{escape(n)}</li>" for n in top)
    legend += '<li><span class="swatch" style="background:#767676" aria-hidden="true"></span>others</li>'
    t = report.total
    ch_rows = _chapter_rows(views, report)
    notes = "".join(f"<li>{escape(w)}</li>" for w in [*report.warnings, *warnings])
    audio = '<audio id="player" controls preload="none" aria-label="Sample line"></audio>\n' if any(
        v.audio for v in views) else ""
    return (_head(f"{script.title} — review", _data(script, key, None, counts))
            + f'<header>\n<h1>{escape(script.title)}</h1>\n<p class="book">Review of {escape(script.source.name)}: '
            f'{len(views)} chapters, {len(counts)} speaking characters.</p>\n{audio}</header>\n<main id="main">\n'
            + (f'<section aria-labelledby="warn-h"><h2 id="warn-h">Warnings</h2><ul>{notes}</ul></section>\n'
               if notes else "")
            + '<section aria-labelledby="cast-h">\n<h2 id="cast-h">Cast</h2>\n<table class="cast">\n<thead><tr>'
            '<th scope="col">Character</th><th scope="col">Lines</th><th scope="col">Words</th>'
            '<th scope="col">Share of the book</th><th scope="col">Voice</th><th scope="col">Sample</th></tr></thead>\n'
            f'<tbody>\n{chr(10).join(cast_rows)}\n</tbody>\n</table>\n</section>\n'
            '<section aria-labelledby="chart-h">\n<h2 id="chart-h">Who speaks in each chapter</h2>\n'
            f'<ul class="legend">{legend}</ul>\n{_chart(views, top, colours)}\n</section>\n'
            '<section aria-labelledby="report-h">\n<h2 id="report-h">Attribution</h2>\n'
            f'<p class="figures">{t.quotes} quotes, <strong>{100 * report.attributed:.1f} %</strong> attributed: '
            f'{100 * t.share(t.explicit):.1f} % by an explicit tag, {100 * t.share(t.inferred):.1f} % inferred, '
            f'{100 * t.share(t.unattributed):.1f} % unattributed.</p>\n<table class="chapters">\n<thead><tr>'
            '<th scope="col">Chapter</th><th scope="col">Quotes</th><th scope="col">Explicit</th>'
            '<th scope="col">Inferred</th><th scope="col">Unattributed</th><th scope="col">Flagged lines</th>'
            f'<th scope="col">Audio</th></tr></thead>\n<tbody>\n{chr(10).join(ch_rows)}\n</tbody>\n</table>\n'
            "</section>\n" + _fixes_panel() + "</main>\n</body>\n</html>\n")
