#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarize a 'scripts/harness bench' run.

usage: bench.py RUNDIR

RUNDIR holds meta (key=value lines written by scripts/lib/bench.sh) and
round-R/KERNEL/boot-*/ per boot: plan, boot.rc, console.log, and one
directory per case written by scripts/guest/bench. Writes

  RUNDIR/results.json  every run (fio numbers, /proc/vmstat deltas, memory
                       cgroup events, OOM kills, status) and the summary
  RUNDIR/table.txt     the mmtests compare-kernels style table
  RUNDIR/ratios.dat    patched/baseline ratio per case, with its spread
  RUNDIR/ratios.png    the ratios plotted (when gnuplot is installed)

and prints the table. Exits 1 when a guest crashed or timed out, when a
kernel log has a report (BUG, WARNING, hung task...; OOM kills are an
outcome and are counted instead), or when a case failed on every run of
both kernels (the benchmark itself is broken); 0 otherwise.
"""
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import results  # noqa: E402  (scan_console: kernel reports per test)

KERNELS = ('baseline', 'patched')
VMSTAT_KEYS = re.compile(
    r'^(nr_vmscan_write|nr_vmscan_immediate_reclaim|pgscan_\w+|pgsteal_\w+|'
    r'allocstall_\w+|nr_writeback_temp|oom_kill|pswpin|pswpout|nr_throttled_written|'
    r'workingset_\w+|pgactivate|pgdeactivate|pgrotated|pgrefill|pgmajfault)$')
# reclaim_throttle() reasons (mm_vmscan_throttled), and the writeback
# reasons of writeback_start counted in the table.
THROTTLE_REASONS = ('WRITEBACK', 'ISOLATED', 'NOPROGRESS', 'CONGESTED')
WB_REASONS = ('background', 'vmscan', 'periodic', 'sync', 'fs_free_space')
# A line of the trace buffer: TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS
TRACE_LINE = re.compile(r'^\s*(.+)-(\d+)\s+\[\d+\]\s+(?:\S+\s+)?[\d.]+: (\w+): (.*)$')
# Rows of the reclaim section of the table: label, function of a delta dict.
VMSTAT_ROWS = [
    ('nr_vmscan_write', lambda d, m: d.get('nr_vmscan_write', 0)),
    ('file writes (vmscan - pswpout)', lambda d, m: d.get('nr_vmscan_write', 0) - d.get('pswpout', 0)),
    ('nr_vmscan_immediate_reclaim', lambda d, m: d.get('nr_vmscan_immediate_reclaim', 0)),
    ('pgscan (anon+file)', lambda d, m: d.get('pgscan_anon', 0) + d.get('pgscan_file', 0)),
    ('pgscan_direct', lambda d, m: d.get('pgscan_direct', 0)),
    ('pgsteal (anon+file)', lambda d, m: d.get('pgsteal_anon', 0) + d.get('pgsteal_file', 0)),
    ('pgscan_kswapd', lambda d, m: d.get('pgscan_kswapd')),
    ('pgsteal_kswapd', lambda d, m: d.get('pgsteal_kswapd')),
    ('pgsteal_direct', lambda d, m: d.get('pgsteal_direct')),
    ('allocstall (all zones)', lambda d, m: sum(v for k, v in d.items()
                                                if k.startswith('allocstall_'))),
    ('pswpout', lambda d, m: d.get('pswpout', 0)),
    ('pswpin', lambda d, m: d.get('pswpin')),
    ('workingset_refault_anon', lambda d, m: d.get('workingset_refault_anon')),
    ('workingset_refault_file', lambda d, m: d.get('workingset_refault_file')),
    ('workingset_activate (a+f)', lambda d, m: d.get('workingset_activate_anon', 0)
     + d.get('workingset_activate_file', 0) if 'workingset_activate_anon' in d else None),
    ('pgactivate', lambda d, m: d.get('pgactivate')),
    ('pgdeactivate', lambda d, m: d.get('pgdeactivate')),
    ('pgrotated', lambda d, m: d.get('pgrotated')),
    ('pgmajfault', lambda d, m: d.get('pgmajfault')),
    ('nr_writeback_temp (peak)', lambda d, m: d['peak'].get('nr_writeback_temp')),
    ('nr_dirty (peak)', lambda d, m: d['peak'].get('nr_dirty')),
    ('nr_writeback (peak)', lambda d, m: d['peak'].get('nr_writeback')),
    ('oom_kill', lambda d, m: d.get('oom_kill', 0)),
] + [
    ('throttled %s %s, ms' % (who, why), lambda d, m, w=who, y=why:
     d['trace']['throttled'].get(w, {}).get(y, {}).get('usec', 0) // 1000 if d['trace'] else None)
    for who in ('kswapd', 'direct') for why in THROTTLE_REASONS
] + [
    ('throttled %s %s, times' % (who, why), lambda d, m, w=who, y=why:
     d['trace']['throttled'].get(w, {}).get(y, {}).get('n', 0) if d['trace'] else None)
    for who in ('kswapd', 'direct') for why in THROTTLE_REASONS
] + [
    ('writeback_wake_background', lambda d, m: d['trace']['wake_background'] if d['trace'] else None),
] + [
    ('writeback_start %s' % why, lambda d, m, y=why:
     d['trace']['writeback_start'].get(y, 0) if d['trace'] else None)
    for why in WB_REASONS
] + [
    ('memcg events max / failcnt', lambda d, m: m.get('max', m.get('failcnt')) if m else None),
    ('memcg oom_kill', lambda d, m: m.get('oom_kill') if m else None),
]
# Reclaim rows shown even when both kernels have 0 there.
KEY_ROWS = ('file writes (vmscan - pswpout)', 'oom_kill', 'memcg oom_kill')
# CPU time per MiB written (bench_cpu_snap): label of each key, in table order.
CPU_ROWS = [
    ('writer', 'writer (fio + jobs)'),
    ('kworker', 'kworkers (all)'),
    ('flush', '  of which flush-*'),
    ('server', 'FUSE server'),
    ('kswapd', 'kswapd'),
    ('busy', 'guest busy (/proc/stat)'),
]
# Kernel functions of the profile: the copy FUSE writeback makes (6.1's
# temporary pages: copy_highpage, which is copy_page on x86).
PROFILE_SYMS = ('copy_page', 'copy_highpage', 'fuse_writepage_args_page_fill')
# Idle in a cpu-clock profile of the whole guest.
IDLE_SYMS = re.compile(r'^(default_idle|amd_e400_idle|native_safe_halt|pv_native_safe_halt|'
                       r'default_idle_call|cpu_idle_poll|acpi_idle_do_entry|mwait_idle|'
                       r'intel_idle|poll_idle)$')
# Profile rows: key, label.
PROFILE_ROWS = [('copy_page', 'copy_page'), ('copy_highpage', 'copy_highpage'),
                ('fuse_writepage_args_page_fill', 'fuse_writepage_args_page_fill'),
                ('copy', 'copy, all of the above'), ('kworker', 'comm kworker*'),
                ('server', 'comm fuse_wb_server'), ('fio', 'comm fio'), ('idle', 'idle')]
# Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom
# (the 95% interval of the mean of the log ratios); 1.96 beyond.
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
CI_METHOD = ('95% t-interval of the mean of log(patched/baseline) over the paired rounds, '
             'exponentiated (centre: geometric mean of the paired ratios)')
# A report in the console that is an outcome here, not a failure.
OOM_REPORT = re.compile(r'invoked oom-killer|Memory cgroup out of memory|Out of memory')
BOOT_ERRORS = {'124': 'guest timed out', '125': 'guest crashed'}


def read(path, default=''):
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except OSError:
        return default


def keyvals(text, sep='='):
    out = {}
    for line in text.splitlines():
        if sep == '=' and '=' in line:
            k, v = line.split('=', 1)
        elif sep == ' ' and line.strip():
            parts = line.split()
            if len(parts) != 2:
                continue
            k, v = parts
        else:
            continue
        out[k.strip()] = v.strip()
    return out


def numbers(text):
    out = {}
    for k, v in keyvals(text, ' ').items():
        try:
            out[k] = int(v)
        except ValueError:
            pass
    return out


def load_fio(path):
    """fio's JSON (fio may put warnings before it), or None."""
    text = read(path)
    start = text.find('{')
    if start < 0:
        return None
    try:
        return json.loads(text[start:])
    except ValueError:
        return None


