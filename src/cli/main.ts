#!/usr/bin/env node
// spatialkit command line: one module per command, loaded on demand.
import { version } from '../version.js';

type Command = { describe: string; run: (argv: string[]) => Promise<number> };
const commands: Record<string, () => Promise<Command>> = {
  info: () => import('./info.js'),
  bench: () => import('./bench.js'),
  rotate: () => import('./rotate.js'),
  eval: () => import('./eval.js'),
};

const usage = `spatialkit ${version}

Usage: spatialkit <command> [options]

Commands:
${Object.keys(commands).map((c) => `  ${c}`).join('\n')}

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
  const load = commands[name];
  if (!load) {
    console.error(`spatialkit: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}.`);
    return 2;
  }
  return (await load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    console.error(`spatialkit: ${err.message}`);
    process.exitCode = 1;
  },
);
