#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/lib/bench.py on a made-up bench run (no guest, no fio).

usage: test_bench.py   (scripts/harness check runs it as host/series:bench-summary)
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bench.py')


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def fio_json(mib_s):
    return 'fio: a warning before the JSON\n' + json.dumps({'jobs': [{
        'jobname': 'seqwrite', 'error': 0, 'elapsed': 10,
        'write': {'bw_bytes': int(mib_s * 2**20), 'iops': 10, 'io_bytes': 2**28,
                  'runtime': 10000, 'clat_ns': {'mean': 5000, 'percentile': {'99.000000': 9000}}}}]})


def vmstat(**kw):
    base = {'nr_vmscan_write': 0, 'pgscan_file': 0, 'pgscan_anon': 0, 'pgsteal_file': 0,
            'pgsteal_anon': 0, 'allocstall_normal': 0, 'oom_kill': 0, 'pswpout': 0,
            'workingset_refault_anon': 0, 'pgmajfault': 0}
    base.update(kw)
    return ''.join('%s %d\n' % kv for kv in base.items())


def make_case(bdir, case, mib_s=None, oom=0, fio_rc=0, written=0, skip=None):
    cdir = os.path.join(bdir, case)
    write(os.path.join(cdir, 'info'), 'fs=ext4\n')
    if skip:
        write(os.path.join(cdir, 'skip'), skip + '\n')
        write(os.path.join(cdir, 'case.rc'), '0\n')
        return
    write(os.path.join(cdir, 'vmstat.before'), vmstat())
    write(os.path.join(cdir, 'vmstat.after'), vmstat(oom_kill=oom, pgscan_file=1000,
                                                     nr_vmscan_write=written,
                                                     workingset_refault_anon=written * 2))
    write(os.path.join(cdir, 'memory.events'), 'max 7\noom_kill %d\n' % oom)
    write(os.path.join(cdir, 'fio.rc'), '%d\n' % fio_rc)
    write(os.path.join(cdir, 'fio.json'), fio_json(mib_s) if mib_s else '')
    write(os.path.join(cdir, 'case.rc'), '0\n')


def proc_line(pid, comm, ticks, child_ticks=0):
    """A /proc/PID/stat line: utime=ticks, stime=0, cutime=child_ticks."""
    return '%d (%s) S 1 1 1 0 -1 0 0 0 0 0 %d 0 %d 0 20 0 1 0 0 0 0\n' % (pid, comm, ticks, child_ticks)


