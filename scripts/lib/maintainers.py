#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Merge MAINTAINERS.snippet into a kernel MAINTAINERS file.

usage: maintainers.py SNIPPET MAINTAINERS >NEW_MAINTAINERS

Every entry of the snippet (a title line, then "X:<tab>value" lines;
entries separated by blank lines) replaces the entry of the same title
or is inserted where it sorts (see insertion_point()). The result is
deterministic, so the series' MAINTAINERS patch is generated from the
snippet and checked for freshness against it.
"""
import re
import sys

TAG = re.compile(r'^[A-Z]:\t')


def entries(lines):
    """(start, end, title) of every entry: a title line followed by tags."""
    out = []
    i = 0
    while i < len(lines) - 1:
        if lines[i].strip() and not lines[i][0].isspace() and TAG.match(lines[i + 1]):
            j = i + 1
            while j < len(lines) and TAG.match(lines[j]):
                j += 1
            out.append((i, j, lines[i].rstrip('\n')))
            i = j
        else:
            i += 1
    return out


def common_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def insertion_point(ents, title):
    """Line before which TITLE goes. MAINTAINERS is sorted case-insensitively
    but not everywhere: of the places where TITLE fits between its
    neighbours, take the one whose neighbour shares the longest prefix."""
    key = title.upper()
    best = None
    for prev, cur in zip(ents, ents[1:]):
        if prev[2].upper() < key < cur[2].upper() or cur[2] == 'THE REST':
            score = max(common_prefix(prev[2].upper(), key), common_prefix(cur[2].upper(), key))
            if best is None or score > best[0]:
                best = (score, cur[0])
    return best[1]


def main():
    snippet, maintainers = sys.argv[1:3]
    lines = open(maintainers).read().splitlines(keepends=True)
    new = [e for e in open(snippet).read().split('\n\n') if e.strip()]
    for text in new:
        block = [l + '\n' for l in text.strip('\n').split('\n')]
        if len(block) < 2 or not all(TAG.match(l) for l in block[1:]):
            sys.exit(f'{snippet}: malformed entry starting with {block[0].strip()!r}')
        title = block[0].rstrip('\n')
        ents = entries(lines)
        same = [e for e in ents if e[2] == title]
        if same:
            start, end, _ = same[0]
            lines[start:end] = block
            continue
        where = insertion_point(ents, title)
        lines[where:where] = block + ['\n']
    sys.stdout.write(''.join(lines))


if __name__ == '__main__':
    main()
