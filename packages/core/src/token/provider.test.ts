import aws4 from 'aws4';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AwsCredentialIdentity } from './credentials';
import { TokenError } from './errors';
import { createIamTokenProvider, tokenCacheKey } from './provider';
import type { TokenTarget } from './types';

const FROZEN = new Date('2026-03-01T12:00:00Z');
const HOST = 'kong-db.abcdefghijkl.eu-west-1.rds.amazonaws.com';
const TARGET: TokenTarget = { host: HOST, port: 5432, user: 'kong', database: 'kong' };
const KEYS: AwsCredentialIdentity = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

/** A manual clock for the cache, in epoch milliseconds. */
function manualClock(start = FROZEN.getTime()) {
  let nowMs = start;
  return { now: () => nowMs, advanceSeconds: (s: number) => (nowMs += s * 1000) };
}

/** The same presigned URL computed by aws4, an independent SigV4 implementation. */
function aws4Token(target: TokenTarget, region: string, credentials: AwsCredentialIdentity): URLSearchParams {
  const signed = aws4.sign(
    {
      host: `${target.host}:${target.port}`,
      path: `/?Action=connect&DBUser=${encodeURIComponent(target.user)}&X-Amz-Expires=900`,
      service: 'rds-db',
      region,
      method: 'GET',
      signQuery: true,
    },
    credentials,
  );
  return new URLSearchParams(String(signed.path).slice('/?'.length));
}

function queryOf(token: string, target: TokenTarget): URLSearchParams {
  const prefix = `${target.host}:${target.port}/?`;
  expect(token.startsWith(prefix)).toBe(true);
  return new URLSearchParams(token.slice(prefix.length));
}

