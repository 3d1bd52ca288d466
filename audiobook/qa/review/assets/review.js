// audiobook review: play a line, follow the audio, and collect `fixes:` for voices.yaml. Plain JS, no network.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var audio = document.getElementById("player");
  var rows = Array.prototype.slice.call(document.querySelectorAll("li.line"));
  var timed = rows.filter(function (r) { return r.hasAttribute("data-s"); });
  var starts = timed.map(function (r) { return parseFloat(r.dataset.s); });
  var stopAt = null, current = null, loop = 0;

  // ---- Playback: one line, exactly its cue; the page follows the audio like karaoke.
  function playRange(src, start, end) {
    if (!audio) return;
    if (src && audio.getAttribute("src") !== src) audio.setAttribute("src", src);
    stopAt = end;
    var go = function () { audio.currentTime = start; audio.play().catch(function () {}); };
    if (audio.readyState >= 1) return go();
    audio.addEventListener("loadedmetadata", go, { once: true });
    audio.preload = "auto";  // the overview's player waits with preload="none" until a sample is asked for
    audio.load();
  }
  function lineAt(t) {  // the last line started at or before t: it stays lit through the pause after it
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 1e-3) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found < 0 ? null : timed[found];
  }
  function tick() {
    var t = audio.currentTime;
    // Stop a frame early rather than late, so that not a sound of the next line is heard.
    if (stopAt !== null && t >= stopAt - 0.025) { audio.pause(); stopAt = null; }
    if (!timed.length) return;
    var row = lineAt(t);
    if (row === current) return;
    if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); }
    current = row;
    if (!row) return;
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    var follow = document.getElementById("follow");
    var box = row.getBoundingClientRect();
    if (follow && follow.checked && (box.top < 120 || box.bottom > window.innerHeight)) {
      row.scrollIntoView({ block: "center" });
    }
  }
  function frame() { tick(); loop = audio.paused ? 0 : requestAnimationFrame(frame); }
  if (audio) {
    audio.addEventListener("play", function () { if (!loop) loop = requestAnimationFrame(frame); });
    audio.addEventListener("pause", function () { stopAt = null; tick(); });
    ["seeked", "timeupdate", "ended"].forEach(function (e) { audio.addEventListener(e, tick); });
  }
  function playRow(row) {
    if (!row || !row.hasAttribute("data-s")) return;
    playRange(null, parseFloat(row.dataset.s), parseFloat(row.dataset.e));
  }
  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("button") : null;
    if (!t) return;
    if (t.classList.contains("play")) playRow(t.closest("li.line"));
    else if (t.classList.contains("sample")) playRange(t.dataset.src, parseFloat(t.dataset.s), parseFloat(t.dataset.e));
    else if (t.classList.contains("who")) openFix(t.closest("li.line"));
  });

  // ---- Fixes: kept in localStorage for the book, shown as the YAML voices.yaml takes.
  function load() {
    try { return JSON.parse(localStorage.getItem(data.key) || "{}"); } catch (err) { return {}; }
  }
  function save(fixes) {
    try { localStorage.setItem(data.key, JSON.stringify(fixes)); } catch (err) { /* private mode: page only */ }
    shown = fixes;
    render();
  }
  var shown = load();
  function scalar(s) {
    var plain = /^[A-Za-z][A-Za-z0-9 ,.'!?;()-]*$/.test(s) && !/ $/.test(s) &&
      !/^(y|n|yes|no|on|off|true|false|null)$/i.test(s);
    return plain ? s : JSON.stringify(s);
  }
  function yaml(fixes) {
    var list = Object.keys(fixes).map(function (k) { return fixes[k]; });
    if (!list.length) return "";
    list.sort(function (a, b) { return a.chapter - b.chapter || a.i - b.i; });
    var out = ["# From audiobook review of " + data.book + ": add to voices.yaml (one fixes: list), then render again.",
      "fixes:"];
    list.forEach(function (f) {
      out.push("  - chapter: " + f.chapter);
      out.push(f.quote !== undefined ? "    quote: " + scalar(f.quote) : "    text: " + scalar(f.text));
      out.push("    speaker: " + scalar(f.speaker));
      if (f.occurrence > 1) out.push("    occurrence: " + f.occurrence);
    });
    return out.join("\n") + "\n";
  }
  function render() {
    var text = yaml(shown);
    var n = Object.keys(shown).length;
    document.querySelectorAll(".fix-count").forEach(function (el) { el.textContent = String(n); });
    var area = document.getElementById("fix-yaml");
    if (area) area.value = text;
    rows.forEach(function (r) {
      var old = r.querySelector(".fixbadge");
      if (old) old.remove();
      r.classList.remove("fixed");
    });
    if (data.chapter === null) return;
    var applied = [];
    Object.keys(shown).forEach(function (k) {
      var f = shown[k];
      if (f.chapter !== data.chapter) return;
      var row = document.getElementById("l" + f.i);
      if (!row) return;
      if (row.dataset.who === f.speaker && row.querySelector(".who") && row.querySelector(".who").textContent === f.speaker) {
        applied.push(k);  // voices.yaml has it now and the pages were made again: nothing left to paste
        return;
      }
      // A quote fix also moves the rest of its paragraph's speech by the same speaker, as fixes.py does.
      var group = [row];
      if (f.quote !== undefined) {
        group = rows.filter(function (r) {
          return r === row || (r.classList.contains("dialogue") && r.dataset.p === row.dataset.p &&
            r.dataset.who === row.dataset.who && +r.dataset.i > +row.dataset.i);
        });
      }
      group.forEach(function (r) {
        r.classList.add("fixed");
        var badge = document.createElement("span");
        badge.className = "fixbadge";
        badge.textContent = "→ " + f.speaker;
        r.querySelector(".margin").appendChild(badge);
      });
    });
    if (applied.length) {
      applied.forEach(function (k) { delete shown[k]; });
      save(shown);
    }
  }
  var status = document.querySelector(".fix-status");
  function say(msg) { if (status) status.textContent = msg; }
  function on(sel, fn) { var el = document.querySelector(sel); if (el) el.addEventListener("click", fn); }
  on(".fix-copy", function () {
    var text = yaml(shown), area = document.getElementById("fix-yaml");
    var fallback = function () { area.select(); document.execCommand("copy"); say("Copied."); };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { say("Copied."); }, fallback);
    else fallback();
  });
  on(".fix-download", function () {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([yaml(shown)], { type: "text/yaml" }));
    a.download = "fixes.yaml";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
  on(".fix-clear", function () { if (window.confirm("Clear all fixes for this book?")) save({}); });
  window.addEventListener("storage", function (e) { if (e.key === data.key) { shown = load(); render(); } });

  var dialog = document.getElementById("fix-dialog"), editing = null;
  function openFix(row) {
    if (!dialog || !row || !row.querySelector("button.who")) return;
    var select = document.getElementById("fix-speaker");
    var fix = shown[data.chapter + ":" + row.dataset.i];
    var who = fix ? fix.speaker : row.dataset.who;
    select.innerHTML = "";
    ["narrator"].concat(data.cast).forEach(function (name) {
      var opt = document.createElement("option");
      opt.value = name;
      opt.textContent = name === "narrator" ? "narrator (read as narration)" : name;
      opt.selected = name === who;
      select.appendChild(opt);
    });
    var words = row.querySelector(".words").textContent;
    dialog.querySelector(".fix-line").textContent = words.length > 160 ? words.slice(0, 157) + "…" : words;
    editing = row;
    dialog.returnValue = "";
    dialog.showModal();
    select.focus();
  }
  if (dialog) dialog.addEventListener("close", function () {
    var row = editing;
    editing = null;
    if (!row) return;
    var id = data.chapter + ":" + row.dataset.i, fixes = load();
    var speaker = document.getElementById("fix-speaker").value;
    if (dialog.returnValue === "remove" || (dialog.returnValue === "ok" && speaker === row.dataset.who)) {
      delete fixes[id];
    } else if (dialog.returnValue === "ok") {
      var f = { chapter: data.chapter, i: +row.dataset.i, speaker: speaker, occurrence: +(row.dataset.o || 1) };
      if (row.hasAttribute("data-q")) f.quote = row.dataset.q;
      else f.text = row.querySelector(".words").textContent;
      if (f.occurrence < 1) { say("This stretch of text cannot be pinned by a fix."); return; }
      fixes[id] = f;
    } else {
      focusRow(row);
      return;
    }
    save(fixes);
    say(Object.keys(fixes).length + " fixes: see the YAML below.");
    focusRow(row);
  });

  // ---- Keyboard: j/k move between lines, p plays, s changes the speaker, n finds the next flagged line.
  function focusRow(row) {
    if (!row) return;
    var target = row.querySelector("button.play") || row.querySelector("button.who");
    if (!target) { row.tabIndex = -1; target = row; }
    target.focus();
    row.scrollIntoView({ block: "nearest" });
  }
  function here() {
    var a = document.activeElement;
    return (a && a.closest && a.closest("li.line")) || current;
  }
  function step(dir, test) {
    var at = rows.indexOf(here());
    for (var n = at + dir; n >= 0 && n < rows.length; n += dir) {
      if (!test || test(rows[n])) return focusRow(rows[n]);
    }
  }
  var flagged = function (r) { return r.classList.contains("unattributed") || r.classList.contains("inferred"); };
  on("#next-flag", function () { step(1, flagged); });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || (dialog && dialog.open)) return;
    if (/^(INPUT|SELECT|TEXTAREA|AUDIO)$/.test(e.target.tagName || "")) return;
    var key = e.key;
    if (key === "j") step(1);
    else if (key === "k") step(-1);
    else if (key === "n") step(1, flagged);
    else if (key === "p") playRow(here());
    else if (key === "s") openFix(here());
    else if (key === "Escape" && audio) audio.pause();
    else return;
    e.preventDefault();
  });
  render();
})();
