// sk.metrics: hand-derived cases, float64 oracles written here, every backend for the kernels,
// properties, bad input, and evaluate() on a generated gold set.
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as sk from 'spatialkit';
import { eachBackend, rng, SEED } from './helpers.js';
import { answerSet, goldFixture } from './rotate-fixture.js';

const m = sk.metrics;

// ---------- oracles (a different formula from the code under test) ----------
/** H/log2 N with H = −Σ p log2 p over the distinct labels. */
function neOracle(labels: ArrayLike<number>): number {
  const n = labels.length;
  if (n < 2) return NaN;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) h -= (c / n) * Math.log2(c / n);
  return h / Math.log2(n);
}
function entropyOracle(counts: number[], base = 2): number {
  const t = counts.reduce((s, c) => s + c, 0);
  return counts.reduce((h, c) => (c > 0 ? h - (c / t) * Math.log(c / t) : h), 0) / Math.log(base);
}

describe('normalizeAnswer (DESIGN §4)', () => {
  it.each([
    ['Yes.', 'yesno', 'yes'], ['  NO!', 'yesno', 'no'], ['"Yes"', 'yesno', 'yes'], ['(“no.”)', 'yesno', 'no'],
    ['yes*', 'yesno', 'yes'], ['Ｙｅｓ', 'yesno', 'yes'],
    ['Left-Front', 'cardinal', 'front-left'], ['left front', 'cardinal', 'front-left'], ['front_left', 'cardinal', 'front-left'],
    ['Front–Right', 'cardinal', 'front-right'], ['right   back.', 'cardinal', 'back-right'], ['BACK', 'cardinal', 'back'],
    ["'left'", 'cardinal', 'left'], ['[back-left]', 'cardinal', 'back-left'],
    ['2', 'clock', 2], ['02', 'clock', 2], ['two o\'clock', 'clock', 2], ['Two O’Clock.', 'clock', 2], ['12oclock', 'clock', 12],
    ['7 o clock', 'clock', 7], ['eleven', 'clock', 11], ['10o\'clock', 'clock', 10], ['１２', 'clock', 12],
  ] as const)('%j → %s %j', (text, kind, value) => {
    expect(m.normalizeAnswer(text)).toEqual({ kind, value });
  });
  it.each([
    ['behind', 'behind'], ['2:00', '2:00'], ['13', '13'], ['0', '0'], ['left-', 'left-'], ['front-back', 'front-back'],
    ['left - front', 'left - front'], ['The answer is yes', 'the answer is yes'], ['yes, it is', 'yes, it is'],
    ['  Twelve   O\'Clocks ', "twelve o'clocks"], ['', ''], ['**left**', '**left'], ['front left right', 'front left right'],
  ])('out of set: %j → category %j', (text, value) => {
    expect(m.normalizeAnswer(text)).toEqual({ kind: 'oos', value });
  });
  it('rejects non-strings', () => {
    expect(() => m.normalizeAnswer(3 as never)).toThrow(new TypeError('Expected a string for `text` but received the number 3'));
  });
  it('property: normalizing is idempotent on the canonical text of in-set answers', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const a = m.normalizeAnswer(s);
      return a.kind === 'oos' || JSON.stringify(m.normalizeAnswer(String(a.value))) === JSON.stringify(a);
    }), { seed: SEED, numRuns: 500 });
  });
});

describe('extractAnswer (the documented rules, in order)', () => {
  it.each([
    // Rule 1: an in-set answer stands, whatever the question asks.
    ['Left front', 'clock', 'cardinal', 'front-left'], ['Yes.', 'cardinal', 'yesno', 'yes'],
    // Rule 2: the text after the last "answer is" / "answer:".
    ['The answer is yes', 'yesno', 'yesno', 'yes'], ['The answer is: No.', 'yesno', 'yesno', 'no'],
    ['Final answer: front-left', 'cardinal', 'cardinal', 'front-left'], ['The answer is 3', 'cardinal', 'clock', 3],
    ['My first answer is no. Thinking again, the answer is yes', 'yesno', 'yesno', 'yes'],
    // Rule 3: one label of the expected kind mentioned (after the marker, if any).
    ["I think it's front-left.", 'cardinal', 'cardinal', 'front-left'], ['It is to the left front of the chair', 'cardinal', 'cardinal', 'front-left'],
    ['**Yes**', 'yesno', 'yesno', 'yes'], ["It is at 3 o'clock.", 'clock', 'clock', 3], ['around three oclock', 'clock', 'clock', 3],
    ["at 12 o'clock, i.e. twelve o'clock", 'clock', 'clock', 12], ['Answer: (B) back-right', 'cardinal', 'cardinal', 'back-right'],
    ['There is no chair to the left.', 'yesno', 'yesno', 'no'],  // a whole-word mention is taken, as documented
  ] as const)('%j asked for %s → %s %j', (text, expected, kind, value) => {
    expect(m.extractAnswer(text, expected)).toEqual({ kind, value });
  });
  it.each([
    ["I think it's front-left.", 'yesno'], ['Yes and no', 'yesno'], ['left, not right', 'cardinal'], ['front or back? front', 'cardinal'],
    ['It is about 2 meters away, at 3', 'clock'], ['Not sure.', 'yesno'], ['The answer is yes, but earlier I said no', 'yesno'], ['', 'cardinal'],
  ] as const)('%j asked for %s stays out of set', (text, expected) => {
    expect(m.extractAnswer(text, expected)).toEqual(m.normalizeAnswer(text));
    expect(m.extractAnswer(text, expected).kind).toBe('oos');
  });
  it('bad input', () => {
    expect(() => m.extractAnswer(3 as never, 'yesno')).toThrow(new TypeError('Expected a string for `text` but received the number 3'));
    expect(() => m.extractAnswer('yes', 'direction' as never)).toThrow(new RangeError("Expected one of 'yesno', 'cardinal', 'clock' for `expected` but received 'direction'"));
  });
  it('property: extraction only turns an out-of-set answer into an in-set one, of the expected kind unless a marker names another', () => {
    const words = fc.constantFrom('yes', 'no', 'left', 'front', 'back-right', "3 o'clock", 'the answer is', 'answer:', 'maybe', 'is', ',', '7', 'not');
    fc.assert(fc.property(fc.array(words, { maxLength: 8 }), fc.constantFrom(...m.ANSWER_KINDS), (ws, kind) => {
      const text = ws.join(' ');
      const plain = m.normalizeAnswer(text), got = m.extractAnswer(text, kind);
      if (plain.kind !== 'oos') return JSON.stringify(got) === JSON.stringify(plain);
      return got.kind === 'oos' ? JSON.stringify(got) === JSON.stringify(plain) : got.kind === kind || /answer(?: is|:)/.test(plain.value);
    }), { seed: SEED, numRuns: 1000 });
  });
});

