import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres`
 * system user (present on Debian machines), so the data directory must be
 * theirs. As a normal user nothing needs to change.
 */
export async function serverUser(): Promise<OsUser | null> {
  if (userInfo().uid !== 0) return null;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    throw new Error(
      'running as root, and PostgreSQL refuses to run as root: no `postgres` system user was found. ' +
        'Create one (`useradd --system postgres`) or run iamroll as a normal user, or set DATABASE_URL to an existing PostgreSQL.',
    );
  }
}

export async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await stat(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

/** Creates the data directory (mode 0700, owned by the server user when root). */
export async function prepareDataDir(dataDir: string, owner: OsUser | null): Promise<void> {
  if (owner) await assertTraversable(dirname(dataDir));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  if (owner) await chown(dataDir, owner.uid, owner.gid);
}

/**
 * The superuser password lives beside the data directory (mode 0600) so a
 * persistent cluster keeps working across restarts; it never goes to logs.
 */
export async function loadOrCreatePassword(dataDir: string): Promise<string> {
  const file = `${dataDir.replace(/\/+$/, '')}.password`;
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing) return existing;
  } catch {
    // first start: create it below
  }
  const password = randomBytes(24).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * As root, the server runs as `postgres`, which must be able to walk down to
 * the data directory: every existing ancestor needs the "other" execute bit.
 */
async function assertTraversable(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) {
      throw new Error(
        `the PostgreSQL server runs as the \`postgres\` user, which cannot enter ${current} (mode ${(info.mode & 0o777).toString(8)}). ` +
          `Fix: \`chmod o+x ${current}\`, or choose a data directory elsewhere.`,
      );
    }
    if (current === dirname(current)) return;
  }
}