def fio_numbers(data):
    jobs = data.get('jobs', [])
    if not jobs:
        return None
    w = [j['write'] for j in jobs]
    clat = jobs[0]['write'].get('clat_ns', {})
    pct = clat.get('percentile', {})
    return {
        'bw_mib_s': sum(x.get('bw_bytes', 0) for x in w) / 2**20,
        'iops': sum(x.get('iops', 0) for x in w),
        'io_mib': sum(x.get('io_bytes', 0) for x in w) / 2**20,
        'runtime_ms': max(x.get('runtime', 0) for x in w),
        'elapsed_s': max(j.get('elapsed', 0) for j in jobs),
        'clat_mean_us': clat.get('mean', 0) / 1000,
        'clat_p99_us': pct.get('99.000000', 0) / 1000,
        'job_errors': sum(j.get('error', 0) for j in jobs),
        'sys_cpu': jobs[0].get('sys_cpu'),
    }


def proc_times(text):
    """pid -> (comm, utime+stime, cutime+cstime) in ticks, from /proc/PID/stat lines."""
    out = {}
    for line in text.splitlines():
        open_, close = line.find('('), line.rfind(')')
        if open_ < 0 or close < open_:
            continue
        rest = line[close + 2:].split()
        try:
            out[int(line[:open_])] = (line[open_ + 1:close], int(rest[11]) + int(rest[12]),
                                      int(rest[13]) + int(rest[14]))
        except (ValueError, IndexError):
            continue
    return out


def stat_busy(text):
    """(busy, all) ticks of the 'cpu' line of /proc/stat."""
    for line in text.splitlines():
        f = line.split()
        if f and f[0] == 'cpu':
            v = [int(x) for x in f[1:9]] + [0] * 8
            return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], sum(v[:8])
    return None