describe('compatible, sectors (ROTATE Table 3)', () => {
  const TABLE3: Record<string, number[]> = {
    front: [11, 12, 1], 'front-right': [1, 2], right: [2, 3, 4], 'back-right': [4, 5],
    back: [5, 6, 7], 'back-left': [7, 8], left: [8, 9, 10], 'front-left': [10, 11],
  };
  it('reproduces Table 3 exactly (20 compatible pairs of 96)', () => {
    let n = 0;
    m.CARDINALS.forEach((c) => {
      for (let h = 1; h <= 12; h++) {
        const want = TABLE3[c].includes(h);
        expect(m.compatible(c, h), `${c} × ${h}`).toBe(want);
        expect(m.compatible(c, String(h).padStart(2, '0'))).toBe(want);
        if (want) n++;
      }
    });
    expect(n).toBe(20);
  });
  it('sector boundaries belong to the sector clockwise of them', () => {
    expect(m.cardinalSector(22.5)).toBe(1);
    expect(m.cardinalSector(22.4999)).toBe(0);
    expect(m.cardinalSector(-22.5)).toBe(0);
    expect(m.cardinalSector(337.5)).toBe(0);
    expect(m.cardinalSector(337.4999)).toBe(7);
    expect(m.clockSector(15)).toBe(1);
    expect(m.clockSector(14.999)).toBe(12);
    expect(m.clockSector(-15)).toBe(12);
    expect(m.clockSector(345)).toBe(12);
    expect(m.clockSector(344.999)).toBe(11);
    expect(m.clockSector(720 + 90)).toBe(3);
  });
  it('property: the two sectors of any angle are compatible', () => {
    fc.assert(fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), (t) => m.compatible(m.CARDINALS[m.cardinalSector(t)], m.clockSector(t))),
      { seed: SEED, numRuns: 2000 });
  });
  it('bad input names the argument', () => {
    expect(() => m.compatible('up' as never, 3)).toThrow(new RangeError("Expected one of 'front', 'front-right', 'right', 'back-right', 'back', 'back-left', 'left', 'front-left' for `cardinal` but received 'up'"));
    expect(() => m.compatible('front', 13)).toThrow(new RangeError('Expected an integer in [1, 12] for `clock` but received the number 13'));
    expect(() => m.compatible(8 as never, 1)).toThrow(TypeError);
    expect(() => m.compatible('front', '3 pm')).toThrow(new RangeError("Expected an integer in [1, 12] for `clock` but received '3 pm'"));
    expect(() => m.compatible('front', null as never)).toThrow(TypeError);
    expect(() => m.cardinalSector(NaN)).toThrow(new RangeError('Expected a finite number for `theta` but received the number NaN'));
  });
});

describe('normalizedEntropy and rtc (hand-derived)', () => {
  const rep = (a: string, n: number): string[] => Array(n).fill(a);
  it('NE of [7, 1] of 8 = 0.1811881477, [4, 4] = 1/3, 8 distinct = 1, all equal = 0', () => {
    expect(m.normalizedEntropy([...rep('left', 7), 'right'])).toBeCloseTo(0.1811881477, 10);
    expect(m.normalizedEntropy([...rep('yes', 4), ...rep('no', 4)])).toBeCloseTo(1 / 3, 15);
    expect(m.normalizedEntropy([...m.CARDINALS])).toBe(1);
    expect(m.normalizedEntropy(rep('3', 8))).toBe(0);
  });
  it('N = 2 gives only 0 or 1; N < 2 gives null', () => {
    expect(m.normalizedEntropy(['left', 'Left.'])).toBe(0);
    expect(m.normalizedEntropy(['left', 'right'])).toBe(1);
    expect(m.normalizedEntropy(['left'])).toBeNull();
    expect(m.normalizedEntropy([])).toBeNull();
  });
  it('out-of-set answers: one category per text, or each distinct', () => {
    const a = ['behind', 'Behind.', 'behind', 'left', 'left', 'left', 'left', 'left'];
    expect(m.normalizedEntropy(a)).toBeCloseTo(neOracle([0, 0, 0, 1, 1, 1, 1, 1]), 14);
    expect(m.normalizedEntropy(a, { oos: 'eachDistinct' })).toBeCloseTo(neOracle([0, 1, 2, 3, 3, 3, 3, 3]), 14);
    expect(m.normalizedEntropy(['2:00', '2:00'], { oos: 'eachDistinct' })).toBe(1);
    expect(m.normalizedEntropy(['2:00', '2:00'])).toBe(0);
    // In-set answers of different kinds are different categories; '2' and 'two' are one.
    expect(m.normalizedEntropy(['2', 'two', "2 o'clock", 'yes'])).toBeCloseTo(neOracle([0, 0, 0, 1]), 14);
    expect(() => m.normalizedEntropy(['a', 'b'], { oos: 'each' as never })).toThrow(/`oos`/);
  });
  it('RTC across Table 3', () => {
    expect(m.rtc([['front-right', '2'], ['left', '3 o’clock']])).toBe(0.5);
    expect(m.rtc([['front', '11'], ['front', '12'], ['front', '1'], ['front', '2']])).toBe(0.75);
    // Both must be in-set for their own relation type: a clock answer to a cardinal question is not.
    expect(m.rtc([['2', '2'], ['front', 'front'], ['behind', '6'], ['back', '6']])).toBe(0.25);
    expect(m.rtc([])).toBeNull();
    expect(() => m.rtc([['front'] as never])).toThrow(/`pairs\[0\]`/);
  });
  it('property: NE lies in [0, 1] and equals the oracle', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom('yes', 'no', 'left', 'front left', '3', 'x', 'y'), { minLength: 2, maxLength: 40 }), (a) => {
      const ne = m.normalizedEntropy(a)!;
      const keys = a.map((t) => JSON.stringify(m.normalizeAnswer(t)));
      const ids = keys.map((k) => keys.indexOf(k));
      return ne >= 0 && ne <= 1 && Math.abs(ne - neOracle(ids)) < 1e-12;
    }), { seed: SEED, numRuns: 300 });
  });
});

describe('entropy (counts)', () => {
  it('hand-derived values and bases', () => {
    expect(m.entropy([1, 1, 2, 0])).toBe(1.5);
    expect(m.entropy([5])).toBe(0);
    expect(m.entropy(Float64Array.of(0.25, 0.25, 0.25, 0.25))).toBe(2);
    expect(m.entropy([1, 1], { base: 'e' })).toBeCloseTo(Math.LN2, 15);
    expect(m.entropy(Uint32Array.of(3, 1, 4, 1, 5), { base: 10 })).toBeCloseTo(entropyOracle([3, 1, 4, 1, 5], 10), 14);
    expect(m.entropy([])).toBeNull();
    expect(m.entropy([0, 0])).toBeNull();
  });
  it('bad input', () => {
    expect(() => m.entropy([1, -1])).toThrow(new RangeError('Expected a finite number ≥ 0 for `counts[1]` but received the number -1'));
    expect(() => m.entropy([1, NaN])).toThrow(RangeError);
    expect(() => m.entropy(['1'] as never)).toThrow(TypeError);
    expect(() => m.entropy('abc' as never)).toThrow(TypeError);
    expect(() => m.entropy([1], { base: 1 })).toThrow(/`base`/);
    expect(() => m.entropy([1], { base: 'two' as never })).toThrow(TypeError);
  });
});

