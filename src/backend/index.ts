// Backend loader: finds the native addon (prebuild or local build), the CUDA addon and the
// bundled WebAssembly module, records why any of them is unavailable, and hands the current
// one to the domain modules. Loading is lazy: nothing is loaded until a kernel or
// `backends()` needs it.
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { packageRoot } from '../package-root.cjs';
import { loadWasm } from './wasm/node.js';
import { version } from '../version.js';
import type { BackendInfo, BackendModule, BackendName } from './kernels.js';

export { packageRoot };
const requireHere = createRequire(path.join(packageRoot, 'package.json'));

const NAMES: readonly BackendName[] = ['native', 'cuda', 'wasm'];
type Choice = BackendName | 'auto';

interface Slot { module?: BackendModule; error?: string; tried: boolean }
interface State {
  slots: Record<BackendName, Slot>;
  choice?: Choice;
  current?: { name: BackendName; module: BackendModule };
}
// One state per process and version, on a global symbol: the ESM (dist/) and CommonJS (dist/cjs/)
// copies of the package share it, so `setBackend` in one holds for the other (docs/install.md).
const state = ((globalThis as Record<symbol, State | undefined>)[Symbol.for(`spatialkit.backend@${version}`)] ??=
  { slots: { native: { tried: false }, cuda: { tried: false }, wasm: { tried: false } } });
const slots = state.slots;

/** Values the native addon reads from the environment (native/cpu/dispatch.cc, native/cpu/pool.cc). */
export const ISA_VALUES = ['baseline', 'scalar', 'avx2', 'avx512'] as const;
export const MAX_THREADS = 1024;

/**
 * What is wrong with SPATIALKIT_ISA / SPATIALKIT_THREADS in `env`, one sentence each naming the
 * accepted values (the addon ignores such a value and uses its default; never silently).
 */
export function nativeEnvProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const isa = env.SPATIALKIT_ISA;
  if (isa && !(ISA_VALUES as readonly string[]).includes(isa)) {
    out.push(`SPATIALKIT_ISA=${JSON.stringify(isa)} is not one of ${ISA_VALUES.map((v) => `'${v}'`).join(', ')}; ignored: the best ISA this CPU supports is used`);
  }
  const threads = env.SPATIALKIT_THREADS;
  if (threads && !(/^[0-9]+$/.test(threads) && +threads >= 1 && +threads <= MAX_THREADS)) {
    out.push(`SPATIALKIT_THREADS=${JSON.stringify(threads)} is not an integer in [1, ${MAX_THREADS}]; a value the addon cannot read gives one thread per core`);
  }
  return out;
}

function loadNative(): BackendModule {
  for (const problem of nativeEnvProblems()) process.emitWarning(problem, { code: 'SPATIALKIT_ENV' });
  // node-gyp-build looks in build/Release, build/Debug and prebuilds/<platform>-<arch>/.
  const load = requireHere('node-gyp-build') as (dir: string) => BackendModule;
  return load(packageRoot);
}

function loadCuda(): BackendModule {
  // A local build (the repository) wins over the prebuild shipped in the package; the prebuild sits
  // in a subfolder so that node-gyp-build never takes it for the CPU addon.
  const built = path.join(packageRoot, 'build-cuda', 'Release', 'spatialkit_cuda.node');
  const prebuild = path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'cuda', 'spatialkit_cuda.node');
  const file = [built, prebuild].find((f) => fs.existsSync(f));
  if (!file) {
    const installed = packageRoot.split(path.sep).includes('node_modules');
    throw new Error(`no CUDA addon for ${process.platform}-${process.arch}: ` + (installed
      ? `this package has no ${path.relative(packageRoot, prebuild)} (it ships one for linux-x64 when packed after a CUDA build; docs/install.md)`
      : `no ${path.relative(packageRoot, built)}; run \`npm run build:cuda\` where nvcc exists`));
  }
  const mod = requireHere(file) as BackendModule;
  const info = mod.info();
  if (!info.available) throw new Error(info.reason || 'no CUDA device');
  return mod;
}

const loaders: Record<BackendName, () => BackendModule> = {
  native: loadNative,
  cuda: loadCuda,
  wasm: () => {
    return loadWasm(path.join(packageRoot, 'wasm', 'build', 'spatialkit.wasm'));
  },
};

function tryLoad(name: BackendName): Slot {
  const slot = slots[name];
  if (!slot.tried) {
    slot.tried = true;
    try {
      slot.module = loaders[name]();
    } catch (e) {
      slot.error = (e as Error).message.split('\n')[0];
    }
  }
  return slot;
}

function parseChoice(value: unknown, what: string): Choice {
  if (value === 'auto' || (NAMES as readonly unknown[]).includes(value)) return value as Choice;
  throw new RangeError(`Expected one of 'auto', 'native', 'cuda', 'wasm' for ${what} but received ${JSON.stringify(value)}`);
}

state.choice ??= process.env.SPATIALKIT_BACKEND ? parseChoice(process.env.SPATIALKIT_BACKEND, '`SPATIALKIT_BACKEND`') : 'auto';

function resolve(c: Choice): { name: BackendName; module: BackendModule } {
  if (c === 'auto') {
    for (const name of ['native', 'wasm'] as const) {
      const s = tryLoad(name);
      if (s.module) return { name, module: s.module };
    }
    throw new Error(`spatialkit: no backend could be loaded. native: ${slots.native.error}; wasm: ${slots.wasm.error}`);
  }
  const s = tryLoad(c);
  if (!s.module) {
    throw new Error(`spatialkit: the '${c}' backend is unavailable: ${s.error}. ` +
      `Run \`npx spatialkit info\` to see every backend; use setBackend('auto') to pick what works.`);
  }
  return { name: c, module: s.module };
}

/** Each backend with whether it loads here and, if not, why. Loads all three. */
export function backends(): BackendInfo[] {
  return NAMES.map((name) => {
    const s = tryLoad(name);
    if (s.module) return { ...s.module.info(), backend: name, available: true };
    return { backend: name, available: false, reason: s.error };
  });
}

/** Selects the backend for all later calls; throws, with the load error, if it is unavailable. */
export function setBackend(name: Choice): BackendName {
  const c = parseChoice(name, '`name`');
  state.current = resolve(c);
  state.choice = c;
  return state.current.name;
}

/** The name of the backend calls run on now (resolving 'auto' on first use). */
export function getBackend(): BackendName {
  return active().name;
}

/** The current backend module (for the domain modules). */
export function active(): { name: BackendName; module: BackendModule } {
  state.current ??= resolve(state.choice ?? 'auto');
  return state.current;
}

/** A specific backend's module, loading it if needed (tests and benchmarks). */
export function module(name: BackendName): BackendModule | undefined {
  return tryLoad(name).module;
}

export type { BackendInfo, BackendModule, BackendName } from './kernels.js';