def cpu_numbers(cdir, info, mib):
    """CPU seconds over the fio run and per MiB written (bench_cpu_snap)."""
    b = proc_times(read(os.path.join(cdir, 'procstat.before')))
    a = proc_times(read(os.path.join(cdir, 'procstat.after')))
    sb = proc_times(read(os.path.join(cdir, 'self.before')))
    sa = proc_times(read(os.path.join(cdir, 'self.after')))
    pb, pa = (stat_busy(read(os.path.join(cdir, 'stat.' + w))) for w in ('before', 'after'))
    if not (a and b and sa and sb and pa and pb) or not mib:
        return None
    tck = int(info.get('clk_tck', '100') or 100)

    def delta(pid):
        # a process born during the run counts from 0
        return a[pid][1] - (b[pid][1] if pid in b else 0)
    kw = [p for p in a if a[p][0].startswith('kworker')]
    # the FUSE servers among the processes the workload recorded (a hog or
    # writers may be there too)
    servers = [int(x) for x in read(os.path.join(cdir, 'pids')).split()
               if x.isdigit() and a.get(int(x), ('',))[0].startswith('fuse_wb_server')]
    # the mixed workload's anonymous hog: hog_pid in CASE/info, or the first
    # of its pids (runs before hog_pid was recorded)
    hog = info.get('hog_pid', '')
    if not hog and 'hog_mib' in info:
        hog = (read(os.path.join(cdir, 'pids')).split() or [''])[0]
    hog = int(hog) if hog.isdigit() and int(hog) in a else None
    # /proc/PID/comm of the kworkers the sampler saw running a flush
    flushers = {int(m) for m in re.findall(r'/proc/(\d+)/comm', read(os.path.join(cdir, 'flushers')))}
    ticks = {
        'writer': list(sa.values())[0][2] - list(sb.values())[0][2],
        'kworker': sum(delta(p) for p in kw),
        'flush': sum(delta(p) for p in kw if 'flush-' in a[p][0] or 'flush-' in b.get(p, ('',))[0]
                     or p in flushers),
        'server': sum(delta(p) for p in servers if p in a) if servers else None,
        'kswapd': sum(delta(p) for p in a if a[p][0].startswith('kswapd')),
        'hog': delta(hog) if hog else None,
        'busy': pa[0] - pb[0],
        'elapsed': pa[1] - pb[1],
    }
    secs = {k: v / tck for k, v in ticks.items() if v is not None}
    out = {'clk_tck': tck, 'mib': mib, 'seconds': secs,
           'ms_per_mib': {k: v * 1000 / mib for k, v in secs.items() if k not in ('elapsed', 'hog')}}
    # the hog's share of the guest's CPU over the fio run: its throughput
    # there (its own MiB/s also counts its time alone before and after)
    if 'hog' in secs and ticks['elapsed']:
        out['hog_share'] = ticks['hog'] / ticks['elapsed']
    return out


def profile_numbers(cdir):
    """Shares (% of samples) from perf report --sort sym and --sort comm, or None."""
    sym = read(os.path.join(cdir, 'perf-report-sym.txt'))
    comm = read(os.path.join(cdir, 'perf-report-comm.txt'))
    if not sym.strip():
        return None
    out = {k: 0.0 for k, _ in PROFILE_ROWS}
    samples = re.search(r'^# Samples: (\S+)', sym, re.M)
    out['samples'] = samples.group(1) if samples else '?'
    for line in sym.splitlines():
        m = re.match(r'^\s*([\d.]+)%\s+\[.\]\s+(\S+)', line)
        if not m:
            continue
        pct_, name = float(m.group(1)), m.group(2)
        if name in PROFILE_SYMS:
            out[name] += pct_
            out['copy'] += pct_
        if IDLE_SYMS.match(name):
            out['idle'] += pct_
    for line in comm.splitlines():
        m = re.match(r'^\s*([\d.]+)%\s+(\S.*?)\s*$', line)
        if not m:
            continue
        name = m.group(2)
        if name.startswith('kworker'):
            out['kworker'] += float(m.group(1))
        elif name.startswith('fuse_wb_server'):
            out['server'] += float(m.group(1))
        elif name == 'fio':
            out['fio'] += float(m.group(1))
    busy = 100 - out['idle']
    out['busy'] = {k: out[k] * 100 / busy if busy > 0 else None for k, _ in PROFILE_ROWS if k != 'idle'}
    return out


