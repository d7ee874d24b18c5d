"""Where excerpts occur in a text: the one search the validator, the coverage measure and the
reading page share, linear in the text plus the occurrences it reports.

Searching each excerpt on its own costs the text's length once per excerpt, and listing every
occurrence of nested or periodic excerpts (`a`, `aa`, … in a text of `a`s) costs the text's length
times their number: 40 such excerpts took coverage 49 s and 1.4 GB. Here all the distinct
excerpts of a text are searched together in one Aho-Corasick pass (pyahocorasick), and each
excerpt's occurrences are capped (CAP, the first ones in text order). An excerpt that reaches its
cap stops being searched for: the automaton is rebuilt without it once the occurrences it still
reports (skipped) would cost as much as the rebuild, so skipped reports never outweigh useful work.
`Found.work` counts the automaton's reports and the rebuilds' size, for tests that bound the work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import ahocorasick

CAP = 1000  # occurrences listed per excerpt; a real excerpt occurs a handful of times


@dataclass
class Found:
    starts: dict[str, list[int]] = field(
        default_factory=dict
    )  # each excerpt's first occurrences (start offsets, in order)
    capped: set[str] = field(default_factory=set)  # excerpts with more occurrences than listed
    truncated: bool = False  # the search stopped at `total` occurrences listed in all
    work: int = 0  # automaton reports plus characters of the automata built

    def spans(self) -> list[tuple[int, int, str]]:
        """(start, end, excerpt) of every occurrence listed, sorted."""
        return sorted(
            (start, start + len(needle), needle) for needle, starts in self.starts.items() for start in starts
        )


def _automaton(needles: list[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    return automaton


def find(text: str, needles: Iterable[str], cap: int = CAP, total: int | None = None) -> Found:
    """The first `cap` occurrences (overlapping ones too) of each distinct non-empty needle in text;
    with `total`, the search stops once that many are listed in all (those ending first)."""
    found = Found()
    listed = 0
    active = sorted({n for n in needles if n})
    found.starts = {n: [] for n in active}
    pos, seen_end = (
        0,
        -1,
    )  # the pass starts at pos; reports ending at or before seen_end were handled by an earlier pass
    while active:
        automaton = _automaton(active)
        size = sum(map(len, active))
        found.work += size
        budget, skipped, stop_after, restart = size + cap, 0, None, None
        for end, needle in automaton.iter(text, pos):
            found.work += 1
            if stop_after is not None and end > stop_after:
                restart = end  # not handled: the next pass finds it again
                break
            if end <= seen_end:
                continue
            starts = found.starts[needle]
            if len(starts) < cap:
                if total is not None and listed >= total:
                    found.truncated = True
                    return found
                starts.append(end - len(needle) + 1)
                listed += 1
                continue
            found.capped.add(needle)
            skipped += 1
            if skipped > budget and stop_after is None:
                stop_after = end  # finish this end position, then rebuild without the capped needles
        if restart is None:
            break
        seen_end = stop_after
        active = [n for n in active if n not in found.capped]
        if active:  # a match of a remaining needle ending after seen_end starts at most its length back
            pos = max(0, seen_end + 2 - max(map(len, active)))
    return found