describe('rotationAccuracy', () => {
  const aboutZ = (deg: number[]): Float32Array => Float32Array.from(deg.flatMap((d) => [0, 0, Math.sin((d * Math.PI) / 360), Math.cos((d * Math.PI) / 360)]));
  it('quaternions: errors, Acc@15°/30°, mean and median', () => {
    const r = m.rotationAccuracy(aboutZ([10, 20, 40, 170]), Float32Array.of(0, 0, 0, 1));
    expect(r.thresholdsDeg).toEqual([15, 30]);
    expect(r.accuracy).toEqual([0.25, 0.5]);
    expect(Array.from(r.errorsDeg).map((x) => Math.round(x * 1e4) / 1e4)).toEqual([10, 20, 40, 170]);
    expect(r.meanDeg).toBeCloseTo(60, 4);
    expect(r.medianDeg).toBeCloseTo(30, 4);
    // q and −q are one rotation; scale is ignored.
    const q = aboutZ([25]), nq = q.map((x) => -3 * x);
    expect(m.rotationAccuracy(q, nq).errorsDeg[0]).toBeLessThan(1e-4);
  });
  it('matrices give the same errors', () => {
    const p = aboutZ([5, 16, 29, 31]), g = aboutZ([0, 0, 0, 0]);
    const r = m.rotationAccuracy(sk.quat.toMatrix(p), sk.quat.toMatrix(g), { format: 'matrix', thresholdsDeg: [10, 30] });
    expect(r.accuracy).toEqual([0.25, 0.75]);
    expect(Array.from(r.errorsDeg).map((x) => Math.round(x * 1e3) / 1e3)).toEqual([5, 16, 29, 31]);
  });
  it('empty input gives nulls; bad input names pred/gt', () => {
    expect(m.rotationAccuracy(new Float32Array(0), new Float32Array(0))).toMatchObject({ accuracy: [null, null], meanDeg: null, medianDeg: null });
    expect(() => m.rotationAccuracy(Float32Array.of(0, 0, 0, 1), new Float32Array(4))).toThrow(/^`gt\[0\]` has zero, non-finite/);  // sk.quat's sentence, renamed
    expect(() => m.rotationAccuracy(new Float32Array(5), new Float32Array(4))).toThrow(new RangeError('Expected Float32Array of length 4·N for `pred` but received Float32Array(5)'));
    expect(() => m.rotationAccuracy(new Float32Array(9), new Float32Array(9), { format: 'euler' as never })).toThrow(/`format`/);
    expect(() => m.rotationAccuracy(new Float32Array(4), new Float32Array(4), { thresholdsDeg: [NaN] })).toThrow(/`thresholdsDeg\[0\]`/);
  });
});

// Float64 oracle for the pairwise protocol, written with matrices (the code under test composes
// quaternions): R_rel = R_i·R_jᵀ, error = angle of R_rel,predᵀ·R_rel,true via atan2(|axis|, cos).
function matrix64(q: ArrayLike<number>, i: number): number[] {
  const [x, y, z, w] = [q[4 * i], q[4 * i + 1], q[4 * i + 2], q[4 * i + 3]];
  const s = 2 / (x * x + y * y + z * z + w * w);
  return [1 - s * (y * y + z * z), s * (x * y - z * w), s * (x * z + y * w),
    s * (x * y + z * w), 1 - s * (x * x + z * z), s * (y * z - x * w),
    s * (x * z - y * w), s * (y * z + x * w), 1 - s * (x * x + y * y)];
}
const mul3 = (a: number[], b: number[], ta = false, tb = false): number[] => {
  const A = (r: number, c: number): number => (ta ? a[3 * c + r] : a[3 * r + c]), B = (r: number, c: number): number => (tb ? b[3 * c + r] : b[3 * r + c]);
  return Array.from({ length: 9 }, (_, k) => A(Math.floor(k / 3), 0) * B(0, k % 3) + A(Math.floor(k / 3), 1) * B(1, k % 3) + A(Math.floor(k / 3), 2) * B(2, k % 3));
};
function pairErrorsOracle(pred: Float32Array, gt: Float32Array, offsets: number[]): number[] {
  const out: number[] = [];
  for (let s = 0; s + 1 < offsets.length; s++) {
    for (let i = offsets[s]; i < offsets[s + 1]; i++) {
      for (let j = i + 1; j < offsets[s + 1]; j++) {
        const relP = mul3(matrix64(pred, i), matrix64(pred, j), false, true), relG = mul3(matrix64(gt, i), matrix64(gt, j), false, true);
        const e = mul3(relP, relG, true, false);
        const axis = Math.hypot(e[7] - e[5], e[2] - e[6], e[3] - e[1]) / 2, cos = (e[0] + e[4] + e[8] - 1) / 2;
        out.push((Math.atan2(axis, cos) * 180) / Math.PI);
      }
    }
  }
  return out;
}
/** Unit quaternions uniform on SO(3) (Shoemake), from r. */
function randomQuats(r: () => number, n: number): Float32Array {
  const q = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const u = r(), a = 2 * Math.PI * r(), b = 2 * Math.PI * r();
    q.set([Math.sqrt(1 - u) * Math.sin(a), Math.sqrt(1 - u) * Math.cos(a), Math.sqrt(u) * Math.sin(b), Math.sqrt(u) * Math.cos(b)], 4 * i);
  }
  return q;
}