def load_run(cdir, boot_failed):
    run = {'status': 'ok', 'reason': '', 'oom_kills': 0}
    run['info'] = keyvals(read(os.path.join(cdir, 'info')))
    before = numbers(read(os.path.join(cdir, 'vmstat.before')))
    after = numbers(read(os.path.join(cdir, 'vmstat.after')))
    if before and after:
        run['vmstat'] = {k: after[k] - before.get(k, 0) for k in sorted(after)
                         if VMSTAT_KEYS.match(k)}
    peak = {}
    for line in read(os.path.join(cdir, 'vmstat.samples')).splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            peak[parts[0]] = max(peak.get(parts[0], 0), int(parts[1]))
    if peak:
        run['vmstat_peak'] = peak
    memcg = {}
    for f in ('memory.events', 'memory.oom_control'):
        memcg.update(numbers(read(os.path.join(cdir, f))))
    for f in ('memory.failcnt', 'memory.max_usage_in_bytes', 'memory.peak'):
        v = read(os.path.join(cdir, f)).strip()
        if v.isdigit():
            memcg[f[len('memory.'):]] = int(v)
    if memcg:
        run['memcg'] = memcg
    trace = trace_numbers(cdir)
    if trace is not None:
        run['trace'] = trace
    hog = read(os.path.join(cdir, 'hog.json')).strip()
    if hog.startswith('{'):
        run['hog'] = json.loads(hog)
    run['oom_kills'] = max(run.get('vmstat', {}).get('oom_kill', 0), memcg.get('oom_kill', 0))
    rc = read(os.path.join(cdir, 'fio.rc')).strip()
    run['fio_rc'] = int(rc) if rc.lstrip('-').isdigit() else None
    fio = load_fio(os.path.join(cdir, 'fio.json'))
    if fio:
        run['fio'] = fio_numbers(fio)
    if run.get('fio'):
        cpu = cpu_numbers(cdir, run['info'], run['fio']['io_mib'])
        if cpu:
            run['cpu'] = cpu
    prof = profile_numbers(cdir)
    if prof:
        run['profile'] = prof
    skip = read(os.path.join(cdir, 'skip')).strip()
    error = read(os.path.join(cdir, 'error')).strip()
    if skip:
        run['status'], run['reason'] = 'skipped', skip
    elif not os.path.exists(os.path.join(cdir, 'case.rc')) and boot_failed:
        run['status'], run['reason'] = 'not-run', boot_failed
    elif run['fio_rc'] is None:
        run['status'] = 'failed'
        run['reason'] = error or tail(os.path.join(cdir, 'case.log')) or 'fio did not run'
    elif run['fio_rc'] != 0 and run['oom_kills']:
        run['status'] = 'oom'
        run['reason'] = 'fio exit %s after %d OOM kill(s)' % (run['fio_rc'], run['oom_kills'])
    elif run['fio_rc'] in (124, 137):
        run['status'], run['reason'] = 'timeout', 'fio timed out (exit %s)' % run['fio_rc']
    elif run['fio_rc'] != 0 or not run.get('fio') or run['fio']['job_errors']:
        run['status'] = 'failed'
        run['reason'] = 'fio exit %s: %s' % (run['fio_rc'], tail(os.path.join(cdir, 'fio.out')))
    elif error:
        run['status'], run['reason'] = 'failed', error
    return run


def trace_numbers(cdir):
    """bench_trace_stop's trace.txt: reclaim_throttle() sleeps (count and
    usec_delayed) per reclaimer (kswapd, direct) and reason, and per task
    name; writeback_wake_background wakeups; writeback_start per reason."""
    path = os.path.join(cdir, 'trace.txt')
    if not os.path.exists(path):
        return None
    out = {'throttled': {}, 'throttled_by_task': {}, 'wake_background': 0, 'writeback_start': {}}
    for line in read(path).splitlines():
        m = TRACE_LINE.match(line)
        if not m:
            continue
        comm, event, fields = m.group(1).strip(), m.group(3), keyvals(m.group(4).replace(' ', '\n'))
        if event == 'mm_vmscan_throttled':
            why = fields.get('reason', '?').replace('VMSCAN_THROTTLE_', '')
            # 6.1 spells the field usect_delayed
            us = int(fields.get('usec_delayed', fields.get('usect_delayed', 0)))
            who = 'kswapd' if comm.startswith('kswapd') else 'direct'
            for key, name in (('throttled', who), ('throttled_by_task', comm)):
                t = out[key].setdefault(name, {}).setdefault(why, {'n': 0, 'usec': 0})
                t['n'] += 1
                t['usec'] += us
        elif event == 'writeback_wake_background':
            out['wake_background'] += 1
        elif event == 'writeback_start':
            why = fields.get('reason', '?')
            out['writeback_start'][why] = out['writeback_start'].get(why, 0) + 1
    return out


def tail(path, n=2):
    lines = [x for x in read(path).splitlines() if x.strip()]
    return ' | '.join(lines[-n:])


def quartiles(values):
    v = sorted(values)
    if len(v) < 2:
        return v[0], v[0]
    q = statistics.quantiles(v, n=4, method='inclusive')
    return q[0], q[2]


def spread(values):
    if not values:
        return None
    q1, q3 = quartiles(values)
    return {'n': len(values), 'median': statistics.median(values), 'min': min(values),
            'max': max(values), 'q1': q1, 'q3': q3}


def medians(vm):
    """Median of each VMSTAT_ROWS value over the runs that have it."""
    out = {}
    for label, f in VMSTAT_ROWS:
        values = [v for v in (f(d, m) for d, m in vm) if v is not None]
        if values:
            out[label] = statistics.median(values)
    return out


def ratio_ci(paired, words=('faster', 'slower')):
    """CI_METHOD over the per-round paired ratios, and the verdict word:
    words[0] when the interval is above 1.0, words[1] when below."""
    if len(paired) < 2 or min(paired) <= 0:
        return None, 'no difference detectable (fewer than 2 paired rounds)' if paired else None
    logs = [math.log(x) for x in paired]
    n, mean = len(logs), statistics.mean(logs)
    half = (T975[n - 2] if n - 1 <= len(T975) else 1.96) * statistics.stdev(logs) / math.sqrt(n)
    ci = {'method': CI_METHOD, 'n': n, 'level': 0.95, 'centre': math.exp(mean),
          'lo': math.exp(mean - half), 'hi': math.exp(mean + half)}
    if ci['lo'] > 1:
        verdict = words[0]
    elif ci['hi'] < 1:
        verdict = words[1]
    else:
        verdict = 'no difference detectable'
    return ci, verdict


