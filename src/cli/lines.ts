// Reads a UTF-8 text file one line at a time, in bounded memory: at most one line (capped at
// `maxLineBytes`) and one read chunk are held, whatever the file's size or its longest line.
// A byte-order mark at the start is skipped; a UTF-16 file is refused with a clear error.
import fs from 'node:fs';

/** Default cap on one line: far above any QA record or answer, far below what exhausts memory. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** A file that cannot be read as UTF-8 lines (a UTF-16 byte-order mark). */
export class EncodingError extends Error {}

export interface LineHandlers {
  /** A line (1-based number), without its `\n` or `\r\n`. */
  line(text: string, line: number): void;
  /** A line longer than the cap: skipped; `bytes` is its length. */
  tooLong(line: number, bytes: number): void;
}

/**
 * Calls `on.line` for every line of `file` (and `on.tooLong` for a line over `maxLineBytes`, which
 * is never assembled). A handler may throw to stop reading.
 * @throws EncodingError for a file that starts with a UTF-16 byte-order mark; the stream's
 *   errors (ENOENT, EISDIR, …) as they come.
 */
export async function forEachLine(file: string, maxLineBytes: number, on: LineHandlers): Promise<void> {
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let parts: Buffer[] = [];
  let held = 0;          // bytes of the current line so far
  let skipping = false;  // the current line is over the cap: count it, do not keep it
  let line = 1;
  let first = true;
  const finish = (last: Buffer | null): void => {
    if (skipping) on.tooLong(line, held);
    else {
      if (last) parts.push(last);
      const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
      let text = bytes.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      on.line(text, line);
    }
    parts = [];
    held = 0;
    skipping = false;
    line++;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
      else if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
        throw new EncodingError(`${file} is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8`);
      }
    }
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      held += end - start;
      if (!skipping && held > maxLineBytes) { skipping = true; parts = []; }
      if (nl < 0) {
        // Copy the tail: the next line continues in the next chunk.
        if (!skipping && end > start) parts.push(Buffer.from(chunk.subarray(start, end)));
        break;
      }
      finish(skipping ? null : chunk.subarray(start, end));
      start = nl + 1;
    }
  }
  if (held > 0 || parts.length > 0 || skipping) finish(null);
}
