// sk.rope: the RoPE-family encodings (./rope.ts) and their analysis helpers (./analysis.ts, which
// calls the encodings), put together here.
export * from './rope.js';
export { invariance, scoreMatrix } from './analysis.js';
export type { InvarianceOptions, InvarianceReport, ScoreMatrixOptions } from './analysis.js';
