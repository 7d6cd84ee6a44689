import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCertificate } from '@iamroll/core/pool/testing';
import { startRdsSim, type RdsSim } from '@iamroll/rds-sim';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main';
import { captureIo } from '../test/capture-io';

let sim: RdsSim;

beforeAll(async () => {
  sim = await startRdsSim();
}, 60_000);
afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  const [credential] = sim.credentials;
  vi.stubEnv('AWS_ACCESS_KEY_ID', credential?.accessKeyId ?? '');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', credential?.secretAccessKey ?? '');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function probeArgs(overrides: Record<string, string> = {}): string[] {
  const flags: Record<string, string> = {
    '--host': sim.endpointHost,
    '--connect-host': sim.host,
    '--port': String(sim.port),
    '--user': sim.iamUser,
    '--database': sim.database,
    '--ca': sim.caFile,
    ...overrides,
  };
  return ['probe', ...Object.entries(flags).flat()];
}

describe('iamroll probe', () => {
  it('reports version, TLS, current_user and rds_iam membership as JSON', async () => {
    const io = captureIo();
    const code = await main([...probeArgs(), '--format', 'json'], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({
      host: sim.endpointHost,
      database: sim.database,
      server_version: expect.stringMatching(/^PostgreSQL \d+/),
      client_tls_version: 'TLSv1.2',
      current_user: sim.iamUser,
      is_rds_iam_member: true,
    });
  });

  it('prints a readable report by default', async () => {
    const io = captureIo();
    await main(probeArgs(), io);
    expect(io.out()).toContain(`current_user:     ${sim.iamUser}`);
    expect(io.out()).toContain('member of rds_iam: yes');
  });

  it('exits 1 with the rds_iam hint when the database refuses the token', async () => {
    const passwordUser = sim.passwordUsers[0]?.user ?? 'kong';
    const io = captureIo();
    const code = await main(probeArgs({ '--user': passwordUser }), io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(/probe failed \(invalid_token\)/);
    expect(io.err()).toContain('rds_iam');
    expect(io.err()).not.toContain('X-Amz-Signature');
  });

  it('exits 1 with a TLS hint when the certificate is not from the given CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamroll-probe-'));
    const otherCa = join(dir, 'other-ca.pem');
    writeFileSync(otherCa, makeTestCertificate([sim.endpointHost]).cert);
    const io = captureIo();
    const code = await main(probeArgs({ '--ca': otherCa }), io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(/probe failed \(tls\)/);
  });

  it('exits 2 when the CA bundle cannot be read', async () => {
    const io = captureIo();
    const code = await main(probeArgs({ '--ca': '/nonexistent/global-bundle.pem' }), io);
    expect(code).toBe(2);
    expect(io.err()).toContain('/nonexistent/global-bundle.pem');
  });
});
