#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Anonymous-memory hog for the mixed benchmark workload.

usage: anon-hog.py SIZE_MIB STATE_FILE

Allocates SIZE_MIB of anonymous memory, writes every page once, then
creates STATE_FILE (the writers may start) and keeps writing every page,
pass after pass, until SIGTERM. It then writes to STATE_FILE a JSON object:
passes completed after the first, MiB written per second, the slowest pass,
the CPU time it used (cpu_s), its CLOCK_MONOTONIC start and end, and its
20 slowest passes (start, seconds), to place a stall against the fio run.
Pages that reclaim swapped out must come back in, so its rate falls when
reclaim picks anonymous memory over the writers' page cache.
"""
import heapq
import json
import os
import signal
import sys
import time

PAGE = 4096


def main():
    size = int(sys.argv[1]) << 20
    state = sys.argv[2]
    mem = bytearray(size)
    npages = len(range(0, size, PAGE))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    value = 1
    mem[::PAGE] = bytes([value]) * npages
    with open(state, 'w') as f:
        f.write('ready\n')
    start = time.monotonic()
    cpu = os.times()
    passes, slowest, slow = 0, 0.0, []
    while not stop:
        value = value % 255 + 1
        t = time.monotonic()
        mem[::PAGE] = bytes([value]) * npages
        secs = time.monotonic() - t
        slowest = max(slowest, secs)
        if len(slow) < 20:
            heapq.heappush(slow, (secs, t))
        elif secs > slow[0][0]:
            heapq.heapreplace(slow, (secs, t))
        passes += 1
    end = time.monotonic()
    elapsed = end - start
    cpu = sum(os.times()[:2]) - sum(cpu[:2])
    with open(state, 'w') as f:
        json.dump({'size_mib': size >> 20, 'passes': passes,
                   'mib_per_s': round(passes * (size >> 20) / elapsed, 2) if elapsed else 0,
                   'slowest_pass_s': round(slowest, 3), 'cpu_s': round(cpu, 2),
                   'start_s': round(start, 3), 'end_s': round(end, 3), 'slow_passes': sorted([round(t, 3), round(secs, 3)] for secs, t in slow)}, f)
        f.write('\n')


if __name__ == '__main__':
    main()