def kernel_medians(rs, key, rows):
    """Median over runs rs of each rows key of run[key] (a dict), skipping absent ones."""
    out = {}
    for k in rows:
        values = [r[key][k] for r in rs if isinstance(r.get(key), dict) and r[key].get(k) is not None]
        if values:
            out[k] = statistics.median(values)
    return out


def profile_medians(profiles):
    """Median per key of profile_numbers' shares: of all samples, and of the non-idle ones (busy)."""
    if not profiles:
        return {}
    keys = [k for k, _ in PROFILE_ROWS]
    out = kernel_medians([{'p': x} for x in profiles], 'p', keys)
    out['busy'] = kernel_medians([{'p': x['busy']} for x in profiles], 'p', keys)
    return out


def summarize(runs):
    cases = {}
    for r in runs:
        cases.setdefault(r['case'], {k: [] for k in KERNELS})[r['kernel']].append(r)
    summary = {}
    for case in sorted(cases):
        s = {}
        for k in KERNELS:
            rs = cases[case][k]
            ok = [r['fio']['bw_mib_s'] for r in rs if r['status'] == 'ok']
            counts = {}
            for r in rs:
                counts[r['status']] = counts.get(r['status'], 0) + 1
            vm = [(dict(r['vmstat'], peak=r.get('vmstat_peak', {}), trace=r.get('trace')),
                   r.get('memcg', {})) for r in rs
                  if 'vmstat' in r and r['status'] in ('ok', 'oom')]
            hog = [r['hog']['mib_per_s'] for r in rs if 'hog' in r and r['status'] == 'ok']
            hog_share = [r['cpu']['hog_share'] for r in rs if r['status'] == 'ok'
                         and 'hog_share' in r.get('cpu', {})]
            s[k] = {
                'runs': len(rs), 'statuses': counts,
                'oom_runs': sum(1 for r in rs if r['oom_kills']),
                'oom_kills': sum(r['oom_kills'] for r in rs),
                'bw_mib_s': spread(ok),
                'hog_mib_s': spread(hog),
                'hog_cpu_share': spread(hog_share),
                'vmstat_median': medians(vm),
                'reasons': sorted({r['reason'] for r in rs if r['reason']}),
                'cpu_ms_per_mib': kernel_medians([r['cpu'] for r in rs if r['status'] == 'ok'
                                                  and 'cpu' in r], 'ms_per_mib',
                                                 [k for k, _ in CPU_ROWS]),
                'profile': profile_medians([r['profile'] for r in rs if 'profile' in r]),
            }
        b, p = s['baseline']['bw_mib_s'], s['patched']['bw_mib_s']
        if b and p and b['median']:
            s['ratio'] = p['median'] / b['median']
        pairs = {}
        for k in KERNELS:
            for r in cases[case][k]:
                if r['status'] == 'ok':
                    pairs.setdefault(r['round'], {})[k] = r['fio']['bw_mib_s']
        paired = [v['patched'] / v['baseline'] for v in pairs.values()
                  if len(v) == 2 and v['baseline']]
        s['paired_ratio'] = spread(paired)
        s['paired_ratios'] = [pairs[rnd]['patched'] / pairs[rnd]['baseline'] for rnd in sorted(pairs)
                              if len(pairs[rnd]) == 2 and pairs[rnd]['baseline']]
        s['ratio_ci'], s['verdict'] = ratio_ci(paired)
        # the guest's busy CPU per MiB, paired the same way
        busy = {}
        for k in KERNELS:
            for r in cases[case][k]:
                if r['status'] == 'ok' and 'cpu' in r:
                    busy.setdefault(r['round'], {})[k] = r['cpu']['ms_per_mib']['busy']
        s['busy_ratios'] = [busy[rnd]['patched'] / busy[rnd]['baseline'] for rnd in sorted(busy)
                            if len(busy[rnd]) == 2 and busy[rnd]['baseline']]
        s['busy_ratio_ci'], s['busy_verdict'] = ratio_ci(s['busy_ratios'], ('more CPU', 'less CPU'))
        # the hog's MiB/s (mixed), paired the same way
        hog = {}
        for k in KERNELS:
            for r in cases[case][k]:
                if r['status'] == 'ok' and 'hog' in r:
                    hog.setdefault(r['round'], {})[k] = r['hog']['mib_per_s']
        s['hog_ratios'] = [hog[rnd]['patched'] / hog[rnd]['baseline'] for rnd in sorted(hog)
                           if len(hog[rnd]) == 2 and hog[rnd]['baseline']]
        s['hog_ratio_ci'], s['hog_verdict'] = ratio_ci(s['hog_ratios'])
        share = {}
        for k in KERNELS:
            for r in cases[case][k]:
                if r['status'] == 'ok' and 'hog_share' in r.get('cpu', {}):
                    share.setdefault(r['round'], {})[k] = r['cpu']['hog_share']
        s['hog_cpu_ratios'] = [share[rnd]['patched'] / share[rnd]['baseline'] for rnd in sorted(share)
                               if len(share[rnd]) == 2 and share[rnd]['baseline']]
        s['hog_cpu_ratio_ci'], s['hog_cpu_verdict'] = ratio_ci(s['hog_cpu_ratios'], ('more CPU', 'less CPU'))
        summary[case] = s
    return summary


