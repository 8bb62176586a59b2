// `spatialkit bench --md`: the markdown page renders whatever rows a run reports, with the figures
// the harness computed (here from hand-made rows: GB/s and times chosen so every ratio is exact).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchMarkdown, type BenchRecord, type BenchRow } from '../src/cli/bench.js';
// @ts-expect-error bench/lib.js is plain JavaScript without types
import * as lib from '../bench/lib.js';

const row = (over: Partial<BenchRow> & { op: string; label: string; kind: BenchRow['kind']; ns: number; cpuNs: number }): BenchRow & { ns: number; cpuNs: number } => ({
  suite: 'demo', n: 1000, items: 1000, variant: 'out', threads: 1, bytes: 8000, melemPerS: null, gbps: null, pctCopy: null, onCpu: 1, ...over,
});
/** A record as bench/lib.js's main() writes it, with ratios added by the harness itself. */
function record(): BenchRecord {
  const rows = [
    row({ op: 'brandNewOp', label: 'copy', kind: 'copy', ns: 100, cpuNs: 100 }),
    row({ op: 'brandNewOp', label: 'native', kind: 'subject', ns: 125, cpuNs: 62.5, onCpu: 0.5 }),
    row({ op: 'brandNewOp', label: 'js loop', kind: 'peer', ns: 500, cpuNs: 500 }),
  ].map((r) => ({ ...r, gbps: r.bytes / r.ns, melemPerS: (r.n * 1e3) / r.ns }));
  return {
    suite: 'demo', date: '2026-12-07T17:00:00.000Z', quick: true, commit: null,
    machine: { node: 'v20.0.0', platform: 'linux-x64', cpu: 'Test CPU', cores: 2, memGiB: 8 }, settings: { minSamples: 3 },
    processes: [{ mode: 'one', loadavg: { start: [1.5, 1, 1], end: [2.25, 1, 1] } }],
    notes: ['a note'], skips: [{ impl: 'cuda', reason: 'unavailable: no GPU' }],
    targets: [{ label: 'native ≥ 3× js loop', min: 3, value: 4, pass: true }], errors: [], rows: lib.addRatios(rows),
  };
}

describe('bench --md', () => {
  it('renders every reported row with % of the copy kernel and × peer', () => {
    const md = benchMarkdown([record()], lib, 'spatialkit bench --quick --md');
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).toContain('  - demo: one-thread 1.50 1.00 1.00 → 2.25 1.00 1.00');
    expect(md).toContain('| op | impl | threads | call | M elem/s | GB/s | % copy | × js loop | cpu% | M/s @cpu | % copy @cpu |');
    // 8000 bytes in 125 ns = 64 GB/s against the copy's 80: 80 %; the peer took 500 ns: 4.00×;
    // on CPU time (half the wall time) 16000 M/s and 160 % of the copy, which ran on its core throughout.
    expect(md).toMatch(/\| brandNewOp \| native \| 1 \| out \| 8000 \| 64\.00 \| 80 \| 4\.00 \| 50 \| 16000 \| 160 \|/);
    expect(md).toMatch(/\| brandNewOp \| copy kernel \| 1 \| {2}\| {2}\| 80\.00 \| 100 \|/);
    expect(md).toContain('- PASS native ≥ 3× js loop: 4.00 (goal ≥ 3)');
    expect(md).toContain('- skipped cuda: unavailable: no GPU');
  });

  it('--from renders a saved --json run; a bad file is one line and exit 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-benchmd-'));
    try {
      const json = path.join(dir, 'run.json'), md = path.join(dir, 'out.md');
      fs.writeFileSync(json, JSON.stringify({ suites: [record()] }));
      // dist/cli/main.js as users run it (`npm run build:ts` first, as test/cli-eval.test.ts).
      expect(fs.statSync('dist/cli/bench.js').mtimeMs, 'dist/cli/bench.js is older than src/cli/bench.ts: run `npm run build:ts`')
        .toBeGreaterThanOrEqual(fs.statSync('src/cli/bench.ts').mtimeMs);
      const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli/main.js', 'bench', ...args], { encoding: 'utf8' });
      const ok = cli('--from', json, '--md', md);
      expect(ok.status, ok.stderr).toBe(0);
      expect(fs.readFileSync(md, 'utf8')).toContain('| brandNewOp | native |');
      fs.writeFileSync(json, '{"rows": []}');
      const bad = cli('--from', json, '--md', md);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
