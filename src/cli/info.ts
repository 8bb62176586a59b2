// `spatialkit info`: version, each backend's status, the ISA level picked and thread count.
import { parseArgs } from 'node:util';
import * as sk from '../index.js';


export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('Usage: spatialkit info [--json]\n\nPrints the version, each backend (native, cuda, wasm) with its status or the reason it is unavailable, the ISA level and threads.');
    return 0;
  }
  const list = sk.backends();
  let selected: string;
  try { selected = sk.getBackend(); } catch (e) { selected = `none (${(e as Error).message})`; }
  if (values.json) {
    console.log(JSON.stringify({ version: sk.version, node: process.version, selected, backends: list }, null, 2));
    return 0;
  }
  console.log(`spatialkit ${sk.version} on Node ${process.version} (${process.platform}-${process.arch})`);
  console.log(`selected backend: ${selected}${process.env.SPATIALKIT_BACKEND ? ` (SPATIALKIT_BACKEND=${process.env.SPATIALKIT_BACKEND})` : ''}`);
  for (const b of list) {
    if (!b.available) {
      console.log(`  ${b.backend.padEnd(6)}  unavailable: ${b.reason}`);
      continue;
    }
    const extra = b.backend === 'native' ? `ISA ${b.isa} (CPU supports ${b.isaSupported}), ${b.threads} threads`
      : b.backend === 'wasm' ? `SIMD ${b.simd ? 'on' : 'off'}`
      : `${b.devices ?? ''}`;
    console.log(`  ${b.backend.padEnd(6)}  available: ${extra}`);
  }
  return 0;
}
