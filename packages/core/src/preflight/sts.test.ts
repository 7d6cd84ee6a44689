import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStsStub, type StsStub } from '../token/testing/index';
import { checkWebIdentity } from './sts';

const ROLE = 'arn:aws:iam::123456789012:role/kong-eks';
const dir = mkdtempSync(join(tmpdir(), 'iamroll-preflight-sts-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.web.identity');
const settings = { roleArn: ROLE, tokenFile, sessionName: undefined };
let sts: StsStub;

beforeAll(async () => {
  sts = await startStsStub();
});
afterAll(async () => {
  await sts.close();
});

describe('checkWebIdentity', () => {
  it('exchanges the token at AWS_ENDPOINT_URL_STS with the real SDK provider', async () => {
    const outcome = await checkWebIdentity(settings, { AWS_ENDPOINT_URL_STS: sts.url }, 'us-east-1', null);
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.message).toContain(`${sts.url} (AWS_ENDPOINT_URL_STS)`);
    expect(outcome.identity?.accessKeyId).toMatch(/^ASIASTUB/);
    expect(sts.calls.at(-1)).toMatchObject({ action: 'AssumeRoleWithWebIdentity', roleArn: ROLE });
  });

  it('prefers pg_iam_auth_sts_endpoint_url, as Kong does', async () => {
    const outcome = await checkWebIdentity(
      settings,
      { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1' },
      'us-east-1',
      sts.url,
    );
    expect(outcome.ok).toBe(true);
    expect(outcome.message).toContain('(pg_iam_auth_sts_endpoint_url)');
  });

  it('fails without AWS_STS_REGIONAL_ENDPOINTS=regional when no endpoint is set, naming the variable', async () => {
    const before = sts.calls.length;
    const outcome = await checkWebIdentity(settings, {}, 'eu-west-1', null);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('sts.eu-west-1.amazonaws.com');
    expect(outcome.fix).toContain('AWS_STS_REGIONAL_ENDPOINTS=regional');
    expect(sts.calls.length).toBe(before);
  });
});
