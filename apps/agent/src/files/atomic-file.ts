import { createHash, randomBytes } from 'node:crypto';
import { chmod, chown, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Every file the agent changes goes through here: write a temporary file in the same
// directory, fsync it, rename it over the target (atomic on POSIX), fsync the directory
// so the rename itself survives a power cut. A reader (Kong starting, the agent
// recovering) sees the old bytes or the new ones, never a torn file.

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory (EINVAL): the rename is still atomic.
  } finally {
    await handle.close();
  }
}

export interface WriteOptions {
  /** File mode of the new file (default 0600: kong.conf and its backups hold the password). */
  readonly mode?: number;
  /** Owner of the new file (a kong.conf replaced as root must stay readable by the kong user). */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

export async function writeFileAtomic(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(temp, mode); // open's mode is masked by the umask
    if (options.owner) await chown(temp, options.owner.uid, options.owner.gid).catch(() => undefined);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dir);
}

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Replaces an existing file atomically, keeping its mode and owner (Kong must still read it). */
export async function replaceFileKeepingMode(path: string, data: string | Buffer): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  await writeFileAtomic(path, data, {
    mode: info ? info.mode & 0o7777 : 0o600,
    ...(info ? { owner: { uid: info.uid, gid: info.gid } } : {}),
  });
}
