import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSslOptions, readCaBundle } from './tls';
import { makeTestCertificate } from './testing/certificates';

const ENDPOINT = 'kong-db.abcdefghijkl.us-east-1.rds.amazonaws.com';

function tempFile(name: string, contents: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'iamroll-tls-')), name);
  writeFileSync(path, contents);
  return path;
}

describe('readCaBundle', () => {
  it('reads a PEM bundle', () => {
    const pem = makeTestCertificate([ENDPOINT]).cert;
    expect(readCaBundle(tempFile('ca.pem', pem))).toBe(pem);
  });

  it('names the path and the fix when the file is missing', () => {
    expect(() => readCaBundle('/nonexistent/global-bundle.pem')).toThrow(
      /"\/nonexistent\/global-bundle\.pem" \(ENOENT\).*global-bundle\.pem/,
    );
  });

  it('refuses a file without a certificate', () => {
    expect(() => readCaBundle(tempFile('ca.pem', 'not a certificate'))).toThrow(/no PEM certificate/);
  });
});

describe('buildSslOptions', () => {
  it('verifies the chain and the endpoint name by default', () => {
    const ssl = buildSslOptions(ENDPOINT);
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(ssl.servername).toBe(ENDPOINT);
    expect(ssl.checkServerIdentity).toBeTypeOf('function');
  });

  it('sends no SNI for an IP address', () => {
    expect(buildSslOptions('10.0.0.7').servername).toBeUndefined();
  });

  it('does not verify in require mode', () => {
    expect(buildSslOptions(ENDPOINT, { mode: 'require' }).rejectUnauthorized).toBe(false);
  });
});
