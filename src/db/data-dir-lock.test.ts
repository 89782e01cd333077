import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DataDirLockedError, LOCK_FILE_NAME, lockDataDir } from './data-dir-lock.ts';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'guichet-lock-'));

/** The PID of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('embedded data folder lock', () => {
  test('a second opener is refused with what to do, and may take the lock once released', () => {
    const dir = tempDir();
    const first = lockDataDir(dir);
    const file = path.join(dir, LOCK_FILE_NAME);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid);
    assert.throws(
      () => lockDataDir(dir),
      (err: Error) =>
        err instanceof DataDirLockedError &&
        err.message.includes(`process ${process.pid}`) &&
        /stop the Guichet server/.test(err.message) &&
        /DATABASE_URL/.test(err.message),
    );
    first.release();
    assert.equal(existsSync(file), false);
    const second = lockDataDir(dir);
    second.release();
    second.release();
  });

  test('a lock left by a process that no longer runs is taken over', () => {
    const dir = tempDir();
    const file = path.join(dir, LOCK_FILE_NAME);
    const pid = deadPid();
    writeFileSync(
      file,
      JSON.stringify({ pid, hostname: os.hostname(), token: 'old', command: 'main.ts', since: '2026-01-01' }),
    );
    const lock = lockDataDir(dir);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid);
    lock.release();
  });

  test('a lock from another host, or one being written, is not taken over', () => {
    const dir = tempDir();
    const file = path.join(dir, LOCK_FILE_NAME);
    writeFileSync(
      file,
      JSON.stringify({ pid: deadPid(), hostname: 'other-host', token: 't', command: 'main.ts', since: '2026-01-01' }),
    );
    assert.throws(() => lockDataDir(dir), /on host other-host.*delete/s);
    writeFileSync(file, '');
    assert.throws(() => lockDataDir(dir), DataDirLockedError);
  });
});