eachBackend(`rotationAccuracy, pairs: 'all' (RelPose++ / RayDiffusion protocol; seed ${SEED})`, (backend) => {
  beforeAll(() => { sk.setBackend(backend); });
  const r = rng(SEED + 12);
  // Sequences of 0, 1, 2, 5 and 9 cameras; predictions = truth turned by up to ~57° about a random axis.
  const offsets = [0, 0, 1, 3, 8, 17];
  const N = offsets[offsets.length - 1];
  const gt = randomQuats(r, N);
  const noise = sk.quat.fromAxisAngle(randomQuats(r, N).map((x, i) => (i % 4 === 3 ? 0 : x)).filter((_, i) => i % 4 !== 3), Float32Array.from({ length: N }, () => r()));
  const pred = sk.quat.multiply(gt, noise);

  it('errors equal the float64 matrix oracle over every pair i < j of each sequence', () => {
    const res = m.rotationAccuracy(pred, gt, { pairs: 'all', offsets: Uint32Array.from(offsets), thresholdsDeg: [15, 30, 45] });
    const want = pairErrorsOracle(pred, gt, offsets);
    expect(want.length).toBe(0 + 0 + 1 + 10 + 36);
    expect(res.errorsDeg.length).toBe(want.length);
    want.forEach((w, k) => expect(Math.abs(res.errorsDeg[k] - w), `pair ${k}: ${res.errorsDeg[k]} vs ${w}`).toBeLessThan(2e-4));
    expect(Array.from(res.pairIndices!.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    [15, 30, 45].forEach((t, k) => expect(res.accuracy[k]).toBe(want.filter((e) => e < t).length / want.length));
    expect(res.meanDeg! - want.reduce((a, b) => a + b, 0) / want.length).toBeCloseTo(0, 3);
    // Matrices give the same pairs.
    const viaMatrix = m.rotationAccuracy(sk.quat.toMatrix(pred), sk.quat.toMatrix(gt), { pairs: 'all', offsets: Uint32Array.from(offsets), format: 'matrix' });
    want.forEach((w, k) => expect(Math.abs(viaMatrix.errorsDeg[k] - w)).toBeLessThan(2e-3));
  });

  it('a global rotation of every prediction leaves the pairwise score unchanged and changes the plain one', () => {
    const g = randomQuats(r, 1);
    const turned = sk.quat.multiply(pred, g);  // world-to-camera R_i·G: the predictions in another world frame
    const opts = { pairs: 'all', offsets: Uint32Array.from(offsets), thresholdsDeg: [15, 30] } as const;
    const before = m.rotationAccuracy(pred, gt, opts), after = m.rotationAccuracy(turned, gt, opts);
    before.errorsDeg.forEach((e, k) => expect(Math.abs(after.errorsDeg[k] - e)).toBeLessThan(2e-4));
    expect(after.accuracy).toEqual(before.accuracy);
    const plainBefore = m.rotationAccuracy(pred, gt), plainAfter = m.rotationAccuracy(turned, gt);
    expect(Math.abs(plainAfter.meanDeg! - plainBefore.meanDeg!)).toBeGreaterThan(5);
  });

  it('one sequence by default; no pairs gives nulls', () => {
    const one = m.rotationAccuracy(pred.subarray(0, 20), gt.subarray(0, 20), { pairs: 'all' });
    expect(one.errorsDeg.length).toBe(10);
    pairErrorsOracle(pred.subarray(0, 20), gt.subarray(0, 20), [0, 5]).forEach((w, k) => expect(Math.abs(one.errorsDeg[k] - w)).toBeLessThan(2e-4));
    expect(m.rotationAccuracy(pred.subarray(0, 4), gt.subarray(0, 4), { pairs: 'all' })).toMatchObject({ accuracy: [null, null], meanDeg: null, medianDeg: null });
  });

  it('bad input names the argument', () => {
    const p = pred.subarray(0, 12), t = gt.subarray(0, 12);
    expect(() => m.rotationAccuracy(p, t, { pairs: 'all', offsets: Uint32Array.of(0, 2) })).toThrow(new RangeError('Expected `offsets` to rise from 0 to 3 (the rotations in `pred`) but offsets[1] is 2'));
    expect(() => m.rotationAccuracy(p, t, { pairs: 'all', offsets: Uint32Array.of(1, 3) })).toThrow(/offsets\[0\] is 1/);
    expect(() => m.rotationAccuracy(p, t, { pairs: 'all', offsets: Uint32Array.of(0, 2, 1, 3) })).toThrow(/offsets\[2\] is 1/);
    expect(() => m.rotationAccuracy(p, t, { pairs: 'all', offsets: new Uint32Array(0) })).toThrow(RangeError);
    expect(() => m.rotationAccuracy(p, t, { pairs: 'all', offsets: Int32Array.of(0, 3) as never })).toThrow(new TypeError('Expected Uint32Array for `offsets` but received Int32Array(2)'));
    expect(() => m.rotationAccuracy(p, t, { offsets: Uint32Array.of(0, 3) })).toThrow(/without `pairs: 'all'`/);
    expect(() => m.rotationAccuracy(p, t.subarray(0, 4), { pairs: 'all' })).toThrow(new RangeError("Expected `gt` to hold 3 rotations (one per row of `pred`) with `pairs: 'all'` but received 1"));
    expect(() => m.rotationAccuracy(p, t, { pairs: 'some' as never })).toThrow(new RangeError("Expected one of 'none', 'all' for `pairs` but received 'some'"));
    expect(() => m.rotationAccuracy(p, t, { pair: 'all' } as never)).toThrow(new RangeError('Unknown option `pair`; expected `thresholdsDeg`, `format`, `pairs`, `offsets`'));
    const zero = p.slice();
    zero.fill(0, 4, 8);
    expect(() => m.rotationAccuracy(zero, t, { pairs: 'all' })).toThrow(/^`pred\[1\]` has zero/);
    expect(() => m.rotationAccuracy(t, zero, { pairs: 'all' })).toThrow(/^`gt\[1\]` has zero/);
  });
});

// ---------- kernels on every backend ----------
function randomGroups(r: () => number, G: number, maxLen: number, categories: number): { labels: Int32Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(G + 1);
  for (let g = 0; g < G; g++) offsets[g + 1] = offsets[g] + Math.floor(r() * (maxLen + 1));
  const labels = new Int32Array(offsets[G]);
  for (let i = 0; i < labels.length; i++) labels[i] = Math.floor(r() * categories) - (categories >> 1);
  return { labels, offsets };
}

eachBackend('metrics kernels', (backend) => {
  beforeAll(() => { sk.setBackend(backend); });
  const r = rng(SEED);

  describe(`normalizedEntropyGrouped against the float64 oracle (seed ${SEED})`, () => {
    it.each([[0, 8, 3], [1, 8, 3], [17, 1, 2], [1000, 8, 8], [300, 80, 5], [100_003, 9, 4]])('G = %i, lengths ≤ %i, %i categories', (G, maxLen, cats) => {
      expect(sk.getBackend()).toBe(backend);
      const { labels, offsets } = randomGroups(r, G, maxLen, cats);
      const got = m.normalizedEntropyGrouped(labels, offsets);
      let sum = 0, k = 0;
      for (let g = 0; g < G; g++) {
        const want = neOracle(labels.subarray(offsets[g], offsets[g + 1]));
        if (Number.isNaN(want)) expect(got.values[g], `group ${g}`).toBeNaN();
        else { expect(Math.abs(got.values[g] - want), `group ${g}`).toBeLessThan(1e-13); sum += want; k++; }
      }
      if (k === 0) expect(got.mean).toBeNull();
      else expect(got.mean! - sum / k).toBeCloseTo(0, 12);
    });
    it('equals normalizedEntropy() group by group, and hand-derived groups', () => {
      const groups = [[1, 1, 1, 1, 1, 1, 1, 2], [1, 1, 1, 1, 2, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7], [5], [], [9, 9], [9, -9]];
      const labels = Int32Array.from(groups.flat());
      const offsets = Uint32Array.from([0, ...groups.map((_, i) => groups.slice(0, i + 1).flat().length)]);
      const { values, mean } = m.normalizedEntropyGrouped(labels, offsets);
      expect(values[0]).toBeCloseTo(0.1811881477, 10);
      expect(values[1]).toBeCloseTo(1 / 3, 15);
      expect([values[2], values[5], values[6]]).toEqual([1, 0, 1]);
      expect(values[3]).toBeNaN();
      expect(values[4]).toBeNaN();
      expect(mean).toBeCloseTo((0.1811881477 + 1 / 3 + 1 + 0 + 1) / 5, 10);
      groups.forEach((g, i) => {
        const js = m.normalizedEntropy(g.map(String));
        if (js === null) expect(values[i]).toBeNaN();
        else expect(Math.abs(values[i] - js)).toBeLessThan(1e-15);  // Σ c log2 c vs log2 Π m_i: last-bit differences
      });
    });
    it('writes into opts.out; mean is null when no group has 2 labels', () => {
      const out = new Float64Array(2);
      const res = m.normalizedEntropyGrouped(Int32Array.of(4), Uint32Array.of(0, 1, 1), { out });
      expect(res.values).toBe(out);
      expect(res.mean).toBeNull();
    });
    it('does not depend on the order of labels inside a group (property)', () => {
      fc.assert(fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 0, maxLength: 60 }), (a) => {
        const x = Int32Array.from(a), y = Int32Array.from(a).reverse().sort();
        const o = Uint32Array.of(0, a.length);
        const vx = m.normalizedEntropyGrouped(x, o).values[0], vy = m.normalizedEntropyGrouped(y, o).values[0];
        return Object.is(vx, vy) || Math.abs(vx - vy) < 1e-15;
      }), { seed: SEED, numRuns: 200 });
    });
  });

  describe('codebookUsage / entropy of codes against a JS histogram', () => {
    it.each([[0, 4], [1, 1], [17, 5], [100_003, 2048], [1_000_003, 300]])('N = %i, K = %i', (n, K) => {
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = Math.floor(K * r() ** 2);  // skewed, as real codebooks are
      const want = new Float64Array(K);
      for (let i = 0; i < n; i++) want[codes[i]]++;
      const u = m.codebookUsage(codes, K);
      expect(u.counts).toEqual(want);
      const used = want.filter((c) => c > 0).length;
      expect(u.used).toBe(used);
      if (n === 0) {
        expect(u).toMatchObject({ usage: null, perplexity: null, entropyBits: null });
        expect(m.entropy(codes)).toBeNull();
      } else {
        expect(u.usage).toBe(used / K);
        const h = entropyOracle(Array.from(want));
        expect(u.entropyBits! - h).toBeCloseTo(0, 11);
        expect(u.perplexity! / 2 ** h).toBeCloseTo(1, 11);
        expect(m.entropy(codes)! - h).toBeCloseTo(0, 11);
        expect(m.entropy(codes, { K: K + 5, base: 'e' })! - h * Math.LN2).toBeCloseTo(0, 11);
      }
    });
    it('hand-derived: [0, 1, 1, 3] over K = 4', () => {
      expect(m.codebookUsage(Int32Array.of(0, 1, 1, 3), 4)).toEqual({ used: 3, usage: 0.75, perplexity: 2 ** 1.5, entropyBits: 1.5, counts: Float64Array.of(1, 2, 0, 1) });
    });
    it('codes outside [0, K) are a RangeError naming the first one', () => {
      const codes = new Int32Array(200_000).fill(3);
      codes[150_000] = 9; codes[190_000] = -1;
      expect(() => m.codebookUsage(codes, 8)).toThrow(new RangeError('Expected an integer in [0, 8) for `codes[150000]` but received the number 9'));
      codes[150_000] = 0;
      expect(() => m.codebookUsage(codes, 8)).toThrow(new RangeError('Expected an integer in [0, 8) for `codes[190000]` but received the number -1'));
      expect(() => m.entropy(Int32Array.of(1, -2))).toThrow(new RangeError('Expected a non-negative integer for `codes[1]` but received the number -2'));
      expect(() => m.entropy(Int32Array.of(1, 7), { K: 4 })).toThrow(/`codes\[1\]`/);
    });
    it('bad K and array types', () => {
      expect(() => m.codebookUsage(Int32Array.of(0), 0)).toThrow(new RangeError('Expected an integer in [1, 16777216] for `K` but received the number 0'));
      expect(() => m.codebookUsage(Int32Array.of(0), 2.5)).toThrow(new RangeError('Expected an integer in [1, 16777216] for `K` but received the number 2.5'));
      expect(() => m.codebookUsage(Uint32Array.of(0) as never, 2)).toThrow(new TypeError('Expected Int32Array for `codes` but received Uint32Array(1)'));
      expect(() => m.entropy(Int32Array.of(2 ** 24))).toThrow(/largest histogram/);
    });
  });

  describe('bad offsets: RangeError naming the first bad index', () => {
    const L = Int32Array.of(1, 2, 3, 4);
    it.each([
      [[1, 4], 0, 1], [[0, 3, 2, 4], 2, 2], [[0, 5], 1, 5], [[0, 2], 1, 2], [[0, 2, 9, 4], 2, 9],
    ])('offsets %j', (offs, i, v) => {
      expect(() => m.normalizedEntropyGrouped(L, Uint32Array.from(offs))).toThrow(
        new RangeError(`Expected \`offsets\` to rise from 0 to 4 (the length of \`labels\`) but offsets[${i}] is ${v}`));
    });
    it('types and lengths', () => {
      expect(() => m.normalizedEntropyGrouped(L, new Uint32Array(0))).toThrow(new RangeError('Expected Uint32Array of length G + 1 ≥ 1 for `offsets` but received Uint32Array(0)'));
      expect(() => m.normalizedEntropyGrouped(Float64Array.of(1) as never, Uint32Array.of(0, 1))).toThrow(new TypeError('Expected Int32Array for `labels` but received Float64Array(1)'));
      expect(() => m.normalizedEntropyGrouped(L, Int32Array.of(0, 4) as never)).toThrow(TypeError);
      expect(() => m.normalizedEntropyGrouped(L, Uint32Array.of(0, 4), { out: new Float64Array(2) })).toThrow(new RangeError('Expected `out` to hold 1 values but received 2'));
      expect(m.normalizedEntropyGrouped(new Int32Array(0), Uint32Array.of(0))).toEqual({ values: new Float64Array(0), mean: null });
    });
  });

  describe('async twins', () => {
    it('give the same results as the sync calls', async () => {
      const { labels, offsets } = randomGroups(r, 50_000, 10, 5);
      expect(await m.normalizedEntropyGroupedAsync(labels, offsets)).toEqual(m.normalizedEntropyGrouped(labels, offsets));
      const codes = Int32Array.from({ length: 300_000 }, () => Math.floor(r() * 100));
      expect(await m.codebookUsageAsync(codes, 100)).toEqual(m.codebookUsage(codes, 100));
    });
    it('reject with the same errors, keeping the caller in the stack', async () => {
      const err = await m.codebookUsageAsync(Int32Array.of(0, 5), 3).catch((e: Error) => e);
      expect(err).toEqual(new RangeError('Expected an integer in [0, 3) for `codes[1]` but received the number 5'));
      expect((err as Error).stack).toMatch(/metrics\.test\.ts/);
      await expect(m.normalizedEntropyGroupedAsync(Int32Array.of(1), Uint32Array.of(0, 2))).rejects.toThrow(/offsets\[1\] is 2/);
    });
  });
});

