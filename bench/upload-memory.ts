/**
 * `npx tsx bench/upload-memory.ts`: the server's memory around a burst of 10 concurrent POSTs
 * to /deconnexion, each carrying 10 files of 9.9 MB as multipart and no CSRF token (the attack
 * of the security review). Prints RSS before, peak (VmHWM) and RSS after; see docs/performance.md.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { killServer, sleep, startServer } from '../test/support/server-process.ts';

const REQUESTS = 10;
const FILES = 10;
const FILE_BYTES = Math.round(9.9 * 1024 * 1024);

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

function post(port: number, file: Buffer): Promise<number> {
  const boundary = 'bench-upload-memory';
  const head = (i: number) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"; filename="f${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const length = Array.from({ length: FILES }, (_, i) => head(i).length + file.length + 2).reduce((a, b) => a + b, 0);
  return new Promise((resolve) => {
    const req = http.request(
      {
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/deconnexion',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': length + tail.length,
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      },
    );
    req.on('error', () => resolve(0));
    void (async () => {
      for (let i = 0; i < FILES; i++) {
        if (req.destroyed) return;
        req.write(head(i));
        if (!req.write(file)) await new Promise((r) => req.once('drain', r));
        req.write('\r\n');
      }
      req.end(tail);
    })();
  });
}

const server = await startServer({ env: { GUICHET_DEMO: 'true' } });
try {
  await sleep(2000);
  const before = status(server.pid, 'VmRSS');
  const file = Buffer.alloc(FILE_BYTES, 0x41);
  const started = Date.now();
  const statuses = await Promise.all(Array.from({ length: REQUESTS }, () => post(server.port, file)));
  const took = Date.now() - started;
  await sleep(3000);
  const after = status(server.pid, 'VmRSS');
  const peak = status(server.pid, 'VmHWM');
  console.log(
    `${REQUESTS} × ${FILES} × 9.9 MB to /deconnexion: answers ${statuses.join(',')} in ${took} ms; ` +
      `RSS before ${before} MB, peak ${peak} MB, after ${after} MB`,
  );
} finally {
  await killServer(server);
}