def pct(v, base):
    return '(%7.2f%%)' % ((v / base - 1) * 100) if base else '(    n/a )'


def outcome(s):
    c = s['statuses']
    parts = ['%d ok' % c.get('ok', 0)]
    for st in ('oom', 'failed', 'timeout', 'not-run', 'skipped'):
        if c.get(st):
            parts.append('%d %s' % (c[st], st.upper() if st == 'oom' else st))
    if s['oom_runs'] and not c.get('oom'):
        parts.append('%d with OOM kills' % s['oom_runs'])
    return ', '.join(parts)


def render(meta, summary, boots):
    out = []
    w = max([len(c) for c in summary] + [12])
    col = 26
    out.append('fio write bandwidth, MiB/s: median of the runs of each kernel '
               '(delta% vs baseline)')
    icount = meta.get('icount', 'off')
    out.append('%s, %s guest (%s), %s round(s), order A B A B per boot group'
               % (meta.get('host', '?'), meta.get('accel', '?').upper()
                  + ('' if icount == 'off' else ' -icount ' + icount),
                  meta.get('guest', '?'), meta.get('rounds', '?')))
    if icount != 'off':
        out.append('icount: guest time counts instructions; MiB/s and CPU times are in guest time')
    if meta.get('profile') == '1':
        out.append('profile: perf record ran during the FUSE cases (their MiB/s include its cost)')
    for k in KERNELS:
        out.append('%-8s %s (sha256 %s, %s)' % (k, meta.get(k, '?'), meta.get(k + '_sha256', '?')[:12],
                                           meta.get(k + '_uname', '?')))
    out.append('')
    out.append('%-*s  %-8s %*s %*s   %s' % (w, '', '', col, 'baseline', col, 'patched',
                                           'ratio [paired min-max]'))
    for case, s in summary.items():
        b, p = s['baseline'], s['patched']
        bm = b['bw_mib_s']['median'] if b['bw_mib_s'] else None
        cells = []
        for k in KERNELS:
            x = s[k]['bw_mib_s']
            cells.append('%10.2f %s' % (x['median'], pct(x['median'], bm if k == 'patched' else x['median']))
                         if x else 'n/a')
        ratio = ''
        if 'ratio' in s:
            pr = s['paired_ratio']
            ratio = '%.3f' % s['ratio'] + (' [%.3f-%.3f]' % (pr['min'], pr['max']) if pr else '')
        out.append('%-*s  %-8s %*s %*s   %s' % (w, case, 'Median', col, cells[0], col, cells[1], ratio))
        cells = []
        for k in KERNELS:
            x = s[k]['bw_mib_s']
            cells.append('%.2f / %.2f' % (x['min'], x['max']) if x else '-')
        out.append('%-*s  %-8s %*s %*s' % (w, '', 'Min/Max', col, cells[0], col, cells[1]))
        if any(s[k]['hog_mib_s'] for k in KERNELS):
            cells = []
            for k in KERNELS:
                x = s[k]['hog_mib_s']
                hb = s['baseline']['hog_mib_s']
                cells.append('%10.2f %s' % (x['median'], pct(x['median'], hb['median'] if hb and k == 'patched'
                                                             else x['median'])) if x else '-')
            out.append('%-*s  %-8s %*s %*s' % (w, '', 'Hog MiB/s', col, cells[0], col, cells[1]))
            if s.get('hog_verdict'):
                ci = s['hog_ratio_ci']
                out.append('%-*s  %-8s %s' % (w, '', 'Hog CI', '%.3f, 95%% CI %.3f-%.3f (%d rounds): %s' % (
                    ci['centre'], ci['lo'], ci['hi'], ci['n'], s['hog_verdict']) if ci else s['hog_verdict']))
        if any(s[k]['hog_cpu_share'] for k in KERNELS):
            cells = ['%.1f%%' % (s[k]['hog_cpu_share']['median'] * 100) if s[k]['hog_cpu_share'] else '-'
                     for k in KERNELS]
            out.append('%-*s  %-8s %*s %*s' % (w, '', 'Hog CPU', col, cells[0], col, cells[1]))
            if s.get('hog_cpu_verdict'):
                ci = s['hog_cpu_ratio_ci']
                out.append('%-*s  %-8s %s' % (w, '', 'Hog% CI', '%.3f, 95%% CI %.3f-%.3f (%d rounds): %s' % (
                    ci['centre'], ci['lo'], ci['hi'], ci['n'], s['hog_cpu_verdict'])
                    if ci else s['hog_cpu_verdict']))
        if s.get('verdict'):
            ci = s['ratio_ci']
            out.append('%-*s  %-8s %s' % (w, '', 'Ratio CI', '%.3f, 95%% CI %.3f-%.3f (%d rounds): %s' % (
                ci['centre'], ci['lo'], ci['hi'], ci['n'], s['verdict']) if ci else s['verdict']))
        out.append('%-*s  %-8s %*s %*s' % (w, '', 'Runs', col, outcome(b), col, outcome(p)))
        if b['oom_kills'] or p['oom_kills']:
            out.append('%-*s  %-8s %*s %*s' % (w, '', 'OOM kill', col, b['oom_kills'], col, p['oom_kills']))
    out.append('')
    out.append('Reclaim: median per run of /proc/vmstat deltas (peaks: sampled every second) and'
               ' of the cgroup\'s memory.events')
    out.append('(runs that finished or were OOM-killed; rows that are 0 on both kernels are left out,'
               ' but for file writes and OOM kills)')
    out.append('%-*s  %-31s %12s %12s' % (w, '', '', 'baseline', 'patched'))
    for case, s in summary.items():
        b, p = s['baseline']['vmstat_median'], s['patched']['vmstat_median']
        if not b and not p:
            continue
        first = True
        for label, _ in VMSTAT_ROWS:
            bv, pv = b.get(label), p.get(label)
            if bv is None and pv is None or not bv and not pv and label not in KEY_ROWS:
                continue
            out.append('%-*s  %-31s %12s %12s %s' % (
                w, case if first else '', label,
                '-' if bv is None else '%d' % bv, '-' if pv is None else '%d' % pv,
                pct(pv, bv) if bv and pv is not None else ''))
            first = False
    out += render_cpu(summary, w)
    out += render_profile(summary, w)
    out.append('')
    reasons = []
    for case, s in summary.items():
        for k in KERNELS:
            for r in s[k]['reasons']:
                reasons.append('  %s on %s: %s' % (case, k, r))
    if reasons:
        out.append('Not measured:')
        out += reasons
    bad = [b for b in boots if b['rc'] != 0 or b['reports']]
    for b in bad:
        out.append('boot %s: %s%s' % (b['dir'], BOOT_ERRORS.get(str(b['rc']), 'exit %s' % b['rc'])
                                      if b['rc'] else 'ok',
                                      ''.join('\n  kernel report during %s: %s' % (t, rep)
                                              for t, rep in b['reports'])))
    return '\n'.join(line.rstrip() for line in out) + '\n'


