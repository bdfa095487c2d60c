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
    r'allocstall_\w+|nr_writeback_temp|oom_kill|pswpin|pswpout|nr_throttled_written)$')
# Rows of the reclaim section of the table: label, function of a delta dict.
VMSTAT_ROWS = [
    ('nr_vmscan_write', lambda d, m: d.get('nr_vmscan_write', 0)),
    ('file writes (vmscan - pswpout)', lambda d, m: d.get('nr_vmscan_write', 0) - d.get('pswpout', 0)),
    ('nr_vmscan_immediate_reclaim', lambda d, m: d.get('nr_vmscan_immediate_reclaim', 0)),
    ('pgscan (anon+file)', lambda d, m: d.get('pgscan_anon', 0) + d.get('pgscan_file', 0)),
    ('pgscan_direct', lambda d, m: d.get('pgscan_direct', 0)),
    ('pgsteal (anon+file)', lambda d, m: d.get('pgsteal_anon', 0) + d.get('pgsteal_file', 0)),
    ('allocstall (all zones)', lambda d, m: sum(v for k, v in d.items()
                                                if k.startswith('allocstall_'))),
    ('pswpout', lambda d, m: d.get('pswpout', 0)),
    ('nr_writeback_temp (peak)', lambda d, m: d['peak'].get('nr_writeback_temp')),
    ('nr_dirty (peak)', lambda d, m: d['peak'].get('nr_dirty')),
    ('nr_writeback (peak)', lambda d, m: d['peak'].get('nr_writeback')),
    ('oom_kill', lambda d, m: d.get('oom_kill', 0)),
    ('memcg events max / failcnt', lambda d, m: m.get('max', m.get('failcnt')) if m else None),
    ('memcg oom_kill', lambda d, m: m.get('oom_kill') if m else None),
]
# Reclaim rows shown even when both kernels have 0 there.
KEY_ROWS = ('file writes (vmscan - pswpout)', 'oom_kill', 'memcg oom_kill')
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
    hog = read(os.path.join(cdir, 'hog.json')).strip()
    if hog.startswith('{'):
        run['hog'] = json.loads(hog)
    run['oom_kills'] = max(run.get('vmstat', {}).get('oom_kill', 0), memcg.get('oom_kill', 0))
    rc = read(os.path.join(cdir, 'fio.rc')).strip()
    run['fio_rc'] = int(rc) if rc.lstrip('-').isdigit() else None
    fio = load_fio(os.path.join(cdir, 'fio.json'))
    if fio:
        run['fio'] = fio_numbers(fio)
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
            vm = [(dict(r['vmstat'], peak=r.get('vmstat_peak', {})), r.get('memcg', {})) for r in rs
                  if 'vmstat' in r and r['status'] in ('ok', 'oom')]
            hog = [r['hog']['mib_per_s'] for r in rs if 'hog' in r and r['status'] == 'ok']
            s[k] = {
                'runs': len(rs), 'statuses': counts,
                'oom_runs': sum(1 for r in rs if r['oom_kills']),
                'oom_kills': sum(r['oom_kills'] for r in rs),
                'bw_mib_s': spread(ok),
                'hog_mib_s': spread(hog),
                'vmstat_median': medians(vm),
                'reasons': sorted({r['reason'] for r in rs if r['reason']}),
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
    out.append('%s, %s guest (%s), %s round(s), order A B A B per boot group'
               % (meta.get('host', '?'), meta.get('accel', '?').upper(),
                  meta.get('guest', '?'), meta.get('rounds', '?')))
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
