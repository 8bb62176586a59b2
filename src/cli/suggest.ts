// "Did you mean …?" for the command line: the closest known command or flag to a mistyped one,
// and a drop-in `parseArgs` whose unknown-option error names it.
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';

/** Optimal-string-alignment distance: edits, with a swap of two neighbours counted as one. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word`, or null when none is close: at most a third of the word's
 * length in edits (at least 1), or the word is a prefix of exactly one candidate (`--over`).
 * Ties go to the earlier candidate.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(w));
  if (w.length >= 2 && prefixed.length === 1) return prefixed[0];
  let best: string | null = null, bestD = Math.max(1, Math.floor(w.length / 3)) + 1;
  for (const c of candidates) {
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestD) { best = c; bestD = dist; }
  }
  return best;
}

/** " Did you mean X?" or '' when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c === null ? '' : ` Did you mean ${c}?`;
}

/**
 * node:util `parseArgs` whose "Unknown option '--grups'" error adds "Did you mean --groups?"
 * (the flags come from `config.options`). Same arguments, result and error code.
 */
export function parseArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof nodeParseArgs<T>> {
  try {
    return nodeParseArgs(config);
  } catch (e) {
    const m = /Unknown option '(-{1,2})([^'=]+)'/.exec((e as Error).message);
    if (m && config.options) {
      const flags = Object.entries(config.options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
      const flag = `${m[1]}${m[2]}`, hint = didYouMean(flag, flags);
      // Node's own hint (how to pass a positional that starts with '-') gives way to the suggestion.
      if (hint) (e as Error).message = `Unknown option '${flag}'.${hint}`;
    }
    throw e;
  }
}