def render_cpu(summary, w):
    """Table rows: CPU ms per MiB written, median per kernel."""
    out = []
    if not any(s[k]['cpu_ms_per_mib'] for s in summary.values() for k in KERNELS):
        return out
    out.append('')
    out.append('CPU time per MiB written, ms/MiB: median of the runs (utime+stime over the fio run;'
               ' kworkers: delta summed over')
    out.append('every kworker thread; flush-*: all the time of those seen running a bdi flush;'
               ' busy: all of the guest\'s CPU but idle)')
    out.append('%-*s  %-31s %12s %12s' % (w, '', '', 'baseline', 'patched'))
    for case, s in summary.items():
        b, p = s['baseline']['cpu_ms_per_mib'], s['patched']['cpu_ms_per_mib']
        first = True
        for key, label in CPU_ROWS:
            bv, pv = b.get(key), p.get(key)
            if bv is None and pv is None:
                continue
            out.append('%-*s  %-31s %12s %12s %s' % (
                w, case if first else '', label, '-' if bv is None else '%.3f' % bv,
                '-' if pv is None else '%.3f' % pv, pct(pv, bv) if bv and pv is not None else ''))
            first = False
        ci = s.get('busy_ratio_ci')
        if s.get('busy_verdict'):
            out.append('%-*s  %-31s %s' % (w, '', 'busy ratio CI', '%.3f, 95%% CI %.3f-%.3f (%d rounds): %s' % (
                ci['centre'], ci['lo'], ci['hi'], ci['n'], s['busy_verdict']) if ci else s['busy_verdict']))
    return out


def render_profile(summary, w):
    """Table rows: the profile's shares, median per kernel."""
    out = []
    if not any(s[k]['profile'] for s in summary.values() for k in KERNELS):
        return out
    out.append('')
    out.append('Profile: perf record -e cpu-clock -a -g over the fio run, self time in % of the'
               ' samples that were not idle (idle: % of all), median of the runs')
    out.append('%-*s  %-31s %12s %12s' % (w, '', '', 'baseline', 'patched'))
    for case, s in summary.items():
        b, p = s['baseline']['profile'], s['patched']['profile']
        if not b and not p:
            continue
        first = True
        for key, label in PROFILE_ROWS:
            cells = []
            for x in (b, p):
                v = x.get('busy', {}).get(key) if key != 'idle' else x.get(key)
                cells.append('-' if v is None else '%.2f%%' % v)
            out.append('%-*s  %-31s %12s %12s' % (w, case if first else '', label, cells[0], cells[1]))
            first = False
    return out


