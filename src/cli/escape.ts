// Text from files and arguments, made safe to print: a crafted id or answer must not move the
// cursor, recolour, clear or reorder the user's terminal. Use it on every message that carries
// such text.

// C0 controls, DEL, C1 controls (0x9b alone is a CSI on some terminals), the Unicode line and
// paragraph separators, bidirectional overrides and isolates, and the byte-order mark.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with every control character replaced by a visible escape: `\n`, `\r`, `\t`, `\xNN`
 * below U+0100, `\uNNNN` above ("bad\x1b[2Jid" prints as `bad\x1b[2Jid`, not as a cleared screen).
 * @example escapeControls('a\u001b[31mb') // 'a\\x1b[31mb'
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