describe('the metrics backend boundary checks again (calls that bypass the TypeScript layer)', () => {
  for (const b of sk.backends().filter((x) => x.available)) {
    it(`${b.backend}: wrong types, lengths, bins and offsets throw the TS sentences, never crash`, async () => {
      const { module } = await import('../src/backend/index.js');
      const k = module(b.backend)!.metrics as Record<string, (...a: unknown[]) => unknown>;
      expect(() => k.histogram(new Uint32Array(2), 2, new Float64Array(2))).toThrow(new TypeError('Expected Int32Array for `codes` but received Uint32Array(2)'));
      expect(() => k.histogram(new Int32Array(2), 0, new Float64Array(0))).toThrow(new RangeError('Expected an integer in [1, 16777216] for `K` but received the number 0'));
      expect(() => k.histogram(new Int32Array(2), '2', new Float64Array(2))).toThrow(TypeError);
      expect(() => k.histogram(new Int32Array(2), 3, new Float64Array(2))).toThrow(new RangeError('Expected `counts` to hold 3 bins but received 2'));
      expect(() => k.histogram(Int32Array.of(0, 3), 3, new Float64Array(3))).toThrow(new RangeError('Expected an integer in [0, 3) for `codes[1]` but received the number 3'));
      expect(() => k.histogram()).toThrow(TypeError);
      expect(() => k.neGrouped(new Int32Array(2), new Uint32Array(0), new Float64Array(0), new Float64Array(2))).toThrow(new RangeError('Expected Uint32Array of length G + 1 ≥ 1 for `offsets` but received Uint32Array(0)'));
      expect(() => k.neGrouped(new Int32Array(2), Uint32Array.of(0, 3), new Float64Array(1), new Float64Array(2))).toThrow(new RangeError('Expected `offsets` to rise from 0 to 2 (the length of `labels`) but offsets[1] is 3'));
      expect(() => k.neGrouped(new Int32Array(2), Uint32Array.of(0, 2), new Float64Array(1), new Float64Array(1))).toThrow(RangeError);
      expect(() => k.neGrouped(new Int32Array(2), Uint32Array.of(0, 2), new Float64Array(2), new Float64Array(2))).toThrow(RangeError);
      const d = new Int32Array(4);
      structuredClone(d.buffer, { transfer: [d.buffer] });
      expect(() => k.histogram(d, 2, new Float64Array(2))).toThrow(TypeError);
      expect(() => k.neGrouped(d, Uint32Array.of(0), new Float64Array(0), new Float64Array(2))).toThrow(TypeError);
    });
  }
});

