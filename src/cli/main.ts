#!/usr/bin/env node
// spatialkit command line: one module per command, loaded on demand.
import { version } from '../version.js';
import { escapeControls } from './escape.js';
import { didYouMean } from './suggest.js';

type Command = { run: (argv: string[]) => Promise<number> };
const commands: Record<string, { what: string; load: () => Promise<Command> }> = {
  rotate: { what: 'write a ROTATE-style spatial-relation dataset (defaults: 100 groups → ./rotate-out)', load: () => import('./rotate.js') },
  view: { what: 'write a self-contained HTML page that shows one group of a rotate output', load: () => import('./view.js') },
  eval: { what: 'score predictions against rotate\'s qa.jsonl (accuracy slices, RC, RTC, bias)', load: () => import('./eval.js') },
  bench: { what: 'run the benchmark suites (--quick for a short look)', load: () => import('./bench.js') },
  info: { what: 'print the version and every backend\'s status', load: () => import('./info.js') },
};

const usage = `spatialkit ${version}

Usage: spatialkit <command> [options]

Commands:
${Object.entries(commands).map(([c, { what }]) => `  ${c.padEnd(8)}${what}`).join('\n')}

Run \`spatialkit <command> --help\` for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    console.log(version);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`spatialkit: unknown command '${escapeControls(name)}'.${didYouMean(name, Object.keys(commands))} Commands: ${Object.keys(commands).join(', ')}.`);
    return 2;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    console.error(`spatialkit: ${escapeControls(String(err?.message ?? err))}`);
    process.exitCode = 1;
  },
);