def make_cpu(cdir, kworker, server, writer, busy):
    """bench_cpu_snap's files for a run that used these ticks (clk_tck 100)."""
    write(os.path.join(cdir, 'info'), 'fs=ext4\nclk_tck=100\n')
    # 301 is not a FUSE server (a hog): not counted as one
    write(os.path.join(cdir, 'pids'), '300\n301\n')
    write(os.path.join(cdir, 'procstat.before'), proc_line(10, 'kworker/u2:1-flush-0:40', 5)
          + proc_line(11, 'kworker/0:1-events', 7) + proc_line(300, 'fuse_wb_server', 1))
    # kworker 12 is born during the run
    write(os.path.join(cdir, 'procstat.after'), proc_line(10, 'kworker/u2:1-flush-0:40', 5 + kworker // 2)
          + proc_line(11, 'kworker/0:1-events', 7) + proc_line(12, 'kworker/0:2', kworker - kworker // 2)
          + proc_line(300, 'fuse_wb_server', 1 + server) + proc_line(301, 'hog', 500))
    write(os.path.join(cdir, 'self.before'), proc_line(200, 'bash', 3, 40))
    write(os.path.join(cdir, 'self.after'), proc_line(200, 'bash', 3, 40 + writer))
    write(os.path.join(cdir, 'stat.before'), 'cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 100 0 50 1000 0 0 0 0 0 0\n')
    write(os.path.join(cdir, 'stat.after'), 'cpu  %d 0 50 1500 0 0 0 0 0 0\n' % (100 + busy))


def make_profile(cdir, copy_pct, kworker_pct):
    """perf report --sort sym and --sort comm output, as the guest saves it."""
    write(os.path.join(cdir, 'perf-report-sym.txt'),
          '# Samples: 12K of event \'cpu-clock\'\n# Overhead  Symbol\n#\n'
          '    40.00%%  [k] default_idle\n    %.2f%%  [k] copy_page\n'
          '     1.50%%  [.] memcpy\n' % copy_pct)
    write(os.path.join(cdir, 'perf-report-comm.txt'),
          '# Overhead  Command\n    30.00%%  fio\n    %.2f%%  kworker/u2:1-flush-0:40\n'
          '     2.00%%  kworker/0:1-ev\n    10.00%%  fuse_wb_server\n' % kworker_pct)


def make_boot(rundir, rnd, kernel, cases, rc=0, console=''):
    bdir = os.path.join(rundir, 'round-%d' % rnd, kernel, 'boot-v2-1G')
    write(os.path.join(bdir, 'plan'), ''.join('w/%s\n' % c for c in cases))
    write(os.path.join(bdir, 'boot.rc'), '%d\n' % rc)
    write(os.path.join(bdir, 'console.log'), console)
    write(os.path.join(bdir, 'uname'), '6.1.192\n')
    write(os.path.join(bdir, 'guest-info'), 'cpus=1\nmem_kib=1000000\n')
    return bdir


class BenchSummary(unittest.TestCase):
    def run_bench(self, rundir):
        r = subprocess.run([sys.executable, BENCH, rundir], capture_output=True, text=True)
        with open(os.path.join(rundir, 'results.json')) as f:
            return r.returncode, r.stdout, json.load(f)

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.rundir = self.tmp.name
        write(os.path.join(self.rundir, 'meta'), 'accel=tcg\nrounds=2\n')

    def tearDown(self):
        self.tmp.cleanup()

    def test_ratio_oom_and_skip(self):
        for rnd, (b, p) in enumerate([(100, 110), (120, 120)], 1):
            bd = make_boot(self.rundir, rnd, 'baseline', ['a', 'v1', 'f'])
            make_case(bd, 'a', b, written=5)
            make_case(bd, 'v1', None, oom=1, fio_rc=137, written=3)
            make_case(bd, 'f', skip='no server')
            pd = make_boot(self.rundir, rnd, 'patched', ['a', 'v1', 'f'])
            make_case(pd, 'a', p)
            make_case(pd, 'v1', 50)
            make_case(pd, 'f', skip='no server')
        rc, out, res = self.run_bench(self.rundir)
        self.assertEqual(rc, 0, out)
        s = res['summary']
        self.assertAlmostEqual(s['a']['baseline']['bw_mib_s']['median'], 110)
        self.assertAlmostEqual(s['a']['patched']['bw_mib_s']['median'], 115)
        self.assertAlmostEqual(s['a']['ratio'], 115 / 110)
        self.assertAlmostEqual(s['a']['paired_ratio']['max'], 1.1)
        self.assertEqual(s['v1']['baseline']['statuses'], {'oom': 2})
        self.assertEqual(s['v1']['baseline']['oom_kills'], 2)
        self.assertNotIn('ratio', s['v1'])
        self.assertEqual(s['f']['patched']['statuses'], {'skipped': 2})
        self.assertEqual(s['a']['baseline']['vmstat_median']['nr_vmscan_write'], 5)
        self.assertEqual(s['a']['baseline']['vmstat_median']['workingset_refault_anon'], 10)
        self.assertNotIn('pgmajfault', out)
        self.assertIn('0 ok, 2 OOM', out)
        self.assertIn('115.00 (   4.55%)', out)
        with open(os.path.join(self.rundir, 'ratios.dat')) as f:
            self.assertIn('v1 ? ? ? ? ?', f.read())

    def paired(self, ratios_by_case):
        """Rounds of cases whose patched/baseline ratio is given per round."""
        cases = sorted(ratios_by_case)
        for rnd in range(1, len(ratios_by_case[cases[0]]) + 1):
            bd = make_boot(self.rundir, rnd, 'baseline', cases)
            pd = make_boot(self.rundir, rnd, 'patched', cases)
            for c in cases:
                make_case(bd, c, 100 + rnd)
                make_case(pd, c, (100 + rnd) * ratios_by_case[c][rnd - 1])
        return self.run_bench(self.rundir)

    def test_interval_and_verdict(self):
        rc, out, res = self.paired({'clear': [1.20, 1.22, 1.19, 1.21],
                                    'noise': [0.80, 1.30, 0.95, 1.10],
                                    'worse': [0.90, 0.91, 0.89, 0.90]})
        self.assertEqual(rc, 0, out)
        s = res['summary']
        ci = s['clear']['ratio_ci']
        self.assertEqual(ci['n'], 4)
        self.assertLess(1.0, ci['lo'])
        self.assertLess(ci['lo'], 1.19)
        self.assertLess(1.22, ci['hi'])
        self.assertAlmostEqual(ci['centre'], (1.20 * 1.22 * 1.19 * 1.21) ** 0.25, places=3)
        self.assertEqual(s['clear']['verdict'], 'faster')
        self.assertLess(s['noise']['ratio_ci']['lo'], 1.0)
        self.assertLess(1.0, s['noise']['ratio_ci']['hi'])
        self.assertEqual(s['noise']['verdict'], 'no difference detectable')
        self.assertEqual(s['worse']['verdict'], 'slower')
        self.assertEqual([round(x, 2) for x in s['noise']['paired_ratios']], [0.80, 1.30, 0.95, 1.10])
        self.assertIn(': faster', out)
        self.assertIn(': no difference detectable', out)

    def test_one_round_has_no_interval(self):
        rc, out, res = self.paired({'a': [1.5]})
        self.assertEqual(rc, 0, out)
        self.assertIsNone(res['summary']['a']['ratio_ci'])
        self.assertNotIn('faster', res['summary']['a']['verdict'])

    def test_cpu_per_mib_and_profile(self):
        for k, (kw, srv, wr, busy, copy) in (('baseline', (40, 30, 100, 250, 6.0)),
                                             ('patched', (20, 30, 100, 200, 0.0))):
            bd = make_boot(self.rundir, 1, k, ['f'])
            make_case(bd, 'f', 50)
            make_cpu(os.path.join(bd, 'f'), kw, srv, wr, busy)
            make_profile(os.path.join(bd, 'f'), copy, kw / 10)
            # the hog (pid 301, 500 ticks) of a mixed case
            with open(os.path.join(bd, 'f', 'info'), 'a') as f:
                f.write('hog_pid=301\n')
        rc, out, res = self.run_bench(self.rundir)
        self.assertEqual(rc, 0, out)
        b, p = (res['summary']['f'][k] for k in ('baseline', 'patched'))
        # io_bytes 2^28: 256 MiB; 40 ticks = 0.4 s -> 1.5625 ms/MiB
        self.assertAlmostEqual(b['cpu_ms_per_mib']['kworker'], 400 / 256)
        self.assertAlmostEqual(b['cpu_ms_per_mib']['flush'], 200 / 256)
        self.assertAlmostEqual(b['cpu_ms_per_mib']['server'], 300 / 256)
        self.assertAlmostEqual(b['cpu_ms_per_mib']['writer'], 1000 / 256)
        self.assertAlmostEqual(p['cpu_ms_per_mib']['busy'], 2000 / 256)
        self.assertAlmostEqual(b['profile']['copy_page'], 6.0)
        self.assertAlmostEqual(b['profile']['copy'], 6.0)
        self.assertAlmostEqual(b['profile']['idle'], 40.0)
        self.assertAlmostEqual(b['profile']['kworker'], 6.0)
        self.assertAlmostEqual(b['profile']['busy']['copy_page'], 10.0)
        self.assertAlmostEqual(p['profile']['copy'], 0.0)
        self.assertAlmostEqual(p['profile']['server'], 10.0)
        self.assertIn('CPU time per MiB written', out)
        self.assertIn('Profile: perf record', out)
        self.assertAlmostEqual(res['summary']['f']['busy_ratios'][0], 0.8)
        # elapsed: busy + 500 idle ticks
        self.assertAlmostEqual(b['hog_cpu_share']['median'], 500 / 750)
        self.assertAlmostEqual(p['hog_cpu_share']['median'], 500 / 700)
        self.assertAlmostEqual(res['summary']['f']['hog_cpu_ratios'][0], 750 / 700)
        self.assertIn('Hog CPU', out)
        self.assertNotIn('hog', b['cpu_ms_per_mib'])
        self.assertIsNone(res['summary']['f']['busy_ratio_ci'])

    def test_busy_cpu_interval(self):
        for rnd, (bb, pb) in enumerate([(250, 200), (260, 205), (255, 199)], 1):
            for k, busy in (('baseline', bb), ('patched', pb)):
                bd = make_boot(self.rundir, rnd, k, ['f'])
                make_case(bd, 'f', 50 + rnd)
                make_cpu(os.path.join(bd, 'f'), 10, 10, 10, busy)
        rc, out, res = self.run_bench(self.rundir)
        self.assertEqual(rc, 0, out)
        s = res['summary']['f']
        self.assertLess(s['busy_ratio_ci']['hi'], 1.0)
        self.assertEqual(s['busy_verdict'], 'less CPU')
        self.assertEqual(s['verdict'], 'no difference detectable')

    def test_trace_and_hog_interval(self):
        trace = (
            '# tracer: nop\n#\n'
            '        kswapd0-30      [000] d..1.   101.000000: mm_vmscan_throttled: nid=0 '
            'usec_timeout=100000 usect_delayed=100000 reason=VMSCAN_THROTTLE_WRITEBACK\n'
            '        kswapd0-30      [000] d..1.   102.000000: mm_vmscan_throttled: nid=0 '
            'usec_timeout=100000 usect_delayed=40000 reason=VMSCAN_THROTTLE_WRITEBACK\n'
            '        python3-250     [000] .....   103.000000: mm_vmscan_throttled: nid=0 '
            'usec_timeout=4000 usect_delayed=4000 reason=VMSCAN_THROTTLE_NOPROGRESS\n'
            ' kworker/u2:1-flush-254:0-40 [000] .....   104.000000: writeback_start: bdi 254:0: '
            'sb_dev 0:0 nr_pages=1024 sync_mode=0 kupdate=0 range_cyclic=1 background=1 '
            'reason=background cgroup_ino=1\n'
            '            fio-260     [000] .....   105.000000: writeback_wake_background: bdi 254:0: '
            'cgroup_ino=1\n'
            ' kworker/u2:1-flush-254:0-40 [000] .....   106.000000: writeback_start: bdi 254:0: '
            'sb_dev 0:0 nr_pages=9000 sync_mode=0 kupdate=0 range_cyclic=1 background=0 '
            'reason=vmscan cgroup_ino=1\n')
        for rnd, (bh, ph) in enumerate([(100, 60), (110, 64), (90, 55)], 1):
            for k, hog in (('baseline', bh), ('patched', ph)):
                bd = make_boot(self.rundir, rnd, k, ['m'])
                make_case(bd, 'm', 16)
                write(os.path.join(bd, 'm', 'hog.json'), json.dumps({'mib_per_s': hog}) + '\n')
                # no hog_pid: the hog is the first of the pids
                make_cpu(os.path.join(bd, 'm'), 10, 0, 10, 250 if k == 'baseline' else 300)
                write(os.path.join(bd, 'm', 'pids'), '301\n')
                with open(os.path.join(bd, 'm', 'info'), 'a') as f:
                    f.write('hog_mib=600\n')
                if k == 'patched':
                    write(os.path.join(bd, 'm', 'trace.txt'), trace)
        rc, out, res = self.run_bench(self.rundir)
        self.assertEqual(rc, 0, out)
        s = res['summary']['m']
        self.assertEqual(s['hog_verdict'], 'slower')
        self.assertLess(s['hog_ratio_ci']['hi'], 1.0)
        self.assertAlmostEqual(s['hog_ratios'][0], 0.6)
        self.assertIn('Hog CI', out)
        self.assertEqual([round(x, 3) for x in s['hog_cpu_ratios']], [round(750 / 800, 3)] * 3)
        self.assertEqual(s['hog_cpu_verdict'], 'less CPU')
        t = next(r['trace'] for r in res['runs'] if r['kernel'] == 'patched')
        self.assertEqual(t['throttled']['kswapd']['WRITEBACK'], {'n': 2, 'usec': 140000})
        self.assertEqual(t['throttled']['direct']['NOPROGRESS'], {'n': 1, 'usec': 4000})
        self.assertEqual(t['throttled_by_task']['python3']['NOPROGRESS']['n'], 1)
        self.assertEqual(t['wake_background'], 1)
        self.assertEqual(t['writeback_start'], {'background': 1, 'vmscan': 1})
        self.assertNotIn('trace', next(r for r in res['runs'] if r['kernel'] == 'baseline'))
        vm = s['patched']['vmstat_median']
        self.assertEqual(vm['throttled kswapd WRITEBACK, ms'], 140)
        self.assertEqual(vm['throttled kswapd WRITEBACK, times'], 2)
        self.assertEqual(vm['writeback_start vmscan'], 1)
        self.assertNotIn('writeback_start vmscan', s['baseline']['vmstat_median'])
        self.assertRegex(out, r'throttled kswapd WRITEBACK, ms +- +140')

    def test_crash_and_report_fail(self):
        bd = make_boot(self.rundir, 1, 'baseline', ['a', 'b'], rc=125,
                       console='wb-harness: test a begin\nBUG: unable to handle page fault\n')
        make_case(bd, 'a', 100)
        pd = make_boot(self.rundir, 1, 'patched', ['a', 'b'])
        make_case(pd, 'a', 100)
        make_case(pd, 'b', 100)
        rc, out, res = self.run_bench(self.rundir)
        self.assertEqual(rc, 1)
        self.assertIn('guest crashed', out)
        self.assertIn('kernel report in round-1/baseline/boot-v2-1G during a', out)
        st = {(r['kernel'], r['case']): r['status'] for r in res['runs']}
        self.assertEqual(st[('baseline', 'b')], 'not-run')
        self.assertEqual(st[('baseline', 'a')], 'ok')

    def test_oom_report_is_no_failure_but_broken_case_is(self):
        console = 'wb-harness: test a begin\nfio invoked oom-killer: gfp_mask=0x0\nCall Trace:\n'
        for k in ('baseline', 'patched'):
            bd = make_boot(self.rundir, 1, k, ['a'], console=console)
            make_case(bd, 'a', None, fio_rc=1)
        rc, out, _ = self.run_bench(self.rundir)
        self.assertEqual(rc, 1)
        self.assertNotIn('kernel report', out)
        self.assertIn('a failed on every run of both kernels', out)


if __name__ == '__main__':
    unittest.main()
