import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCredentialSource } from './credentials';

// Which source of Kong's chain resolves, read from Kong's environment, through the real SDK providers.

const dir = mkdtempSync(join(tmpdir(), 'iamroll-preflight-creds-'));
const base = { HOME: dir, AWS_EC2_METADATA_DISABLED: 'true' };
let container: Server;
let containerUrl: string;

beforeAll(async () => {
  container = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({
        AccessKeyId: 'ASIACONTAINERKEY9876',
        SecretAccessKey: 'containerSecretKeyForTestsOnly0000000000',
        Token: 'container-session-token',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => container.listen(0, '127.0.0.1', resolve));
  const address = container.address();
  containerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v2/credentials/task`;
});
afterAll(async () => {
  await new Promise((resolve) => container.close(resolve));
});

describe('resolveCredentialSource', () => {
  it('names environment keys by their last four characters only', async () => {
    const source = await resolveCredentialSource(
      { ...base, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY1234', AWS_SECRET_ACCESS_KEY: 'secretExampleKey' },
      1_000,
    );
    expect(source).toMatchObject({ ok: true, kind: 'env' });
    expect(source.ok && source.description).toContain('…1234');
    expect(source.ok && source.description).not.toContain('AKIAEXAMPLE');
  });

  it('fails half-set environment keys, naming the missing variable', async () => {
    const source = await resolveCredentialSource({ ...base, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY1234' }, 1_000);
    expect(source).toMatchObject({ ok: false, kind: 'env' });
    expect(!source.ok && source.fix).toContain('AWS_SECRET_ACCESS_KEY');
  });

  it('resolves AWS_PROFILE from the shared credentials file Kong is given', async () => {
    const file = join(dir, 'credentials');
    writeFileSync(file, '[kong]\naws_access_key_id = AKIAPROFILEKEY5678\naws_secret_access_key = profileSecret\n');
    const source = await resolveCredentialSource(
      { ...base, AWS_PROFILE: 'kong', AWS_SHARED_CREDENTIALS_FILE: file },
      1_000,
    );
    expect(source).toMatchObject({ ok: true, kind: 'profile' });
    expect(source.ok && source.description).toContain('profile kong');
    expect(source.ok && source.description).toContain('…5678');
  });

  it('fails an AWS_PROFILE that is not in the files, naming both', async () => {
    const file = join(dir, 'credentials-other');
    writeFileSync(file, '[other]\naws_access_key_id = AKIAPROFILEKEY5678\naws_secret_access_key = profileSecret\n');
    const source = await resolveCredentialSource(
      { ...base, AWS_PROFILE: 'kong', AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, 'none') },
      1_000,
    );
    expect(source).toMatchObject({ ok: false, kind: 'profile' });
    expect(!source.ok && source.message).toContain(file);
  });

  it('asks the ECS container endpoint Kong would ask', async () => {
    const source = await resolveCredentialSource({ ...base, AWS_CONTAINER_CREDENTIALS_FULL_URI: containerUrl }, 2_000);
    expect(source).toMatchObject({ ok: true, kind: 'container' });
    expect(source.ok && source.description).toContain('…9876');
  });

  it('leaves web identity to the sts check once the token file reads', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'eyJ.test');
    const source = await resolveCredentialSource(
      { ...base, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/kong', AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile },
      1_000,
    );
    expect(source).toMatchObject({ ok: true, kind: 'web-identity' });
    const missing = await resolveCredentialSource(
      { ...base, AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/kong', AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'nope') },
      1_000,
    );
    expect(missing).toMatchObject({ ok: false, kind: 'web-identity' });
  });

  it('says what to configure when nothing resolves', async () => {
    const source = await resolveCredentialSource(base, 1_000);
    expect(source).toMatchObject({ ok: false, kind: null });
    expect(!source.ok && source.fix).toContain('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
  });
});
