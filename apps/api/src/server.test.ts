import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startServer } from './server';
import { testConfig } from './test/test-app';
import { useTestPostgres } from './test/use-test-app';

function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

describe('startServer', () => {
  const postgres = useTestPostgres();

  it('listens, prints the URL and the generated admin password once, and never logs it', async () => {
    const database = await postgres.createEmptyDatabase();
    const config = { ...testConfig(database.url, { adminPassword: undefined, logLevel: 'debug' }) };
    let printed = '';
    const log = logSink();
    const server = await startServer({
      config,
      stdout: (text) => (printed += text),
      isHandlingSignals: false,
      logStream: log.stream,
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(printed).toContain(`Dashboard:  ${server.url}`);
      const password = /password: (\S+)/.exec(printed)?.[1];
      expect(password).toHaveLength(24);

      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/docs');
      const login = await fetch(`${server.url}api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      expect(log.text()).not.toContain(password!);
    } finally {
      await server.close();
    }

    let printedAgain = '';
    const again = await startServer({
      config,
      stdout: (text) => (printedAgain += text),
      isHandlingSignals: false,
      logStream: logSink().stream,
    });
    await again.close();
    expect(printedAgain).not.toMatch(/password:/);
  }, 60_000);

  it('starts the embedded PostgreSQL when DATABASE_URL is unset, and stops it on close', async () => {
    const root = await mkdtemp(join(tmpdir(), 'iamroll-server-'));
    await chmod(root, 0o755);
    try {
      const config = { ...testConfig('unused', { dataDir: join(root, 'api') }), databaseUrl: undefined };
      let printed = '';
      const server = await startServer({
        config,
        stdout: (text) => (printed += text),
        isHandlingSignals: false,
        logStream: logSink().stream,
      });
      expect(printed).toContain('embedded PostgreSQL');
      const ready = await fetch(`${server.url}api/ready`);
      expect(ready.status).toBe(200);
      await server.close();
      await server.closed;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
