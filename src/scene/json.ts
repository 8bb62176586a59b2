// JSON fragments for lines built by concatenation. `rotate` writes ~1 GB of JSONL for the paper
// preset; JSON.stringify of a fresh object per record (and of the same relations once per image)
// was most of its time. Each function writes exactly what JSON.stringify writes for its value.

/** Characters JSON.stringify escapes: controls, quote, backslash, and surrogates (escaped when unpaired). */
const ESCAPED = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A string as JSON.stringify writes it. Most need no escaping, and a regex test costs half a JSON.stringify call. */
export const jsonString = (s: string): string => (ESCAPED.test(s) ? JSON.stringify(s) : `"${s}"`);

/** A number as JSON.stringify writes it (NaN and ±Infinity become null). */
export const jsonNumber = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');

/** A record's JSON with `key` appended as its last field: JSON.stringify({...rec, [key]: value}) without the copy (`rec` must not hold `key`). */
export const jsonWith = (rec: object, key: string, value: string): string =>
  `${JSON.stringify(rec).slice(0, -1)},${jsonString(key)}:${jsonString(value)}}`;
