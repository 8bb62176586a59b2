// Node's Buffer in the test page (the npm package `buffer`): some oracle test bodies compare bytes
// with Buffer.compare. Imported before the test files, so the global exists when they run.
import { Buffer } from 'buffer';

(globalThis as { Buffer?: unknown }).Buffer ??= Buffer;
