import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { findFreePort } from '@iamroll/embedded-pg';
import { generateCredential, type SimCredential } from '@iamroll/rds-sim';

/**
 * What the sandbox keeps between starts (`<state dir>/sandbox.json`, mode 0600): the same admin
 * password, enrollment token, Kong password user, simulator-only AWS key and simulator ports, so
 * nodes keep their identity and their kong.conf keeps pointing at the right endpoints.
 */
export interface SandboxState {
  readonly version: 1;
  readonly adminPassword: string;
  readonly enrollmentToken: string;
  readonly kongPassword: string;
  /** Simulator-only: signs tokens the sandbox's simulator accepts, nothing else. Never printed. */
  readonly credential: SimCredential;
  readonly ports: { readonly primary: number; readonly replica: number };
  /** Nodes created so far (their directories are nodes/<name>). */
  nodeCount: number;
  /** Whether the first-start setup (databases registered) ran. */
  isSetUp: boolean;
}

const secret = (bytes: number): string => randomBytes(bytes).toString('base64url');

export async function loadOrCreateState(
  stateDir: string,
  adminPassword?: string,
): Promise<{ state: SandboxState; isNew: boolean }> {
  const file = join(stateDir, 'sandbox.json');
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as SandboxState;
    if (state.version === 1) return { state, isNew: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const state: SandboxState = {
    version: 1,
    adminPassword: adminPassword ?? `sandbox-${secret(12)}`,
    enrollmentToken: `iamenroll_sandbox-${secret(18)}`,
    kongPassword: `kong-${secret(12)}`,
    credential: generateCredential(),
    ports: { primary: await findFreePort(), replica: await findFreePort() },
    nodeCount: 0,
    isSetUp: false,
  };
  await saveState(stateDir, state);
  return { state, isNew: true };
}

export async function saveState(stateDir: string, state: SandboxState): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, 'sandbox.json');
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

/**
 * Where the embedded PostgreSQL keeps its cluster. As root the server runs as `postgres`, which
 * must be able to walk down to it: a checkout under /root (0700) cannot host it, so the cluster
 * goes to /var/lib/iamroll/<checkout>-<hash>/pg instead (still one per state dir, still kept).
 */
export async function pgDataDir(stateDir: string): Promise<string> {
  const inside = join(stateDir, 'pg');
  if (process.getuid?.() !== 0 || (await isTraversableByOthers(stateDir))) return inside;
  const hash = createHash('sha256').update(stateDir).digest('hex').slice(0, 10);
  return join('/var/lib/iamroll', `${basename(dirname(dirname(stateDir))) || 'sandbox'}-${hash}`, 'pg');
}

async function isTraversableByOthers(dir: string): Promise<boolean> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) return false;
    if (current === dirname(current)) return true;
  }
}
