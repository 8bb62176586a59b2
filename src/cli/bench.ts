// `spatialkit bench`: runs the benchmark suites in bench/ (one ES module per domain, driven by
// bench/lib.js) and prints a table per suite and batch size. The suites live outside src/ so that
// they import the package as users do (`import * as sk from 'spatialkit'`); this command only
// finds them and hands over the options, without loading the library itself (each suite runs
// in child processes with their own SPATIALKIT_THREADS).
import { parseArgs } from './suggest.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';


interface BenchLib {
  main(opts: { suites?: string[]; quick?: boolean; json?: string | null }): Promise<number>;
  listSuites(): string[];
}

/** bench/ of this package (this file is src/cli/bench.ts or dist/cli/bench.js). */
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench');

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      json: { type: 'string' },
      suite: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const libFile = path.join(benchDir, 'lib.js');
  if (!fs.existsSync(libFile)) {
    console.error(`spatialkit bench: no benchmark harness at ${libFile} (bench/ is missing from this install).`);
    return 1;
  }
  const lib = (await import(pathToFileURL(libFile).href)) as BenchLib;
  if (values.help) {
    console.log(`Usage: spatialkit bench [--quick] [--json FILE] [--suite NAME]...

Runs benchmark suites and prints, per suite and batch size, M elements/s, GB/s of bytes touched,
% of a copy kernel touching the same bytes, and the ratio to each peer (gl-matrix, three.js, a
hand-written JS loop). Each suite runs twice: with SPATIALKIT_THREADS=1 (all cases) and with the
default thread count (multi-threaded backends only). Results go to bench/results/<suite>-<date>.json.

Options:
  --quick        small batches and few samples (a quick look, well under a minute per suite)
  --json FILE    also write every suite's results to FILE
  --suite NAME   run only this suite (repeatable); default: all of ${lib.listSuites().join(', ')}
  -h, --help     this text`);
    return 0;
  }
  return lib.main({ suites: values.suite, quick: !!values.quick, json: values.json ?? null });
}
