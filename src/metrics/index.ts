// sk.metrics: the answer normaliser, Normalized Entropy, RTC, codebook and rotation metrics
// (./metrics.ts) and the evaluation of a whole prediction file (./evaluate.ts, over the string
// index of ./key-index.ts). evaluate.ts builds on metrics.ts, so the namespace is put together here.
export * from './metrics.js';
export { evaluate } from './evaluate.js';
export type { GoldQuestion, Prediction, Predictions, EvalOptions, EvalReport, SliceReport } from './evaluate.js';
