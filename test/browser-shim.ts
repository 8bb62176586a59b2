// The slice of vitest's API that the oracle test files use (describe/it with .each/.skip/.skipIf,
// beforeAll/afterAll, expect — the real @vitest/expect matchers on chai), for running those
// files unchanged in a browser page: test/browser-oracles.ts bundles them with this module in
// place of 'vitest', runs them and hands the per-test results to test/browser.test.ts.
import * as chai from 'chai';
import { ASYMMETRIC_MATCHERS_OBJECT, GLOBAL_EXPECT, JestAsymmetricMatchers, JestChaiExpect, JestExtend, getState, setState } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

type Fn = () => unknown;
interface Test { name: string; fn: Fn; skip: boolean; timeout?: number }
interface Suite { name: string; skip: boolean; children: (Suite | Test)[]; beforeAll: Fn[]; afterAll: Fn[] }
export interface Result { name: string; state: 'pass' | 'fail' | 'skip'; error?: string; ms: number }

const root: Suite = { name: '', skip: false, children: [], beforeAll: [], afterAll: [] };
let current = root;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const expect: any = (value: unknown, message?: string) => {
  const { assertionCalls } = getState(expect);
  setState({ assertionCalls: assertionCalls + 1 }, expect);
  return chai.expect(value, message);
};
Object.assign(expect, chai.expect);
Object.assign(expect, (globalThis as never)[ASYMMETRIC_MATCHERS_OBJECT]);
expect.getState = () => getState(expect);
expect.setState = (s: object) => setState(s, expect);
expect.extend = (m: object) => (chai.expect as unknown as { extend(e: unknown, m: object): void }).extend(expect, m);
setState({ assertionCalls: 0, currentTestName: '' }, expect);
(globalThis as Record<symbol, unknown>)[GLOBAL_EXPECT] = expect;

/** vitest's title formatting for .each: %s %i %d %f %j %o %# and $name for object rows. */
function title(t: string, args: unknown[], index: number): string {
  let i = 0;
  let s = t.replace(/%[sidfjo#%]/g, (m) => {
    if (m === '%%') return '%';
    if (m === '%#') return String(index);
    const v = args[i++];
    if (m === '%i') return String(Math.trunc(Number(v)));
    if (m === '%d' || m === '%f') return String(Number(v));
    if (m === '%j' || m === '%o') return JSON.stringify(v);
    return typeof v === 'string' ? v : String(v);
  });
  if (args.length === 1 && args[0] && typeof args[0] === 'object' && !Array.isArray(args[0])) {
    s = s.replace(/\$([A-Za-z_]\w*)/g, (m, k) => (k in (args[0] as object) ? String((args[0] as Record<string, unknown>)[k]) : m));
  }
  return s;
}
const rows = (table: readonly unknown[]) => table.map((r) => (Array.isArray(r) ? r : [r]));

function addSuite(name: string, body: Fn, skip: boolean): void {
  const suite: Suite = { name, skip: skip || current.skip, children: [], beforeAll: [], afterAll: [] };
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    body();
  } catch (e) {
    // A skipped suite's body may touch Node-only things while collecting; its tests skip anyway.
    if (!suite.skip) suite.children.push({ name: '(collecting)', fn: () => { throw e; }, skip: false });
  } finally {
    current = parent;
  }
}
function addTest(name: string, fn: Fn, skip: boolean, timeout?: number): void {
  current.children.push({ name, fn, skip: skip || current.skip, timeout });
}
/** vitest.config.ts's testTimeout, so that a test that never settles fails instead of hanging the page. */
const TEST_TIMEOUT = 60_000;
function withTimeout(p: unknown, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise((_, fail) => { timer = setTimeout(() => fail(new Error(`Test timed out in ${ms}ms.`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

type Describe = ((name: string, body: Fn) => void) & {
  skip(name: string, body: Fn): void;
  skipIf(c: unknown): (name: string, body: Fn) => void;
  each(table: readonly unknown[]): (name: string, body: (...a: never[]) => unknown) => void;
};
type It = ((name: string, fn: Fn, timeout?: number) => void) & {
  skip(name: string, fn: Fn): void;
  skipIf(c: unknown): (name: string, fn: Fn) => void;
  each(table: readonly unknown[]): (name: string, fn: (...a: never[]) => unknown) => void;
};

export const describe = ((name: string, body: Fn) => addSuite(name, body, false)) as Describe;
describe.skip = (name, body) => addSuite(name, body, true);
describe.skipIf = (c) => (name, body) => addSuite(name, body, Boolean(c));
describe.each = (table) => (name, body) => rows(table).forEach((r, i) => addSuite(title(name, r, i), () => (body as (...a: unknown[]) => unknown)(...r), false));

export const it = ((name: string, fn: Fn, timeout?: number) => addTest(name, fn, false, timeout)) as It;
it.skip = (name, fn) => addTest(name, fn, true);
it.skipIf = (c) => (name, fn) => addTest(name, fn, Boolean(c));
it.each = (table) => (name, fn) => rows(table).forEach((r, i) => addTest(title(name, r, i), () => (fn as (...a: unknown[]) => unknown)(...r), false));
export const test = it;

export function beforeAll(fn: Fn): void { current.beforeAll.push(fn); }
export function afterAll(fn: Fn): void { current.afterAll.push(fn); }

const message = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const hasRunnable = (s: Suite): boolean => s.children.some((c) => ('fn' in c ? !c.skip : hasRunnable(c)));

async function runSuite(s: Suite, path: string[], out: Result[], file: string): Promise<void> {
  const names = s.name ? [...path, s.name] : path;
  let setupError: string | undefined;
  if (hasRunnable(s)) {
    for (const h of s.beforeAll) {
      try { await withTimeout(h(), TEST_TIMEOUT); } catch (e) { setupError = `beforeAll: ${message(e)}`; break; }
    }
  }
  for (const c of s.children) {
    if (!('fn' in c)) { await runSuite(c, names, out, file); continue; }
    const full = [...names, c.name].join(' > ');
    if (c.skip) { out.push({ name: `${file} > ${full}`, state: 'skip', ms: 0 }); continue; }
    const t0 = performance.now();
    setState({ assertionCalls: 0, currentTestName: full }, expect);
    try {
      if (setupError) throw new Error(setupError);
      await withTimeout(c.fn(), c.timeout ?? TEST_TIMEOUT);
      out.push({ name: `${file} > ${full}`, state: 'pass', ms: performance.now() - t0 });
    } catch (e) {
      out.push({ name: `${file} > ${full}`, state: 'fail', error: message(e), ms: performance.now() - t0 });
    }
  }
  if (hasRunnable(s)) for (const h of s.afterAll) { try { await h(); } catch { /* reported by the tests */ } }
}

/** Runs everything collected since the last call, naming each result after `file`. */
export async function runCollected(file: string): Promise<Result[]> {
  const suite: Suite = { ...root, children: root.children.splice(0) };
  const out: Result[] = [];
  await runSuite(suite, [], out, file);
  return out;
}
