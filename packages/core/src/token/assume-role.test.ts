import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenError } from './errors';
import { createIamTokenProvider } from './provider';
import { startStsStub, type StsStub } from './testing/sts-stub';
import type { TokenTarget } from './types';

const MASTER = { accessKeyId: 'AKIAMASTEREXAMPLE', secretAccessKey: 'masterSecretKeyExample' };
const ROLE = 'arn:aws:iam::123456789012:role/kong-db';

let sts: StsStub;
afterEach(async () => {
  await sts.close();
});

function target(overrides: Partial<TokenTarget> = {}): TokenTarget {
  return {
    host: 'kong-db.abcdefghijkl.us-east-1.rds.amazonaws.com',
    port: 5432,
    user: 'kong',
    assumeRoleArn: ROLE,
    stsEndpointUrl: sts.url,
    ...overrides,
  };
}

describe('assume role through a loopback STS', () => {
  beforeEach(async () => {
    sts = await startStsStub();
  });

  it('calls STS once for many tokens across targets', async () => {
    const provider = createIamTokenProvider({ credentials: MASTER });
    await Promise.all(Array.from({ length: 10 }, (_, i) => provider.getToken(target({ user: `user${i}` }))));
    expect(sts.calls).toHaveLength(1);
    expect(provider.counters.signed).toBe(10);
  });

  it('passes the role ARN, Kong’s default session name and a one-hour session', async () => {
    await createIamTokenProvider({ credentials: MASTER }).getToken(target());
    expect(sts.calls[0]).toMatchObject({
      action: 'AssumeRole',
      roleArn: ROLE,
      roleSessionName: 'KongPostgres',
      durationSeconds: 3600,
    });
  });

  it('passes an explicit session name', async () => {
    await createIamTokenProvider({ credentials: MASTER }).getToken(target({ roleSessionName: 'KongRO' }));
    expect(sts.calls[0]?.roleSessionName).toBe('KongRO');
  });

  it('calls STS with the base credentials and signs the token with the assumed ones', async () => {
    const token = await createIamTokenProvider({ credentials: MASTER }).getToken(target());
    expect(sts.calls[0]?.signedByAccessKeyId).toBe('AKIAMASTEREXAMPLE');
    expect(token).toContain('X-Amz-Credential=ASIASTUB1%2F');
    expect(token).toContain('X-Amz-Security-Token=stubSessionToken1');
  });

  it('assumes the role again once the credentials come within the refresh window', async () => {
    let nowMs = Date.now();
    const provider = createIamTokenProvider({ credentials: MASTER, now: () => nowMs });
    await provider.getToken(target());
    nowMs += 2_701_000; // 45 min + 1 s into a 60 min session: 15 min left
    const token = await provider.getToken(target());
    expect(sts.calls).toHaveLength(2);
    expect(token).toContain('X-Amz-Credential=ASIASTUB2%2F');
  });
});

describe('assume role failures', () => {
  it('reports an STS refusal as an assume_role failure naming the role', async () => {
    sts = await startStsStub({ isDenying: true });
    const provider = createIamTokenProvider({ credentials: MASTER });
    const error: unknown = await provider.getToken(target()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).failureCause).toBe('assume_role');
    expect((error as TokenError).message).toContain(ROLE);
    expect(provider.counters.failures.assume_role).toBe(1);
  });

  it('caps the token cache at a short assumed session', async () => {
    sts = await startStsStub({ lifetimeSeconds: 120 });
    let nowMs = Date.now();
    const provider = createIamTokenProvider({ credentials: MASTER, now: () => nowMs });
    await provider.getToken(target());
    nowMs += 106_000; // past 120 s − 15 s
    await provider.getToken(target());
    expect(provider.counters.signed).toBe(2);
  });
});

describe('assume role with a session shorter than the refresh window', () => {
  it('still calls STS once for many tokens', async () => {
    sts = await startStsStub({ lifetimeSeconds: 900 });
    const provider = createIamTokenProvider({ credentials: MASTER });
    for (let i = 0; i < 5; i += 1) await provider.getToken(target({ user: `user${i}` }));
    expect(sts.calls).toHaveLength(1);
  });
});
