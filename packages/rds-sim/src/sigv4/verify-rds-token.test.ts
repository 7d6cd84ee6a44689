import { Signer } from '@aws-sdk/rds-signer';
import aws4 from 'aws4';
import { describe, expect, it } from 'vitest';
import { verifyRdsToken, type SimCredential, type TokenExpectations } from './verify-rds-token';

const HOST = 'sim-1.abcdefghijkl.us-east-1.rds.amazonaws.com';
const PORT = 5432;
const longTerm: SimCredential = {
  accessKeyId: 'AKIAEXAMPLEKEY000001',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const temporary: SimCredential = {
  accessKeyId: 'ASIAEXAMPLEKEY000002',
  secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE+session/token==',
};

function expectations(overrides: Partial<TokenExpectations> = {}): TokenExpectations {
  return {
    dbUser: 'kong_iam',
    endpointHost: HOST,
    endpointPort: PORT,
    region: 'us-east-1',
    nowMs: Date.now(),
    findCredential: (id) => [longTerm, temporary].find((c) => c.accessKeyId === id),
    ...overrides,
  };
}

interface SignOptions {
  readonly hostname?: string;
  readonly port?: number;
  readonly username?: string;
  readonly region?: string;
  readonly credentials?: SimCredential;
}

function sdkToken(options: SignOptions = {}): Promise<string> {
  return new Signer({
    hostname: options.hostname ?? HOST,
    port: options.port ?? PORT,
    username: options.username ?? 'kong_iam',
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? longTerm,
  }).getAuthToken();
}

/** The same token made by a different SigV4 implementation (aws4, used by older Node tooling). */
function aws4Token(credentials: SimCredential): string {
  const signed = aws4.sign(
    {
      host: HOST,
      port: PORT,
      path: '/?Action=connect&DBUser=kong_iam&X-Amz-Expires=900',
      service: 'rds-db',
      region: 'us-east-1',
      signQuery: true,
    },
    credentials,
  );
  return `${HOST}:${PORT}${signed.path ?? ''}`;
}

describe('verifyRdsToken', () => {
  it('accepts a token from @aws-sdk/rds-signer', async () => {
    expect(verifyRdsToken(await sdkToken(), expectations())).toEqual({
      isValid: true,
      accessKeyId: longTerm.accessKeyId,
    });
  });

  it('accepts a token from aws4', () => {
    expect(verifyRdsToken(aws4Token(longTerm), expectations()).isValid).toBe(true);
  });

  it('accepts session-token credentials signed by either implementation', async () => {
    expect(verifyRdsToken(await sdkToken({ credentials: temporary }), expectations()).isValid).toBe(true);
    expect(verifyRdsToken(aws4Token(temporary), expectations()).isValid).toBe(true);
  });

  it('rejects every single-character change anywhere in the token', async () => {
    const token = await sdkToken({ credentials: temporary });
    for (let i = 0; i < token.length; i += 1) {
      const replacement = token[i] === 'A' ? 'B' : 'A';
      const changed = token.slice(0, i) + replacement + token.slice(i + 1);
      expect(verifyRdsToken(changed, expectations()).isValid, `change at ${i}`).toBe(false);
    }
  });

  it.each([
    ['another login user', {}, { dbUser: 'kong' }, /DBUser "kong_iam" is not the login user "kong"/],
    ['another host', { hostname: 'other.abcdefghijkl.us-east-1.rds.amazonaws.com' }, {}, /signed for other\./],
    ['another port', { port: 5433 }, {}, /signed for .*:5433, not/],
    ['another region', { region: 'eu-west-1' }, {}, /region "eu-west-1"/],
    ['an expired token (now > date + 900 s)', {}, { nowMs: Date.now() + 901_000 }, /expired at/],
    ['a token dated beyond the skew allowance', {}, { nowMs: Date.now() - 6 * 60_000 }, /signed in the future/],
    [
      'a wrong secret key',
      { credentials: { ...longTerm, secretAccessKey: 'not-the-secret' } },
      {},
      /signature does not match/,
    ],
  ] as const)(
    'rejects %s as InvalidToken',
    async (_name, sign: SignOptions, expect_: Partial<TokenExpectations>, reason) => {
      const verdict = verifyRdsToken(await sdkToken(sign), expectations(expect_));
      expect(verdict).toMatchObject({ isValid: false, kind: 'InvalidToken', reason: expect.stringMatching(reason) });
    },
  );

  it('rejects a wrong or missing session token', async () => {
    const wrong = await sdkToken({ credentials: { ...temporary, sessionToken: 'forged' } });
    const missing = await sdkToken({
      credentials: { accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey },
    });
    for (const token of [wrong, missing]) {
      expect(verifyRdsToken(token, expectations())).toMatchObject({
        isValid: false,
        kind: 'InvalidToken',
        reason: expect.stringMatching(/session token/),
      });
    }
  });

  it('classifies an unknown access key as InsufficientPermissions', async () => {
    const token = await sdkToken({ credentials: { accessKeyId: 'AKIAUNKNOWNKEY000009', secretAccessKey: 'x' } });
    expect(verifyRdsToken(token, expectations())).toMatchObject({ isValid: false, kind: 'InsufficientPermissions' });
  });

  it('rejects X-Amz-Expires above 900 seconds even when correctly signed', () => {
    const signed = aws4.sign(
      {
        host: HOST,
        port: PORT,
        path: '/?Action=connect&DBUser=kong_iam&X-Amz-Expires=3600',
        service: 'rds-db',
        region: 'us-east-1',
        signQuery: true,
      },
      longTerm,
    );
    const verdict = verifyRdsToken(`${HOST}:${PORT}${signed.path ?? ''}`, expectations());
    expect(verdict).toMatchObject({ isValid: false, reason: expect.stringMatching(/X-Amz-Expires/) });
  });

  it('rejects a plain password as malformed', () => {
    expect(verifyRdsToken('hunter2', expectations())).toMatchObject({
      isValid: false,
      kind: 'InvalidToken',
      reason: expect.stringMatching(/malformed/),
    });
  });

  it('never puts the signature or session token in the reason', async () => {
    const token = await sdkToken({ credentials: temporary });
    const verdict = verifyRdsToken(token.replace(/X-Amz-Signature=[0-9a-f]/, 'X-Amz-Signature=g'), expectations());
    const signature = /X-Amz-Signature=([0-9a-f]+)/.exec(token)?.[1] ?? '';
    expect(verdict.isValid).toBe(false);
    if (!verdict.isValid) {
      expect(verdict.reason).not.toContain(signature.slice(1));
      expect(verdict.reason).not.toContain('IQoJ');
    }
  });
});
