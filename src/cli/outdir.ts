// An output folder that several processes and crashes cannot corrupt: a safe mkdir, files that
// appear only complete and durable (fsync, rename, fsync of the folder), JSON state files whose
// damage is reported with their name, and a lock file naming its owner so that two runs never
// write the same files at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A mistake the user can fix (a flag, a folder, a lock): the CLI prints it and exits 2. */
export class UsageError extends Error {}

/**
 * Creates `dir` and its missing parents one level at a time. (`fs.mkdirSync(…, {recursive: true})`
 * never returns for a path under /proc: Node retries the ENOENT it gets there forever.)
 * @throws UsageError naming the folder when it cannot be created or is not a writable folder.
 */
export function makeDir(dir: string, flag = '--out'): void {
  const missing: string[] = [];
  for (let d = dir; !fs.existsSync(d);) {
    missing.push(d);
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  try {
    for (const d of missing.reverse()) fs.mkdirSync(d);
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a folder');
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new UsageError(`${flag} ${dir}: cannot create or write this folder (${(e as Error).message})`);
  }
}

/** Makes a folder's entries (a rename, a new file) durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}

/** Writes all of `data` at the file position (a write may be short: a nearly full disk, a size limit). */
export function writeAll(fd: number, data: Buffer): void {
  for (let done = 0; done < data.length;) done += fs.writeSync(fd, data, done);
}

/**
 * Writes `file` so that it only ever exists complete: a temporary file `<file>.tmp-<pid>`, synced,
 * its folder synced, then renamed over `file` and the folder synced again. `durable: false` skips
 * the folder syncs (for many small files whose folder is synced once at a checkpoint). On failure
 * the temporary file is removed and the error names `file`.
 */
export function writeAtomic(file: string, data: string | Buffer, durable = true): void {
  const tmp = `${file}.tmp-${process.pid}`, dir = path.dirname(file);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally { fs.closeSync(fd); }
    if (durable) fsyncDir(dir);
    fs.renameSync(tmp, file);
    if (durable) fsyncDir(dir);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/**
 * The parsed JSON of `file`, or null when it does not exist. An empty or unparsable file (a disk
 * that lost a write) is a UsageError naming it and what to do — unless `discard`, when it is
 * treated as absent.
 */
export function readJson<T>(file: string, discard: boolean, check: (v: unknown) => boolean): T | null {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let why = '';
  if (text.trim() === '') why = 'is empty';
  else {
    try {
      const v = JSON.parse(text) as unknown;
      if (check(v)) return v as T;
      why = 'does not hold what spatialkit rotate writes there';
    } catch (e) { why = `is not valid JSON (${(e as Error).message})`; }
  }
  if (discard) return null;
  throw new UsageError(`${file} ${why}; it was left by an interrupted or damaged run: pass --overwrite to start again`);
}

/** Whether a process with this id exists on this machine (EPERM: it exists but is someone else's). */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * When the process started (Linux: clock ticks since boot, /proc/<pid>/stat field 22), so that a
 * recycled pid is not taken for the lock's owner; null elsewhere.
 */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch { return null; }
}

interface Owner { pid: number; host: string; start: string | null }

/** Whether the owner recorded in a lock file still runs (a lock from another host counts as live: we cannot tell). */
function ownerAlive(o: Owner): boolean {
  if (o.host !== os.hostname()) return true;
  if (!alive(o.pid)) return false;
  return o.start === null || startTime(o.pid) === null || startTime(o.pid) === o.start;
}

/** A held lock: release() removes the file if it is still ours. */
export interface Lock { file: string; release(): void }

/**
 * Takes the lock file `file` (created exclusively, holding {pid, host, start}). A lock whose owner
 * has died (killed, crashed) is stale and taken over; a live owner's lock is a UsageError saying
 * who holds it. `what` names the folder in the message.
 */
export function lock(file: string, what: string): Lock {
  const me: Owner = { pid: process.pid, host: os.hostname(), start: startTime(process.pid) };
  const text = JSON.stringify(me) + '\n';
  for (let attempt = 0; attempt < 8; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try { writeAll(fd, Buffer.from(text)); fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
      return {
        file,
        release: () => { try { if (fs.readFileSync(file, 'utf8') === text) fs.rmSync(file); } catch { /* gone already */ } },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new UsageError(`${what}: cannot create the lock file ${file} (${(e as Error).message})`);
    }
    let seen: string;
    try { seen = fs.readFileSync(file, 'utf8'); } catch { continue; }  // released meanwhile: try again
    let owner: Owner | null = null;
    try { owner = JSON.parse(seen) as Owner; } catch { /* a writer killed mid-write: stale */ }
    if (owner && typeof owner.pid === 'number' && ownerAlive(owner)) {
      throw new UsageError(`${what} is in use by another spatialkit rotate (pid ${owner.pid} on ${owner.host}); wait for it to finish, ` +
        `or remove ${file} if that process is gone`);
    }
    // Stale: move it aside under a name of our own, and check that what we moved is what we judged
    // (another process may have taken the lock over in between; then it goes back).
    const aside = `${file}.stale-${process.pid}`;
    try { fs.renameSync(file, aside); } catch { continue; }
    if (fs.readFileSync(aside, 'utf8') !== seen) {
      try { fs.linkSync(aside, file); } catch { /* yet another owner: it stays theirs */ }
    }
    fs.rmSync(aside, { force: true });
  }
  throw new UsageError(`${what}: could not take the lock ${file} (other runs keep taking it)`);
}

/**
 * Removes temporary files `<name>.tmp-<pid>` in `dir` left by processes that no longer run
 * (killed between writing and renaming); `names` limits it to files this run owns.
 */
export function removeStaleTemps(dir: string, names: (name: string) => boolean): void {
  let entries: string[];
  try { entries = fs.readdirSync(dir); } catch { return; }
  for (const e of entries) {
    const m = /^(.*)\.(?:tmp|stale)-(\d+)$/.exec(e);
    if (m && names(m[1]) && (Number(m[2]) === process.pid ? false : !alive(Number(m[2])))) fs.rmSync(path.join(dir, e), { force: true });
  }
}
