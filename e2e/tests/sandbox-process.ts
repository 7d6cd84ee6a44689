// Runs `iamroll start` (the sandbox) for a spec: a free port, a temporary state directory and a
// known admin password; stopped with SIGTERM like Ctrl-C, and the directory removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const SANDBOX_ADMIN_PASSWORD = 'e2e-sandbox-admin-password';

export interface RunningSandbox {
  readonly url: string;
  readonly stateDir: string;
  /** Everything it printed on stdout so far. */
  output(): string;
  readonly readyMs: number;
  stop(): Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolvePort(address.port) : reject(new Error())));
    });
  });
}

export async function startSandbox(extraArgs: readonly string[] = []): Promise<RunningSandbox> {
  const port = await freePort();
  const stateDir = await mkdtemp(join(tmpdir(), 'iamroll-e2e-sandbox-'));
  // mkdtemp makes it 0700; as root the sandbox would then keep PostgreSQL's data outside it.
  await chmod(stateDir, 0o755);
  const startedAt = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    ['apps/cli/bin/iamroll.js', 'start', '--port', String(port), '--state-dir', stateDir, ...extraArgs],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        IAMROLL_ADMIN_PASSWORD: SANDBOX_ADMIN_PASSWORD,
        IAMROLL_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setInterval(() => {
      if (/Ready in/.test(stdout)) {
        clearInterval(timer);
        resolveReady();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`iamroll start exited (${code}) before it was ready:\n${stdout}\n${stderr}`));
    });
  });
  const readyMs = Date.now() - startedAt;
  return {
    url: `http://127.0.0.1:${port}`,
    stateDir,
    readyMs,
    output: () => stdout,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      await rm(stateDir, { recursive: true, force: true });
      return code;
    },
  };
}
