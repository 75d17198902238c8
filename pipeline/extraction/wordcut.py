"""Where jieba (with the domain dictionary) puts word boundaries in a text: where a rule asks
that its label start and end on word boundaries (``whole_word``), the window around the label
is cut by jieba (≈ 5 windows a report, ≈ 1.3 M instructions).

Two things make it cheaper, the boundaries staying jieba's (tests/test_speed23_scan23.py
compares them with ``Tokenizer.tokenize`` on real windows): jieba cuts a text as blocks of
Chinese, letters and digits between punctuation and spaces, each block on its own, so a block's
words are remembered (the same phrases come back, in overlapping windows and in report after
report); and ``calc`` and ``get_DAG`` are written as plain loops computing what jieba 0.42's do,
the same floats in the same order (≈ half of a cut went to ``calc``'s generator of tuples).
"""
from __future__ import annotations

import logging
from functools import lru_cache
from math import log


def word_bounds(text: str, words: tuple[str, ...]) -> frozenset[int]:
    """The offsets where jieba's ``tokenize(text)`` (default mode, HMM on) starts or ends a word.

    >>> sorted(word_bounds("征收土地5000亩，签约", ()))
    [0, 2, 4, 8, 9, 10, 12]
    """
    import jieba

    cut = tokenizer(words)
    han, skip = jieba.re_han_default, jieba.re_skip_default
    bounds = {0, len(text)}
    at = 0
    for block in han.split(text):  # as Tokenizer.cut reads a text
        if not block:
            continue
        if han.match(block):
            bounds.update(at + end for end in _block_ends(cut, block))
            at += len(block)
        else:
            for piece in skip.split(block):
                if skip.match(piece):
                    at += len(piece)  # a space or \r\n: one word
                    bounds.add(at)
                else:
                    for _char in piece:  # every other character a word of its own
                        at += 1
                        bounds.add(at)
    return frozenset(bounds)


def is_word_bound(text: str, at: int, words: tuple[str, ...]) -> bool:
    """``at in word_bounds(text, words)``, cutting no more than the one block ``at`` stands
    inside: every edge of a block is a word's, and so is every place between two characters
    outside the blocks but the middle of a \\r\\n (a word of its own).

    >>> [is_word_bound("征收土地5000亩，签约", at, ()) for at in (2, 3, 9, 11)]
    [True, False, True, False]
    """
    if at <= 0 or at >= len(text):
        return at == 0 or at == len(text)
    import jieba

    for block in jieba.re_han_default.finditer(text):  # the blocks Tokenizer.cut cuts one by one
        start, end = block.span()
        if start >= at:
            break
        if at < end:
            return at - start in _block_ends(tokenizer(words), block.group())
    return not (text[at - 1] == "\r" and text[at] == "\n")


@lru_cache(maxsize=4096)
def _block_ends(cut, block: str) -> frozenset[int]:
    """Where the words jieba cuts one block into end (its ``__cut_DAG``, HMM on), the block's
    own end included."""
    ends, at = set(), 0
    for word in cut._Tokenizer__cut_DAG(block):
        at += len(word)
        ends.add(at)
    return frozenset(ends)


@lru_cache(maxsize=4)
def tokenizer(words: tuple[str, ...]):
    """A jieba tokenizer holding the domain dictionary (the RuleSet's jieba_dict.txt lines)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    made = _fast_class(jieba.Tokenizer)()
    for line in words:
        parts = line.split()
        if parts and not line.startswith("#"):
            made.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)
    return made


@lru_cache(maxsize=2)
def _fast_class(base):
    """``base`` (jieba.Tokenizer) with ``calc`` and ``get_DAG`` written as plain loops."""

    class Tokenizer(base):
        def calc(self, sentence, DAG, route):
            """jieba's calc: route[idx] = the best (log probability, end) of the words from idx,
            the maximum as ``max`` picks it (the first of equal ones, ends ascending, cannot tie)."""
            N = len(sentence)
            route[N] = (0, 0)
            logtotal = log(self.total)
            get = self.FREQ.get
            for idx in range(N - 1, -1, -1):
                ends = DAG[idx]
                x = ends[0]
                best = (log(get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                for x in ends[1:]:
                    other = (log(get(sentence[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x)
                    if other > best:
                        best = other
                route[idx] = best

        def get_DAG(self, sentence):
            """jieba's get_DAG: for each start, the ends of the dictionary words starting there
            (the start itself when none)."""
            self.check_initialized()
            FREQ = self.FREQ
            DAG = {}
            N = len(sentence)
            for k in range(N):
                tmplist = []
                i = k
                frag = sentence[k]
                while i < N and frag in FREQ:
                    if FREQ[frag]:
                        tmplist.append(i)
                    i += 1
                    frag = sentence[k:i + 1]
                DAG[k] = tmplist or [k]
            return DAG

    return Tokenizer
