#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count test cases of a harness run and judge its kernel logs.

usage: results.py RUNDIR KNOWN_FAILURES VARIANT [PREFIX]

RUNDIR holds one directory per boot (boot-*/), each with console.log and
one directory per suite, which holds NAME.tap/NAME.rc per test program.
Leaf TAP/KTAP results are counted; a program whose output has no result
line counts as one case by its exit code (0 pass, 4 skip). A splat in the
console log (panic, oops, BUG, WARNING, lockdep, hung task) is a failed case
of the test that was running, unless its suite allows that report.
Writes RUNDIR/results.json, prints a table and "N passed, N failed, N skipped".
PREFIX (the series' base, "6.12/", when CI runs more than one) goes in
front of every suite's name in the table and results.json; KNOWN_FAILURES
names cases without it.
"""
import json
import os
import re
import sys

RESULT = re.compile(r'^(\s*)(ok|not ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$')
TOTALS = re.compile(r'^\s*#\s*Totals: pass:\d+ fail:(\d+)', re.M)
SPLAT = re.compile(
    r'(Kernel panic|BUG:|Oops|general protection fault|WARNING:|'
    r'possible circular locking|possible recursive locking|inconsistent lock state|'
    r'blocked for more than \d+ seconds|UBSAN:|kernel BUG at|invoked oom-killer|'
    r'BUG kmalloc|sleeping function called from invalid context)')
# A stack dump is part of the report above it; alone it is a report itself.
TRACE = re.compile(r'Call Trace:')
# Lines that look like reports but are not, with the reason.
NOT_SPLAT = re.compile(
    # pr_warn() of 6.1's workqueue NUMA init under numa=fake: no WARN().
    r'WARNING: workqueue cpumask: online intersect > possible intersect')
# KUnit runs at boot, before any harness marker: name its suite instead.
KUNIT_SUITE = re.compile(r'# Subtest: (\S+)')
MARK = re.compile(r'wb-harness: (suite|test) (\S+) (begin|end)')


def parse_tap(text):
    """Return [(name, status)] for the leaf results of TAP/KTAP text."""
    leaves = []
    # pending[indent] = leaves seen at that indent since the last shallower line
    pending = {}
    for line in text.splitlines():
        m = RESULT.match(line.replace('\t', '        '))
        if not m:
            continue
        indent, ok, _, desc, directive = m.groups()
        depth = len(indent)
        directive = (directive or '').strip()
        if directive.upper().startswith('SKIP'):
            status = 'skip'
        elif ok == 'ok' or directive.upper().startswith('TODO'):
            status = 'pass'
        else:
            status = 'fail'
        children = []
        for d in sorted(k for k in pending if k > depth):
            children += pending.pop(d)
        if children:
            # A parent line: its children are the cases. A failed parent
            # whose children all passed adds one failure of its own.
            named = [(desc + '.' + n if desc else n, s) for n, s in children]
            if status == 'fail' and all(s != 'fail' for _, s in children):
                named.append((desc or 'parent', 'fail'))
            pending.setdefault(depth, []).extend(named)
        else:
            pending.setdefault(depth, []).append((desc or 'case', status))
    for d in sorted(pending):
        leaves += pending[d]
    return leaves


def program_cases(suite_dir, prog):
    base = os.path.join(suite_dir, prog)
    text = ''
    if os.path.exists(base + '.tap'):
        with open(base + '.tap', errors='replace') as f:
            text = f.read()
    rc = None
    if os.path.exists(base + '.rc'):
        with open(base + '.rc') as f:
            rc = int(f.read().strip() or 1)
    leaves = parse_tap(text)
    cases = [(prog + ':' + n, s) for n, s in leaves]
    plan = re.search(r'^\s*1\.\.(\d+)', text, re.M)
    if not cases:
        status = {0: 'pass', 4: 'skip'}.get(rc, 'fail')
        cases = [(prog, status)]
    elif rc not in (0, 4, None) and all(s != 'fail' for _, s in cases):
        # Died, timed out or lost part of its plan: that is a failure too.
        cases.append((prog + ':exit-code-%d' % rc, 'fail'))
    elif plan and int(plan.group(1)) > len(cases) and rc not in (0,):
        cases.append((prog + ':incomplete-plan', 'fail'))
    # Summaries the producer printed ("# Totals: pass:P fail:F ..."): a
    # failure they count and the result lines lost is a failure too.
    reported = sum(int(m) for m in TOTALS.findall(text))
    lost = reported - sum(1 for _, s in cases if s == 'fail')
    cases += [(prog + ':lost-result-%d' % (i + 1), 'fail') for i in range(lost)]
    return cases


def scan_console(path):
    """Return [(suite, test, first line of report)] for each splat."""
    splats = []
    suite = test = 'boot'
    lineno, last_header = 0, -1000
    if not os.path.exists(path):
        return splats
    with open(path, errors='replace') as f:
        for line in f:
            m = MARK.search(line)
            if m:
                kind, name, edge = m.groups()
                if kind == 'suite':
                    suite = name if edge == 'begin' else 'between-suites'
                    test = suite
                else:
                    test = name if edge == 'begin' else suite
                continue
            lineno += 1
            k = KUNIT_SUITE.search(line)
            if k and suite == 'boot':
                test = 'kunit:' + k.group(1)
            if SPLAT.search(line) and not NOT_SPLAT.search(line):
                last_header = lineno
                splats.append((suite, test, line.strip()))
            elif TRACE.search(line) and lineno - last_header > 40:
                splats.append((suite, test, line.strip()))
    return splats


BOOT_ERRORS = {'124': 'timeout', '125': 'crash', '126': 'stalled'}


def read_words(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return f.read().split()


def suite_allowed_splats(repo, suite):
    path = os.path.join(repo, 'scripts', 'suites', suite + '.suite')
    if not os.path.exists(path):
        return None
    with open(path) as f:
        m = re.search(r"^allow_splats='([^']*)'", f.read(), re.M)
    return re.compile(m.group(1)) if m and m.group(1) else None


def load_known(path, variant):
    known = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith('#'):
                    continue
                kernels, case, reason = line.split(None, 2)
                if variant in kernels.split(','):
                    known[case] = reason
    return known


def main():
    rundir, known_path, variant = sys.argv[1:4]
    prefix = sys.argv[4] if len(sys.argv) > 4 else ''
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    known = load_known(known_path, variant)
    suites = {}
    reports = []
    for boot in sorted(d for d in os.listdir(rundir)
                       if d == 'host' or d.startswith('boot-')):
        bdir = os.path.join(rundir, boot)
        planned = read_words(os.path.join(bdir, 'plan'))
        boot_rc = read_words(os.path.join(bdir, 'boot.rc'))
        if boot_rc and boot_rc != ['0']:
            for suite in planned:
                if not os.path.exists(os.path.join(bdir, suite, 'suite.rc')):
                    suites.setdefault(suite, []).append(
                        ('not-run:guest-%s' % BOOT_ERRORS.get(boot_rc[0], 'exit-' + boot_rc[0]),
                         'fail'))
        for suite in sorted(os.listdir(bdir)):
            sdir = os.path.join(bdir, suite)
            if not os.path.isdir(sdir):
                continue
            progs = sorted({f.rsplit('.', 1)[0] for f in os.listdir(sdir)
                            if f.endswith('.rc') and f != 'suite.rc'})
            cases = suites.setdefault(suite, [])
            for p in progs:
                cases += program_cases(sdir, p)
            if not progs:
                cases.append(('suite-ran', 'fail'))
        for suite, test, report in scan_console(os.path.join(bdir, 'console.log')):
            allowed = suite_allowed_splats(repo, suite)
            if allowed and allowed.search(report):
                continue
            reports.append((boot, suite, test, report))
            suites.setdefault(suite, []).append(('kernel-log:' + test, 'fail'))
    total = {'pass': 0, 'fail': 0, 'skip': 0, 'known': 0}
    out = {'variant': variant, 'suites': {}, 'reports': reports}
    print('%-28s %6s %6s %6s %6s' % ('suite', 'pass', 'fail', 'skip', 'known'))
    failures = []
    for suite in sorted(suites):
        c = {'pass': 0, 'fail': 0, 'skip': 0, 'known': 0}
        rows = []
        for name, status in suites[suite]:
            full = suite + '/' + name
            if status == 'fail' and full in known:
                status = 'known'
                failures.append('  known failure %s%s: %s' % (prefix, full, known[full]))
            elif status == 'fail':
                failures.append('  FAIL %s%s' % (prefix, full))
            c[status] += 1
            rows.append({'case': name, 'status': status})
        for k in c:
            total[k] += c[k]
        out['suites'][prefix + suite] = rows
        print('%-28s %6d %6d %6d %6d' % (prefix + suite, c['pass'], c['fail'], c['skip'], c['known']))
    for line in failures:
        print(line)
    for boot, suite, test, report in reports:
        print('  kernel report in %s during %s%s/%s: %s' % (boot, prefix, suite, test, report))
    out['totals'] = total
    with open(os.path.join(rundir, 'results.json'), 'w') as f:
        json.dump(out, f, indent=1)
    if total['known']:
        print('%d known failures (also fail on the baseline kernel; counted as skipped)'
              % total['known'])
    print('%d passed, %d failed, %d skipped'
          % (total['pass'], total['fail'], total['skip'] + total['known']))
    return 1 if total['fail'] else 0


if __name__ == '__main__':
    sys.exit(main())
