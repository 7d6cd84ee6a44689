import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTlsMaterial } from './certificates';

const ENDPOINT = 'sim-1.abcdefghijkl.us-east-1.rds.amazonaws.com';

describe('createTlsMaterial', () => {
  it('issues a server certificate for the endpoint, localhost and 127.0.0.1, signed by its CA', async () => {
    const material = await createTlsMaterial([ENDPOINT, 'localhost', '127.0.0.1']);
    const ca = new X509Certificate(material.caPem);
    const server = new X509Certificate(material.certificatePem);
    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost(ENDPOINT)).toBe(ENDPOINT);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('other.rds.amazonaws.com')).toBeUndefined();
  });

  it('uses ECDSA P-256 keys', async () => {
    const material = await createTlsMaterial(['localhost']);
    const server = new X509Certificate(material.certificatePem);
    expect(server.publicKey.asymmetricKeyType).toBe('ec');
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(material.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});