describe('wasm: arrays that live in wasm memory are used in place', () => {
  const wasm = sk.backends().find((b) => b.backend === 'wasm');
  it.skipIf(!wasm?.available)('codebookUsage and grouped NE on wasm-resident arrays match copies', async () => {
    const { module } = await import('../src/backend/index.js');
    const w = module('wasm') as unknown as { alloc(n: number, t: string): { array: Int32Array & Uint32Array; free(): void } };
    sk.setBackend('wasm');
    try {
      const r = rng(5);
      const codes = w.alloc(150_001, 'Int32Array');
      codes.array.set(Int32Array.from({ length: 150_001 }, () => Math.floor(r() * 77)));
      const copy = codes.array.slice();
      expect(m.codebookUsage(codes.array, 77)).toEqual(m.codebookUsage(copy, 77));
      codes.array[120_000] = 77;
      expect(() => m.codebookUsage(codes.array, 77)).toThrow(new RangeError('Expected an integer in [0, 77) for `codes[120000]` but received the number 77'));
      codes.free();
      const { labels, offsets } = randomGroups(r, 5000, 40, 5);
      const L = w.alloc(labels.length, 'Int32Array'), O = w.alloc(offsets.length, 'Uint32Array');
      L.array.set(labels);
      O.array.set(offsets);
      expect(m.normalizedEntropyGrouped(L.array, O.array)).toEqual(m.normalizedEntropyGrouped(labels, offsets));
      expect(L.array).toEqual(labels);  // long groups are sorted in scratch, not in place
      L.free();
      O.free();
    } finally {
      sk.setBackend('auto');
    }
  });
});

describe('backends agree', () => {
  const avail = sk.backends().filter((b) => b.available).map((b) => b.backend);
  it(`grouped NE and histograms are identical on ${avail.join(', ')}`, () => {
    const r = rng(99);
    const { labels, offsets } = randomGroups(r, 20_000, 12, 6);
    const codes = Int32Array.from({ length: 200_000 }, () => Math.floor(r() * 512));
    const res = avail.map((name) => {
      sk.setBackend(name);
      return { ne: m.normalizedEntropyGrouped(labels, offsets), cb: m.codebookUsage(codes, 512) };
    });
    sk.setBackend('auto');
    for (const x of res.slice(1)) {
      expect(x.cb).toEqual(res[0].cb);
      for (let g = 0; g < x.ne.values.length; g++) {
        if (Number.isNaN(res[0].ne.values[g])) expect(x.ne.values[g]).toBeNaN();
        else expect(Math.abs(x.ne.values[g] - res[0].ne.values[g])).toBeLessThan(1e-14);
      }
      expect(x.ne.mean! - res[0].ne.mean!).toBeCloseTo(0, 13);
    }
  });
});

