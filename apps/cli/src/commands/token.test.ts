import { startStsStub, type StsStub } from '@iamroll/core/token/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main';
import { captureIo } from '../test/capture-io';

const HOST = 'kong-db.abcdefghijkl.eu-west-1.rds.amazonaws.com';

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('AWS_PROFILE', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('iamroll token', () => {
  it('prints only the token, on one line', async () => {
    const io = captureIo();
    const code = await main(['token', '--host', HOST, '--port', '5432', '--user', 'kong'], io);
    expect(code).toBe(0);
    expect(io.err()).toBe('');
    expect(io.out()).toMatch(
      new RegExp(
        `^${HOST.replaceAll('.', '\\.')}:5432/\\?Action=connect&DBUser=kong&X-Amz-Algorithm=AWS4-HMAC-SHA256&\\S+&X-Amz-Signature=[0-9a-f]{64}&X-Amz-SignedHeaders=host\\n$`,
      ),
    );
  });

  it('signs in the region of the host', async () => {
    const io = captureIo();
    await main(['token', '--host', HOST, '--user', 'kong'], io);
    expect(io.out()).toContain('%2Feu-west-1%2Frds-db%2Faws4_request');
  });

  it('signs for an IP address with --region', async () => {
    const io = captureIo();
    const code = await main(
      ['token', '--host', '10.0.0.5', '--port', '5433', '--user', 'kong', '--region', 'us-east-2'],
      io,
    );
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^10\.0\.0\.5:5433\/\?.*%2Fus-east-2%2Frds-db%2F/);
  });

  it('fails with exit 2 naming the host and --region when the host carries no region', async () => {
    const io = captureIo();
    const code = await main(['token', '--host', 'db.internal.example.com', '--user', 'kong'], io);
    expect(code).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/"db\.internal\.example\.com".*--region/s);
  });

  it('refuses --sts-endpoint-url without --assume-role-arn', async () => {
    const io = captureIo();
    const code = await main(
      ['token', '--host', HOST, '--user', 'kong', '--sts-endpoint-url', 'http://127.0.0.1:1'],
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toContain('--assume-role-arn');
  });

  it('refuses a port that is not a port', async () => {
    const io = captureIo();
    expect(await main(['token', '--host', HOST, '--user', 'kong', '--port', '99999'], io)).toBe(2);
  });
});

describe('iamroll token --assume-role-arn', () => {
  let sts: StsStub;
  beforeEach(async () => {
    sts = await startStsStub();
  });
  afterEach(async () => {
    await sts.close();
  });

  it('signs with the assumed role, passing the session name', async () => {
    const io = captureIo();
    const role = 'arn:aws:iam::123456789012:role/kong-db';
    const code = await main(
      [
        'token',
        '--host',
        HOST,
        '--user',
        'kong',
        '--assume-role-arn',
        role,
        '--role-session-name',
        'KongCP',
        '--sts-endpoint-url',
        sts.url,
      ],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(sts.calls).toMatchObject([
      { roleArn: role, roleSessionName: 'KongCP', signedByAccessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
    ]);
    expect(io.out()).toContain('X-Amz-Credential=ASIASTUB1%2F');
  });

  it('reports an STS refusal with exit 2 and no secret', async () => {
    await sts.close();
    sts = await startStsStub({ isDenying: true });
    const io = captureIo();
    const code = await main(
      [
        'token',
        '--host',
        HOST,
        '--user',
        'kong',
        '--assume-role-arn',
        'arn:aws:iam::123456789012:role/x',
        '--sts-endpoint-url',
        sts.url,
      ],
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toContain('arn:aws:iam::123456789012:role/x');
    expect(io.err()).not.toContain('wJalrXUtnFEMI');
  });
});
