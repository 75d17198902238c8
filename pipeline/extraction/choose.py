"""One reading per figure, where several rules read the same one."""
from __future__ import annotations

from ..model import Match


def choose(hits: list[Match]) -> list[Match]:
    """Keep one hit per figure: the highest priority, then the label nearest the figure."""
    def rank(h: Match):
        # a longer reading of the same figure is the more specific one: “三公”经费支出合计3.86万元
        # is 三公经费, not 支出合计
        span = max(h.end, h.label_end) - min(h.start, h.label_start)
        gap = h.start - h.label_end if h.label_end <= h.start else h.label_start - h.end
        return (-h.rule.priority, -span, abs(gap))

    chosen: list[Match] = []
    for hit in sorted(hits, key=lambda h: (h.start, rank(h))):
        if chosen and hit.start < chosen[-1].end:
            if rank(hit) < rank(chosen[-1]):
                chosen[-1] = hit
            continue
        chosen.append(hit)
    return chosen