// ---------- evaluate() ----------
describe('evaluate() on a generated gold set', () => {
  const gold = goldFixture(24, 7);
  const all = (pick: (q: (typeof gold)[number], i: number) => string) => gold.map((q, i) => ({ id: q.id, answer: pick(q, i) }));

  it('the fixture has the rotate schema and the consistency structure', () => {
    expect(gold.length).toBe(24 * 16 * 8);
    const byKey = new Map<string, Set<string>>();
    for (const q of gold) byKey.set(q.consistency!, (byKey.get(q.consistency!) ?? new Set()).add(q.answer));
    for (const answers of byKey.values()) expect(answers.size).toBe(1);  // gold answers agree within every group
  });

  it('a perfect predictor: accuracy 1, RC 0, RTC 1 (answers in varied spellings)', () => {
    const style = (a: string, i: number): string => [a, `${a[0].toUpperCase()}${a.slice(1)}.`, /^\d+$/.test(a) ? `${a} o'clock` : `"${a}"`][i % 3];
    const r = m.evaluate(gold, all((q, i) => style(q.answer.replace('front-left', 'left front'), i)));
    for (const s of [r.total, r.task.judgement, r.task.prediction, r.viewpoint.relative, r.viewpoint.absolute, r.relation.clock, ...Object.values(r.cells)]) {
      expect(s.accuracy).toBe(1);
      expect(s.rc).toBe(0);
      expect(s.oosRate).toBe(0);
    }
    expect(r.total.rtc).toBe(1);
    expect(r.total.pairs).toBe(24 * 16 * 2);
    expect(r.viewpoint.relative.groups).toBe(24 * 2 * 4);
    expect(r.viewpoint.absolute.groups).toBe(24 * 8 * 4);
    expect(r.total.groups).toBe(24 * 10 * 4);
    expect(r.relation.cardinal.rtc).toBeNull();  // a pair straddles both relation types
    expect(r.missing).toEqual([]);
    expect(r.objects['2'].questions + r.objects['3'].questions).toBe(gold.length);
  });

  it('a constant predictor: RC 0 and RTC 0, its bias visible in topShare = 1 and accuracy = gold top share', () => {
    const r = m.evaluate(gold, all(() => 'yes'));
    expect(r.total.rc).toBe(0);
    expect(r.total.rtc).toBe(0);
    expect(r.task.judgement.topAnswer).toBe('yes');
    expect(r.task.judgement.topShare).toBe(1);
    const yes = gold.filter((q) => q.answer === 'yes').length;
    expect(r.total.accuracy).toBe(yes / gold.length);
    expect(r.task.prediction.accuracy).toBe(0);
    expect(r.task.judgement.accuracy).toBeCloseTo(1 - r.task.judgement.goldTopShare!, 15);  // 'no' dominates the gold set
    const front = m.evaluate(gold, all(() => 'Front'));
    expect(front.relation.cardinal.rc).toBe(0);
    expect(front.cells['prediction/relative/cardinal'].accuracy).toBe(
      gold.filter((q) => q.task === 'prediction' && q.viewpoint === 'relative' && q.relation === 'cardinal' && q.answer === 'front').length / (24 * 16));
    expect(front.relation.clock.oosRate).toBe(0);  // 'front' is a cardinal answer: in set (wrong kind, never correct)
  });

  it('a random predictor: chance accuracy, high RC (= the oracle mean NE), RTC near 20/96 (thresholds at 5σ)', () => {
    const r0 = rng(SEED + 3);
    const preds = all((q) => { const s = answerSet(q); return s[Math.floor(r0() * s.length)]; });
    const r = m.evaluate(gold, preds);
    const near = (x: number | null, p: number, n: number): void => { expect(Math.abs(x! - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n)); };
    near(r.task.judgement.accuracy, 0.5, gold.length / 2);
    near(r.cells['prediction/relative/cardinal'].accuracy, 1 / 8, gold.length / 8);
    near(r.cells['prediction/absolute/clock'].accuracy, 1 / 12, gold.length / 8);
    near(r.total.rtc, 20 / 96, r.total.pairs);
    for (const v of ['relative', 'absolute'] as const) {
      const groups = new Map<string, string[]>();
      gold.forEach((q, i) => { if (q.viewpoint === v) groups.set(q.consistency!, [...(groups.get(q.consistency!) ?? []), preds[i].answer]); });
      const nes = [...groups.values()].map((a) => neOracle(a.map((t) => ['yes', 'no', ...m.CARDINALS].indexOf(t as never) + 100 * Number(/^\d+$/.test(t) ? t : 0))));
      expect(r.viewpoint[v].rc! - nes.reduce((x, y) => x + y, 0) / nes.length).toBeCloseTo(0, 12);
    }
    // Monte-Carlo expectations of NE for uniform answers: 8 of 2 → 0.30, 8 of 8 → 0.75, 8 of 12 → 0.82
    // (relative groups: mean ≈ 0.54); 2 of 2 → 0.50, 2 of 8 → 0.87, 2 of 12 → 0.92 (absolute: ≈ 0.70).
    expect(Math.abs(r.viewpoint.relative.rc! - 0.543)).toBeLessThan(0.08);  // ≥ 5σ of the mean over 192 and 768 groups
    expect(Math.abs(r.viewpoint.absolute.rc! - 0.697)).toBeLessThan(0.08);
  });

  it('hand-checked small case: missing and extra ids, out-of-set answers, RC and RTC values', () => {
    const g = goldFixture(1, 1).filter((q) => q.viewpoint === 'relative' && q.task === 'prediction' && q.subgroup === 0);
    // 8 cameras × (cardinal, clock). Cardinal answers: 7 correct + 1 'behind'; clock: all correct but camera 7 missing.
    const preds = g.filter((q) => !(q.relation === 'clock' && q.camera === 7))
      .map((q) => ({ id: q.id, text: q.relation === 'cardinal' && q.camera === 3 ? 'Behind' : q.answer }));
    preds.push({ id: 'nope', text: 'yes' });
    const r = m.evaluate(g, preds);
    expect(r.questions).toBe(16);
    expect(r.answered).toBe(15);
    expect(r.missing).toEqual([g.find((q) => q.relation === 'clock' && q.camera === 7)!.id]);
    expect(r.extra).toEqual(['nope']);
    expect(r.total.accuracy).toBe(14 / 16);
    expect(r.relation.cardinal.oosRate).toBe(1 / 8);
    expect(r.relation.cardinal.rc).toBeCloseTo(0.1811881477, 9);  // [7, 1] of 8
    expect(r.relation.clock.rc).toBe(0);                         // 7 answers, all equal
    expect(r.viewpoint.relative.rc).toBeCloseTo(0.1811881477 / 2, 9);
    expect(r.total.pairs).toBe(7);                               // camera 7's pair is incomplete
    expect(r.incompletePairs).toBe(1);
    expect(r.total.rtc).toBeCloseTo(6 / 7, 15);                  // camera 3's cardinal is out of set
    const each = m.evaluate(g, preds, { oos: 'eachDistinct' });
    expect(each.relation.cardinal.rc).toBe(r.relation.cardinal.rc);  // one oos answer: the same either way
  });

  it("RC over both viewpoints weighs relative and absolute by their questions, as ROTATE's Total (issue 12)", () => {
    // The fixture's relative groups hold 8 answers, its absolute ones 2: as many questions each,
    // but 4× as many absolute groups — a plain mean over groups would be 80 % absolute.
    const r0 = rng(SEED + 21);
    const preds = all((q) => { const s = answerSet(q); return r0() < 0.6 ? q.answer : s[Math.floor(r0() * s.length)]; });
    const rep = m.evaluate(gold, preds);
    // Oracle: per slice and viewpoint the mean NE over its groups, then the question-weighted mean.
    const oracle = (keep: (q: (typeof gold)[number]) => boolean): number => {
      let num = 0, den = 0;
      for (const v of ['relative', 'absolute']) {
        const groups = new Map<string, string[]>();
        gold.forEach((q, i) => { if (q.viewpoint === v && keep(q)) groups.set(q.consistency!, [...(groups.get(q.consistency!) ?? []), preds[i].answer]); });
        const nes = [...groups.values()].map((a) => neOracle(a.map((t) => ['yes', 'no', ...m.CARDINALS].indexOf(t as never) + 100 * Number(/^\d+$/.test(t) ? t : 0))));
        const questions = [...groups.values()].reduce((n, a) => n + a.length, 0);
        num += (questions * nes.reduce((a, b) => a + b, 0)) / nes.length;
        den += questions;
      }
      return num / den;
    };
    expect(rep.total.rc! - oracle(() => true)).toBeCloseTo(0, 12);
    expect(rep.task.judgement.rc! - oracle((q) => q.task === 'judgement')).toBeCloseTo(0, 12);
    expect(rep.relation.clock.rc! - oracle((q) => q.relation === 'clock')).toBeCloseTo(0, 12);
    expect(rep.objects['3'].rc! - oracle((q) => q.objects === 3)).toBeCloseTo(0, 12);
    // Here the questions split 50/50, so the total is the midpoint of the two viewpoints.
    expect(rep.total.rc! - (rep.viewpoint.relative.rc! + rep.viewpoint.absolute.rc!) / 2).toBeCloseTo(0, 12);
    expect(rep.total.groups).toBe(rep.viewpoint.relative.groups + rep.viewpoint.absolute.groups);
  });

  it('every figure of the report is on one scale: fractions in [0, 1] (issue 12)', () => {
    const r0 = rng(SEED + 22);
    const rep = m.evaluate(gold, all((q) => { const s = answerSet(q); return s[Math.floor(r0() * s.length)]; }));
    const slices = [rep.total, ...Object.values(rep.task), ...Object.values(rep.viewpoint), ...Object.values(rep.relation), ...Object.values(rep.objects), ...Object.values(rep.cells)];
    for (const s of slices) {
      for (const k of ['accuracy', 'rc', 'rtc', 'topShare', 'oosRate', 'goldTopShare'] as const) {
        if (s[k] !== null) { expect(s[k], k).toBeGreaterThanOrEqual(0); expect(s[k], k).toBeLessThanOrEqual(1); }
      }
    }
    expect(rep.total.rc).toBeGreaterThan(0.2);  // a random predictor: far from consistent, so ×100 would show
  });

  it('out-of-set answers: top answer by text, rates, and eachDistinct in NE', () => {
    const g = gold.filter((q) => q.task === 'prediction' && q.relation === 'cardinal' && q.viewpoint === 'relative').slice(0, 16);
    // 16 answers: 'dunno' ×9 (two spellings), 'left' ×4, 'maybe' ×3.
    const texts = ['Dunno.', 'dunno', 'dunno', 'DUNNO', 'dunno', 'dunno', 'dunno', 'dunno', 'dunno', 'left', 'left', 'left', 'left', 'maybe', 'maybe', 'maybe'];
    const rep = m.evaluate(g, g.map((q, i) => ({ id: q.id, answer: texts[i] })));
    expect(rep.total.topAnswer).toBe('"dunno"');
    expect(rep.total.topShare).toBe(9 / 16);
    expect(rep.total.oosRate).toBe(12 / 16);
    // Two consistency groups of 8 (subgroups 0 and 1 of the fixture's first group).
    const byGroup = new Map<string, number[]>();
    g.forEach((q, i) => byGroup.set(q.consistency!, [...(byGroup.get(q.consistency!) ?? []), ['dunno', 'left', 'maybe'].indexOf(texts[i].toLowerCase().replace('.', ''))]));
    const want = [...byGroup.values()].map((a) => neOracle(a));
    expect(rep.total.rc! - want.reduce((a, b) => a + b, 0) / want.length).toBeCloseTo(0, 12);
    const each = m.evaluate(g, g.map((q, i) => ({ id: q.id, answer: texts[i] })), { oos: 'eachDistinct' });
    const wantEach = [...byGroup.values()].map((a) => neOracle(a.map((c, k) => (c === 1 ? -1 : k))));
    expect(each.total.rc! - wantEach.reduce((a, b) => a + b, 0) / wantEach.length).toBeCloseTo(0, 12);
  });

  it('extract: verbose answers count when the option is on, and only then', () => {
    const g = gold.slice(0, 64);
    const verbose = (q: (typeof gold)[number]): string => (q.task === 'judgement' ? `The answer is ${q.answer}.` : q.relation === 'cardinal' ? `I think it's ${q.answer}.` : `It is at ${q.answer} o'clock.`);
    const plain = m.evaluate(g, g.map((q) => ({ id: q.id, answer: verbose(q) })));
    expect(plain.total.accuracy).toBe(0);
    expect(plain.total.oosRate).toBe(1);
    expect(plain.extract).toBe(false);
    const ex = m.evaluate(g, g.map((q) => ({ id: q.id, answer: verbose(q) })), { extract: true });
    expect(ex.total.accuracy).toBe(1);
    expect(ex.total.oosRate).toBe(0);
    expect(ex.extract).toBe(true);
    expect(() => m.evaluate(g, [], { extract: 'yes' as never })).toThrow(new TypeError('Expected a boolean for `extract` but received a string'));
    expect(() => m.evaluate(g, [], { extrct: true } as never)).toThrow(new RangeError('Unknown option `extrct`; expected `oos`, `extract`'));
  });

  it('accepts predictions as a Map, an object, or records with answer/prediction/text', () => {
    const g = gold.slice(0, 20);
    const want = m.evaluate(g, all((q) => q.answer).slice(0, 20));
    expect(m.evaluate(g, new Map(g.map((q) => [q.id, q.answer])))).toEqual(want);
    expect(m.evaluate(g, Object.fromEntries(g.map((q) => [q.id, q.answer])))).toEqual(want);
    expect(m.evaluate(g, g.map((q) => ({ id: q.id, prediction: q.answer })))).toEqual(want);
  });

  it('empty gold: every statistic is null', () => {
    const r = m.evaluate([], []);
    expect(r.total).toMatchObject({ questions: 0, accuracy: null, rc: null, rtc: null, topShare: null, oosRate: null, goldTopShare: null });
  });

  it('bad records and duplicate ids name the record', () => {
    const q = gold[0];
    expect(() => m.evaluate([{ ...q, task: 'guess' } as never], [])).toThrow(new RangeError("Expected one of 'judgement', 'prediction' for `gold[0].task` but received 'guess'"));
    expect(() => m.evaluate([q, { ...q, answer: 3 } as never], [])).toThrow(new TypeError('Expected a string for `gold[1].answer` but received the number 3'));
    expect(() => m.evaluate([q, q], [])).toThrow(new RangeError(`Expected unique ids in \`gold\` but gold[1] repeats '${q.id}' (gold[0])`));
    expect(() => m.evaluate([q], [{ id: q.id, answer: 'a' }, { id: q.id, answer: 'b' }])).toThrow(new RangeError(`Expected unique ids in \`predictions\` but predictions[1] repeats '${q.id}'`));
    expect(() => m.evaluate([q], [{ id: q.id }])).toThrow(new TypeError('Expected a string for `predictions[0].answer` but received undefined'));
    expect(() => m.evaluate([q], 'x' as never)).toThrow(TypeError);
    expect(() => m.evaluate(gold, [], { oos: 'x' as never })).toThrow(/`oos`/);
  });
});