def plot(rundir, summary):
    """ratios.dat (one line per case) and, with gnuplot, ratios.png."""
    dat = os.path.join(rundir, 'ratios.dat')
    labels = []
    with open(dat, 'w') as f:
        f.write('# index case ratio paired_min paired_max paired_q1 paired_q3 (? = no ratio)\n')
        for i, (c, s) in enumerate(summary.items()):
            if 'ratio' not in s:
                f.write('%d %s ? ? ? ? ?\n' % (i, c))
                why = ['%s: %s' % (k, outcome(s[k])) for k in KERNELS if not s[k]['bw_mib_s']]
                labels.append((i, 'no ratio (%s)' % '; '.join(why)))
                continue
            pr = s['paired_ratio'] or {'min': s['ratio'], 'max': s['ratio'], 'q1': s['ratio'],
                                       'q3': s['ratio']}
            f.write('%d %s %.4f %.4f %.4f %.4f %.4f\n' % (i, c, s['ratio'], pr['min'], pr['max'],
                                                       pr['q1'], pr['q3']))
    if not summary or not shutil.which('gnuplot'):
        return None
    png = os.path.join(rundir, 'ratios.png')
    script = '''
set terminal pngcairo size 1000,600 font ",10"
set output '%s'
set title "fio write bandwidth, patched / baseline: median ratio; bars: min-max of the per-round ratios"
set ylabel "patched / baseline"
set xtics rotate by -35 left noenhanced
set grid ytics
set key off
set datafile missing "?"
set xrange [-0.6:%f]
set yrange [*<0.8:1.2<*]
set bmargin 9
set rmargin 10
%s
plot 1 with lines lc rgb "gray" dt 2, \\
     '%s' using 1:3:4:5:xtic(2) with yerrorbars pt 7 ps 1.2 lc rgb "#1f77b4", \\
     '' using 1:3:(sprintf(" %%.2f", $3)) with labels left offset 0.8,0 font ",9"
''' % (png, len(summary) - 0.4, '\n'.join(
        'set label "%s" at %d, graph 0.5 rotate by 90 center font ",9" noenhanced' % (t, i)
        for i, t in labels), dat)
    r = subprocess.run(['gnuplot'], input=script, text=True, capture_output=True)
    if r.returncode:
        sys.stderr.write('gnuplot failed: %s\n' % r.stderr)
        return None
    return png


def main():
    rundir = sys.argv[1]
    meta = keyvals(read(os.path.join(rundir, 'meta')))
    runs, boots = [], []
    rounds = sorted((d for d in os.listdir(rundir) if d.startswith('round-')),
                    key=lambda d: int(d.split('-')[1]))
    for rd in rounds:
        rnum = int(rd.split('-')[1])
        for k in KERNELS:
            kdir = os.path.join(rundir, rd, k)
            if not os.path.isdir(kdir):
                continue
            for bd in sorted(os.listdir(kdir)):
                bdir = os.path.join(kdir, bd)
                rc = read(os.path.join(bdir, 'boot.rc')).strip() or 'missing'
                rc = int(rc) if rc.lstrip('-').isdigit() else rc
                reports = [(test, rep) for _, test, rep in
                           results.scan_console(os.path.join(bdir, 'console.log'))
                           if not OOM_REPORT.search(rep)]
                boot = {'dir': os.path.relpath(bdir, rundir), 'round': rnum, 'kernel': k, 'rc': rc,
                        'uname': read(os.path.join(bdir, 'uname')).strip(),
                        'guest': keyvals(read(os.path.join(bdir, 'guest-info'))),
                        'reports': reports}
                boots.append(boot)
                failed = BOOT_ERRORS.get(str(rc), 'guest exit %s' % rc) if rc != 0 else ''
                for line in read(os.path.join(bdir, 'plan')).split():
                    workload, case = line.split('/', 1)
                    run = {'round': rnum, 'kernel': k, 'workload': workload, 'case': case,
                           'dir': os.path.relpath(os.path.join(bdir, case), rundir)}
                    run.update(load_run(os.path.join(bdir, case), failed))
                    run['kernel_reports'] = [rep for t, rep in reports if t == case]
                    runs.append(run)
    for k in KERNELS:
        u = next((b['uname'] for b in boots if b['kernel'] == k and b['uname']), '')
        meta.setdefault(k + '_uname', u or '?')
    g = next((b['guest'] for b in boots if b['guest']), {})
    if g:
        meta.setdefault('guest', '%s CPU, %d MiB' % (g.get('cpus', '?'),
                                                     int(g.get('mem_kib', 0)) // 1024))
    summary = summarize(runs)
    table = render(meta, summary, boots)
    png = plot(rundir, summary)
    with open(os.path.join(rundir, 'table.txt'), 'w') as f:
        f.write(table)
    with open(os.path.join(rundir, 'results.json'), 'w') as f:
        json.dump({'meta': meta, 'boots': boots, 'runs': runs, 'summary': summary}, f, indent=1)
    sys.stdout.write(table)
    counts = {}
    for r in runs:
        counts[r['status']] = counts.get(r['status'], 0) + 1
    print('bench: %d runs: %s' % (len(runs), ', '.join('%d %s' % (v, k) for k, v in sorted(counts.items()))))
    print('results: %s/results.json, table.txt%s' % (rundir, ', ratios.png' if png else ''))
    status = 0
    for b in boots:
        if b['rc'] != 0:
            print('error: boot %s: %s (console log kept: %s/console.log)'
                  % (b['dir'], BOOT_ERRORS.get(str(b['rc']), 'exit %s' % b['rc']),
                     os.path.join(rundir, b['dir'])))
            status = 1
        for test, rep in b['reports']:
            print('error: kernel report in %s during %s: %s' % (b['dir'], test, rep))
            status = 1
    for case, s in summary.items():
        broken = all(s[k]['runs'] and s[k]['statuses'].get('failed', 0) + s[k]['statuses'].get('timeout', 0)
                     == s[k]['runs'] for k in KERNELS)
        if broken:
            print('error: %s failed on every run of both kernels: %s'
                  % (case, '; '.join(s['baseline']['reasons'][:2])))
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
