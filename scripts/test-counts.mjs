// How `npm test` (scripts/test.mjs) counts: each test once. Pure functions over the tools' outputs,
// so that test/hardening/honesty.test.ts can hold the counting to examples.
//
//  - vitest: tests, not files — a file that fails outside its tests (it does not load, a hook
//    throws) is one failure; skipped and todo tests are counted as skipped.
//  - native (scripts/test-native.sh): each check once. A binary runs several times — per ISA level,
//    per build variant, again under the sanitizers — and prints one line per check plus
//    summaries; a check is its binary, its line with the numbers taken out (errors, counts and
//    timings differ between runs) and which such line of its run it is, passing only if it passed
//    in every run. Summary lines are not checks; a run that dies without a FAIL line of its own
//    is one failure, and so is a run started with SPATIALKIT_ISA=L that reports a higher level.
//  - pack (scripts/pack-check.sh): each PASS/FAIL line; a non-zero exit without one is a failure.

/** {passed, failed, skipped, problems: string[]} from vitest's JSON report. */
export function countVitest(report) {
  const problems = [];
  let failed = report.numFailedTests;
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed')) {
      failed++;
      problems.push(`${file.name}: failed outside its tests: ${(file.message ?? '').split('\n')[0]}`);
    }
  }
  return { passed: report.numPassedTests, failed, skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0), problems };
}

// Lines that summarise rather than check: "PASS quat_driver_test: 0 failing line(s)",
// "PASS quat_driver_test [host, SPATIALKIT_ISA=baseline]", "PASS test:native", "FAIL build …".
const SUMMARY = /^(PASS|FAIL) (\w+_test(: \d+ failing line|\s+\[)|test:native\b|build\b)/;

/** {passed, failed, skipped, problems} over the stdout of one or more runs of scripts/test-native.sh. */
export function countNative(stdouts) {
  const checks = new Map();  // key → passed in every run
  const skipped = new Set();
  let other = 0;  // failures that are no check: a run that died, a failed build, a wrong ISA
  const problems = [];
  for (const out of stdouts) {
    let binary = '', failedInRun = false, seenInRun = new Map(), wantIsa = '', ranIsa = '';
    // A run started with SPATIALKIT_ISA=L must say it ran at level L or lower ("sk::cpu ISA: …").
    const endRun = () => {
      if (!wantIsa) return;
      const level = (name) => (/baseline/.test(name) ? 0 : /x86-64-v3/.test(name) ? 1 : /x86-64-v4/.test(name) ? 2 : 3);
      const want = { baseline: 0, scalar: 0, avx2: 1, avx512: 2 }[wantIsa] ?? 2;
      if (level(ranIsa) > want) { other++; problems.push(`${binary} with SPATIALKIT_ISA=${wantIsa} ran on ${ranIsa || 'an ISA it did not report'}`); }
    };
    for (const line of out.split('\n')) {
      const run = /^== (\S+)(?:.*SPATIALKIT_ISA=(\w+))?/.exec(line);
      if (run) {
        endRun();
        binary = run[1]; failedInRun = false; seenInRun = new Map(); wantIsa = run[2] ?? ''; ranIsa = '';
        continue;
      }
      const isa = /^sk::cpu ISA: ([^;]*)/.exec(line);
      if (isa) { ranIsa = isa[1]; continue; }
      const m = /^(PASS|FAIL|SKIP) (.*)$/.exec(line);
      if (!m) continue;
      if (m[1] === 'SKIP') { skipped.add(`${binary} ${m[2]}`); continue; }
      if (SUMMARY.test(line)) {
        // A run that exits non-zero without a failed check of its own died (a signal, an abort).
        if (/^FAIL \w+_test \[.*\] \(exit \d+\)/.test(line) && !failedInRun) other++;
        if (/^FAIL build\b|^FAIL test:native \(build\)/.test(line)) other++;
        continue;
      }
      // Numbers out (errors, counts and timings differ between runs), then the how-manieth line of
      // that shape in this run: "margin 0" and "margin 0.05" stay two checks.
      const shape = `${binary} ${m[2].replace(/[-+]?\d[\d.]*(e[-+]?\d+)?/gi, '#').replace(/\s+/g, ' ').trim()}`;
      const nth = (seenInRun.get(shape) ?? 0) + 1;
      seenInRun.set(shape, nth);
      const key = `${shape} #${nth}`;
      checks.set(key, (checks.get(key) ?? true) && m[1] === 'PASS');
      if (m[1] === 'FAIL') failedInRun = true;
    }
    endRun();
  }
  let passed = 0, failed = other;
  for (const ok of checks.values()) ok ? passed++ : failed++;
  return { passed, failed, skipped: skipped.size, problems };
}

/** {passed, failed} from one run of scripts/pack-check.sh. */
export function countPack(stdout, status) {
  const passed = (stdout.match(/^PASS\b/gm) ?? []).length;
  let failed = (stdout.match(/^FAIL\b/gm) ?? []).length;
  if (status !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}