// The same three predictors on `sk.scene.generate` + `sk.scene.qa` output (the rotate gold format),
// once the scene domain is in this build; until then the self-generated fixture above stands in.
describe('evaluate() on sk.scene output', () => {
  const scene = sk.scene as unknown as {
    generate?: (o: { groups: number; seed: number }) => unknown[];
    qa?: (g: unknown) => import('../src/metrics/evaluate.js').GoldQuestion[];
  };
  const ready = typeof scene.generate === 'function' && typeof scene.qa === 'function';
  it.skipIf(!ready)('perfect: accuracy 1, RC 0, RTC 1; constant: RC 0 with topShare 1; random: chance accuracy', () => {
    const gold = scene.generate!({ groups: 12, seed: 3 }).flatMap((g) => scene.qa!(g));
    expect(gold.length).toBeGreaterThan(100);
    const perfect = m.evaluate(gold, gold.map((q) => ({ id: q.id, answer: q.answer })));
    expect(perfect.total.accuracy).toBe(1);
    expect(perfect.total.rc).toBe(0);
    expect(perfect.total.rtc).toBe(1);
    expect(perfect.viewpoint.relative.groups).toBeGreaterThan(0);
    expect(perfect.viewpoint.absolute.groups).toBeGreaterThan(0);
    const constant = m.evaluate(gold, gold.map((q) => ({ id: q.id, answer: 'no' })));
    expect(constant.total.rc).toBe(0);
    expect(constant.total.topShare).toBe(1);
    expect(constant.task.judgement.accuracy).toBeCloseTo(gold.filter((q) => q.task === 'judgement' && q.answer === 'no').length /
      gold.filter((q) => q.task === 'judgement').length, 12);
    const r0 = rng(SEED + 9);
    const random = m.evaluate(gold, gold.map((q) => { const a = answerSet(q); return { id: q.id, answer: a[Math.floor(r0() * a.length)] }; }));
    const nj = random.task.judgement.questions;
    expect(Math.abs(random.task.judgement.accuracy! - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / nj));
    expect(random.total.rc!).toBeGreaterThan(0.2);
    expect(Math.abs(random.total.rtc! - 20 / 96)).toBeLessThan(5 * Math.sqrt((20 / 96) * (76 / 96) / random.total.pairs));
  });
});
