r"""Whether OpenCC's script conversion can change a page at all, told by one ``re`` scan.

read_text converts every page (rules/reading.yaml ``convert``: t2s), ≈ 250 instructions a character
in OpenCC and the UTF-8 round trip, though most pages are simplified script already and come out
unchanged. OpenCC replaces a stretch of text only where a key of its dictionaries stands there, and
a key whose first value is the key itself changes nothing; so a page that holds, for every key
that does change something, at least one character missing from the page comes out as it went in.
``marks`` are such characters, one a changing key at least: every single-character key that
changes, and for a longer key none of whose characters is one of those, the first character that
its value replaces (回覆 → 回复: 覆). A page with no mark is not converted — the same text, exactly.

The marks of a configuration are read off the installed OpenCC's own dictionaries (its
``opencc_dict`` tool writes them as text) and kept in pipeline/opencc_marks.py (``python -m
pipeline.scriptgate t2s`` writes it; tests/test_speed25_pre25.py holds it to the installed
dictionaries and the gate to OpenCC on every real page). They are OpenCC's data, not jixiao's
wording: kept beside the code, not in rules/ (whose fingerprint every run records). A configuration
without marks is converted on every page, as before.

``re`` asks a character that a set's Basic Multilingual Plane bitmap does not hold about each of the
set's ranges beyond that plane in turn, and the dictionaries hold hundreds of rare characters there
(≈ 3,000 instructions a character of a page): every character beyond the plane counts as a mark
instead (one range; a page holding one is converted).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

_PLANE = 0xFFFF  # the last code point of the Basic Multilingual Plane


def load_marks(config: str | None) -> re.Pattern | None:
    """The marks of ``config`` (pipeline/opencc_marks.py) as one ``re`` set, or None where it has none
    — or where the installed OpenCC is not the one they were read off: another version's dictionaries
    may change characters the kept marks do not hold, so every page is converted, as without a gate."""
    return marks_for(config, installed_opencc())


def installed_opencc() -> str:
    import importlib.metadata

    return importlib.metadata.version("opencc")


def marks_for(config: str | None, version: str) -> re.Pattern | None:
    """The kept marks of ``config`` for OpenCC ``version``: None unless they were read off that version.

    >>> marks_for("t2s", "0.0.0") is None
    True
    """
    from .opencc_marks import MARKS, OPENCC

    codes = MARKS.get(config) if config and version == OPENCC else None
    return character_set(characters(codes)) if codes else None


def characters(codes: str) -> str:
    """The characters of a text of hexadecimal code points and ranges of them (how
    pipeline/opencc_marks.py keeps them: no Chinese literal in code, tests/test_purity.py).

    >>> characters("61-63 7a")
    'abcz'
    """
    out = []
    for token in codes.split():
        first, _, last = token.partition("-")
        out += map(chr, range(int(first, 16), int(last or first, 16) + 1))
    return "".join(out)


def codes_of(chars: str) -> str:
    """``characters``' inverse: the sorted characters as hexadecimal code points and ranges.

    >>> codes_of("zcab")
    '61-63 7a'
    """
    runs: list[list[int]] = []
    for code in sorted(map(ord, set(chars))):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return " ".join(f"{a:x}" if a == b else f"{a:x}-{b:x}" for a, b in runs)


def character_set(chars: Iterable[str]) -> re.Pattern:
    r"""An ``re`` pattern of one character of ``chars``, written as ranges of code points, or of any
    character beyond the Basic Multilingual Plane when ``chars`` hold one.

    >>> character_set("cab").pattern
    '[\\U00000061-\\U00000063]'
    >>> character_set("a\U00020000").pattern
    '[\\U00000061-\\U00000061\\U00010000-\\U0010ffff]'
    """
    codes = sorted({ord(c) for c in chars})
    tail = []
    if codes and codes[-1] > _PLANE:
        codes = [c for c in codes if c <= _PLANE]
        tail = [[_PLANE + 1, 0x10FFFF]]
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    runs += tail
    return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in runs) + "]" if runs else "(?!)")


def marks_of(entries: Iterable[tuple[str, str]]) -> str:
    """The marks (sorted) of a configuration's dictionary entries (key, first value).

    >>> marks_of([("畝", "亩"), ("乾", "乾"), ("回覆", "回复"), ("覆蓋", "覆盖"), ("一目瞭然", "一目了然")])
    '畝瞭覆'
    """
    entries = [(k, v) for k, v in entries if k != v]
    marks = {k for k, _ in entries if len(k) == 1}
    for key, value in entries:
        if len(key) > 1 and not any(c in marks for c in key):
            marks.add(next((a for a, b in zip(key, value) if a != b), key[0]) if len(key) == len(value) else key[0])
    return "".join(sorted(marks))


def dictionary_entries(config: str) -> list[tuple[str, str]]:
    """(key, first value) of every entry of the dictionaries ``config`` names (its normalization and
    its conversion chain), as the installed OpenCC's ``opencc_dict`` writes them."""
    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    share = clib / "share" / "opencc"
    files: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "ocd2" and "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads((share / f"{config}.json").read_text(encoding="utf-8")))
    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in files:
            out = Path(tmp) / (name + ".txt")
            subprocess.run([str(clib / "bin" / "opencc_dict"), "-i", str(share / name), "-o", str(out),
                            "-f", "ocd2", "-t", "text"], check=True, capture_output=True)
            for line in out.read_text(encoding="utf-8").splitlines():
                key, _, values = line.partition("\t")
                if key:
                    entries.append((key, values.split(" ")[0]))
    return entries


def marks_module(configs: Iterable[str]) -> str:
    """The text of pipeline/opencc_marks.py for the installed OpenCC."""
    configs = list(configs)
    command = f"python -m pipeline.scriptgate {' '.join(configs)}"
    out = ['"""The marks of OpenCC conversions (pipeline/scriptgate.py): a page holding none of a',
           "configuration's characters comes out of that conversion unchanged, and is not converted. Read",
           f"off the dictionaries of opencc {installed_opencc()} by ``{command}`` (generated:",
           'do not edit); tests/test_speed25_pre25.py checks them against the installed ones. Used only',
           'with that version of OpenCC (scriptgate.load_marks)."""',
           "", f"OPENCC = {installed_opencc()!r}", "", "MARKS = {"]
    for config in configs:
        marks = marks_of(dictionary_entries(config))
        out.append(f"    {config!r}: (  # {len(marks)} characters, as hexadecimal code points and ranges")
        words = codes_of(marks).split()
        out += [f"        {' '.join(words[i:i + 12]) + ' '!r}" for i in range(0, len(words), 12)]
        out.append("    ),")
    out.append("}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover - writes pipeline/opencc_marks.py
    (Path(__file__).parent / "opencc_marks.py").write_text(marks_module(sys.argv[1:] or ["t2s"]), encoding="utf-8")