function sorted(params: URLSearchParams): [string, string][] {
  return [...params.entries()].sort(([a], [b]) => a.localeCompare(b));
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(FROZEN);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('token correctness', () => {
  it.each([
    ['long-term keys', KEYS],
    ['session credentials', { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN+/=' }],
  ])('matches aws4 query and signature with %s', async (_name, credentials) => {
    const provider = createIamTokenProvider({ credentials });
    const token = await provider.getToken(TARGET);
    expect(sorted(queryOf(token, TARGET))).toEqual(sorted(aws4Token(TARGET, 'eu-west-1', credentials)));
  });

  it('signs a user name that needs URL encoding the same way as aws4', async () => {
    const target = { ...TARGET, user: 'kong_ro+iam@x' };
    const token = await createIamTokenProvider({ credentials: KEYS }).getToken(target);
    expect(queryOf(token, target).get('X-Amz-Signature')).toBe(
      aws4Token(target, 'eu-west-1', KEYS).get('X-Amz-Signature'),
    );
  });

  it('signs in the explicit region when one is given', async () => {
    const target = { ...TARGET, host: '127.0.0.1', region: 'us-east-2' };
    const token = await createIamTokenProvider({ credentials: KEYS }).getToken(target);
    expect(sorted(queryOf(token, target))).toEqual(sorted(aws4Token(target, 'us-east-2', KEYS)));
  });

  it('presigns for 900 seconds at the system time', async () => {
    const token = await createIamTokenProvider({ credentials: KEYS }).getToken(TARGET);
    const query = queryOf(token, TARGET);
    expect(query.get('X-Amz-Expires')).toBe('900');
    expect(query.get('X-Amz-Date')).toBe('20260301T120000Z');
  });
});

describe("Kong's own token spec", () => {
  // spec/…/iam_token_handler: Kong's test host, keys test_id / test_key, ngx.time() = 1667543171.
  it("gives the signature of Kong's spec for its test host, region taken from the host as Kong does", async () => {
    vi.setSystemTime(new Date('2022-11-04T06:26:11Z'));
    const target = { host: 'test_database.test_cluster.us-east-1.rds.amazonaws.com', port: 443, user: 'test_user' };
    const provider = createIamTokenProvider({ credentials: { accessKeyId: 'test_id', secretAccessKey: 'test_key' } });
    const query = queryOf(await provider.getToken(target), target);
    expect(query.get('X-Amz-Credential')).toBe('test_id/20221104/us-east-1/rds-db/aws4_request');
    expect(query.get('X-Amz-Signature')).toBe('ff72d46f1937c1f5917f69d694929ca814b781619b8d730451c7ffef050059b0');
  });
});

describe('token cache', () => {
  it('serves the same token for the same target', async () => {
    const provider = createIamTokenProvider({ credentials: KEYS, now: manualClock().now });
    const first = await provider.getToken(TARGET);
    const second = await provider.getToken({ ...TARGET });
    expect(second).toBe(first);
    expect(provider.counters).toMatchObject({ signed: 1, cacheHits: 1 });
  });

  it('signs once for concurrent requests of the same target', async () => {
    const provider = createIamTokenProvider({ credentials: KEYS, now: manualClock().now });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => provider.getToken(TARGET)));
    expect(new Set(tokens).size).toBe(1);
    expect(provider.counters.signed).toBe(1);
  });

  it('keeps a token for 900 s minus the 15 s margin', async () => {
    const clock = manualClock();
    const provider = createIamTokenProvider({ credentials: KEYS, now: clock.now });
    await provider.getToken(TARGET);
    clock.advanceSeconds(884);
    await provider.getToken(TARGET);
    expect(provider.counters.signed).toBe(1);
    clock.advanceSeconds(1);
    await provider.getToken(TARGET);
    expect(provider.counters.signed).toBe(2);
  });

  it('caps the cache at the credentials lifetime left minus the margin', async () => {
    const clock = manualClock();
    const expiring = { ...KEYS, sessionToken: 'SESSIONTOKENEXAMPLE', expiration: new Date(clock.now() + 100_000) };
    const provider = createIamTokenProvider({ credentials: async () => Promise.resolve(expiring), now: clock.now });
    await provider.getToken(TARGET);
    clock.advanceSeconds(84);
    await provider.getToken(TARGET);
    expect(provider.counters.signed).toBe(1);
    clock.advanceSeconds(1);
    await provider.getToken(TARGET);
    expect(provider.counters.signed).toBe(2);
  });

  it('does not cache a token whose credentials expire within the margin', async () => {
    const clock = manualClock();
    const expiring = { ...KEYS, expiration: new Date(clock.now() + 10_000) };
    const provider = createIamTokenProvider({ credentials: expiring, now: clock.now });
    await provider.getToken(TARGET);
    await provider.getToken(TARGET);
    expect(provider.counters).toMatchObject({ signed: 2, cacheHits: 0 });
  });

  it('honours a larger margin', async () => {
    const clock = manualClock();
    const provider = createIamTokenProvider({ credentials: KEYS, now: clock.now, cacheMarginSeconds: 60 });
    await provider.getToken(TARGET);
    clock.advanceSeconds(840);
    await provider.getToken(TARGET);
    expect(provider.counters.signed).toBe(2);
  });

  it('refuses a margin below Kong’s 15 s', () => {
    expect(() => createIamTokenProvider({ credentials: KEYS, cacheMarginSeconds: 5 })).toThrow(RangeError);
  });

  it.each([
    ['host', { host: 'other.abcdefghijkl.eu-west-1.rds.amazonaws.com' }],
    ['port', { port: 5433 }],
    ['user', { user: 'kong_ro' }],
    ['database', { database: 'konnect' }],
  ])('signs separately for another %s', async (_field, change) => {
    const provider = createIamTokenProvider({ credentials: KEYS, now: manualClock().now });
    await provider.getToken(TARGET);
    await provider.getToken({ ...TARGET, ...change });
    expect(provider.counters.signed).toBe(2);
  });

  it.each([
    ['role ARN', { assumeRoleArn: 'arn:aws:iam::123456789012:role/other' }],
    ['session name', { roleSessionName: 'Other' }],
    ['STS endpoint URL', { stsEndpointUrl: 'https://sts.eu-west-1.amazonaws.com' }],
  ])('keys the cache by the %s', (_field, change) => {
    const withRole = { ...TARGET, assumeRoleArn: 'arn:aws:iam::123456789012:role/kong' };
    expect(tokenCacheKey({ ...withRole, ...change })).not.toBe(tokenCacheKey(withRole));
  });

  it('treats the default session name and KongPostgres as the same key', () => {
    const withRole = { ...TARGET, assumeRoleArn: 'arn:aws:iam::123456789012:role/kong' };
    expect(tokenCacheKey({ ...withRole, roleSessionName: 'KongPostgres' })).toBe(tokenCacheKey(withRole));
  });
});

describe('token failures', () => {
  it('counts a host without a region as a region failure', async () => {
    const provider = createIamTokenProvider({ credentials: KEYS });
    await expect(provider.getToken({ ...TARGET, host: '10.1.2.3' })).rejects.toThrow(/"10\.1\.2\.3".*--region/s);
    expect(provider.counters.failures).toEqual({ region: 1, credentials: 0, assume_role: 0, signing: 0 });
  });

  it('counts unloadable credentials and keeps secrets out of the message', async () => {
    const provider = createIamTokenProvider({
      credentials: () => Promise.reject(new Error('bad profile: aws_secret_access_key=wJalrXUtnFEMISECRET')),
    });
    const error: unknown = await provider.getToken(TARGET).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect((error as TokenError).failureCause).toBe('credentials');
    expect((error as TokenError).message).toContain('default chain');
    expect((error as TokenError).message).not.toContain('wJalrXUtnFEMISECRET');
    expect(provider.counters.failures.credentials).toBe(1);
  });

  it('signs again after a failure instead of caching it', async () => {
    let calls = 0;
    const provider = createIamTokenProvider({
      credentials: () => (++calls === 1 ? Promise.reject(new Error('not yet')) : Promise.resolve(KEYS)),
    });
    await expect(provider.getToken(TARGET)).rejects.toThrow(TokenError);
    await expect(provider.getToken(TARGET)).resolves.toContain('X-Amz-Signature=');
  });
});
