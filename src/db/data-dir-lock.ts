import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The embedded database (PGlite) belongs to one process: a second process opening the same files
 * works on its own copy in memory, and what one of them writes is lost when the other one
 * checkpoints. Every opener of the embedded database (the server and every CLI command) takes
 * this lock first; the second one is refused with a message saying what to do.
 *
 * A lock file holding the owner's PID, host name and a random token, created with O_EXCL.
 * A lock left by a process that no longer runs (crash, SIGKILL) is taken over; one left by
 * another host (shared volume) is not, since its process cannot be checked from here.
 * See docs/decisions/0012-embedded-database-lock.md.
 */

export const LOCK_FILE_NAME = 'guichet.lock';

interface LockContent {
  pid: number;
  hostname: string;
  token: string;
  command: string;
  since: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockContent | null,
  ) {
    const who = holder
      ? `process ${holder.pid}${holder.hostname === os.hostname() ? '' : ` on host ${holder.hostname}`} (${holder.command}, since ${holder.since})`
      : 'another process';
    super(
      `the embedded database in ${dataDir} is in use by ${who}. ` +
        'Only one process may open it: stop the Guichet server (npm start) before running this command, ' +
        'or use a PostgreSQL server (DATABASE_URL) to run commands beside a running server.' +
        (holder && holder.hostname !== os.hostname()
          ? ` If that process is no longer running, delete ${path.join(dataDir, LOCK_FILE_NAME)}.`
          : ''),
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release: () => void;
}

function readLock(file: string): LockContent | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return null;
    return parsed as LockContent;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock on an embedded data folder (which must exist), or throws DataDirLockedError. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  const mine: LockContent = {
    pid: process.pid,
    hostname: os.hostname(),
    token: randomBytes(12).toString('hex'),
    command: path.basename(process.argv[1] ?? process.argv0),
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(file);
      // An unreadable lock may be one being written this very moment: treat it as held.
      if (!holder || holder.hostname !== os.hostname() || isRunning(holder.pid))
        throw new DataDirLockedError(dataDir, holder);
      // Left by a process that is gone: take it over.
      try {
        unlinkSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      continue;
    }
    // Two processes taking over the same stale lock at once: only the one whose token is in
    // the file goes on.
    const written = readLock(file);
    if (written?.token !== mine.token) throw new DataDirLockedError(dataDir, written);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (readLock(file)?.token === mine.token) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    };
    // A process that exits without closing the database (process.exit after an error) leaves no lock.
    process.on('exit', release);
    return { release };
  }
  throw new DataDirLockedError(dataDir, readLock(file));
}
