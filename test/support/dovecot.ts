import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/** Debian's dovecot-imapd (.ci/run installs it). */
export const DOVECOT_BINARY = '/usr/sbin/dovecot';

export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT_BINARY);
}

/** A real IMAP server for one test file: Dovecot with a throwaway configuration, on a free port. */
export interface TestDovecot {
  host: string;
  port: number;
  /** Accounts of the passwd file, by user name. */
  users: Record<string, string>;
  close: () => Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error('dovecot did not start listening');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts Dovecot in the foreground (`-F`) as the current user, on 127.0.0.1 and a free port, with
 * passwd-file authentication and maildirs in a temporary folder, no TLS. Dovecot refuses to run
 * its login and mail processes as root: when the tests run as root (a CI container), they run as
 * the `dovenull` and `dovecot` users the Debian package creates.
 */
export async function startDovecot(users: Record<string, string>): Promise<TestDovecot> {
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-dovecot-'));
  const me = userInfo();
  const root = me.uid === 0;
  const id = (flag: '-u' | '-g', name: string) => Number(execFileSync('id', [flag, name]).toString().trim());
  const mailUid = root ? id('-u', 'dovecot') : me.uid;
  const mailGid = root ? id('-g', 'dovecot') : me.gid;
  const internalUser = root ? 'dovecot' : me.username;
  const loginUser = root ? 'dovenull' : me.username;
  for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(path.join(dir, sub));
  writeFileSync(
    path.join(dir, 'passwd'),
    Object.entries(users)
      .map(([user, pass]) => `${user}:{PLAIN}${pass}`)
      .join('\n') + '\n',
  );
  if (root) {
    // The auth and mail processes run as `dovecot`: they must reach the passwd file and maildirs.
    chmodSync(dir, 0o755);
    for (const sub of ['mail', 'home']) chownSync(path.join(dir, sub), mailUid, mailGid);
  }
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = guichet-test-${port}
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${internalUser}
default_internal_group = ${root ? 'dovecot' : execFileSync('id', ['-gn']).toString().trim()}
default_login_user = ${loginUser}
first_valid_uid = 0
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailUid} gid=${mailGid} home=${dir}/home/%u
}
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
service stats {
  chroot =
}
`,
  );
  const child = spawn(DOVECOT_BINARY, ['-F', '-c', path.join(dir, 'dovecot.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(port, child);
  } catch (err) {
    child.kill('SIGTERM');
    throw new Error(`${(err as Error).message}: ${stderr}`, { cause: err });
  }
  return {
    host: '127.0.0.1',
    port,
    users,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
