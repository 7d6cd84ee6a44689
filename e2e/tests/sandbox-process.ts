// Runs `iamroll start` (the sandbox) for a spec: a free port, a temporary state directory and a
// known admin password; stopped with SIGTERM like Ctrl-C, and the directory removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanForSecrets, type SecretFinding } from './log-scan';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const SANDBOX_ADMIN_PASSWORD = 'e2e-sandbox-admin-password';

export interface StoppedSandbox {
  readonly code: number | null;
  /** Secrets found in its stdout, stderr and API log (file and line, never the value). */
  readonly secretFindings: readonly SecretFinding[];
  readonly scannedLines: number;
}

export interface RunningSandbox {
  readonly url: string;
  readonly stateDir: string;
  /** Everything it printed on stdout so far. */
  output(): string;
  readonly readyMs: number;
  /** SIGTERM, then the secrets scan over what it printed and logged, then its directory removed. */
  stop(): Promise<StoppedSandbox>;
}

interface SandboxSecrets {
  readonly adminPassword: string;
  readonly enrollmentToken: string;
  readonly kongPassword: string;
  readonly credential: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** What the sandbox printed and logged, scanned with the secrets it keeps in sandbox.json. */
async function scanSandbox(
  stateDir: string,
  stdout: string,
  stderr: string,
): Promise<{ secretFindings: SecretFinding[]; scannedLines: number }> {
  const secrets = JSON.parse(await readFile(join(stateDir, 'sandbox.json'), 'utf8')) as SandboxSecrets;
  const apiLog = join(stateDir, 'api.log');
  const texts = [
    { name: 'iamroll start stdout', text: stdout },
    { name: 'iamroll start stderr', text: stderr },
    { name: apiLog, text: await readFile(apiLog, 'utf8') },
  ];
  const scannedLines = texts.reduce((sum, { text }) => sum + text.split('\n').length, 0);
  const secretFindings = scanForSecrets(texts, [
    // The banner prints the admin password by design (the issue asks for it); nothing else may.
    { what: 'admin password', value: secrets.adminPassword, isAllowedOn: (line) => line.includes('Sign in:') },
    { what: 'enrollment token', value: secrets.enrollmentToken },
    { what: 'Kong database password', value: secrets.kongPassword },
    { what: 'AWS access key id', value: secrets.credential.accessKeyId },
    { what: 'AWS secret access key', value: secrets.credential.secretAccessKey },
  ]);
  return { secretFindings, scannedLines };
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
        // Every request in api.log (method, URL, status): more for the secrets scan to read.
        LOG_LEVEL: 'debug',
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
      try {
        return { code, ...(await scanSandbox(stateDir, stdout, stderr)) };
      } finally {
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  };
}
