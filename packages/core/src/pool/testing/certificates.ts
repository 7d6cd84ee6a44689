import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  /** PEM private key and self-signed certificate (its own CA). */
  readonly key: string;
  readonly cert: string;
}

/**
 * A throwaway self-signed certificate for the given DNS names and IPs, made
 * with the openssl CLI. For tests only; nothing is written outside a temp dir.
 */
export function makeTestCertificate(
  dnsNames: readonly string[],
  ips: readonly string[] = ['127.0.0.1'],
): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'iamroll-cert-'));
  try {
    const san = [...dnsNames.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${dnsNames[0] ?? ips[0] ?? 'test'}`,
        '-addext',
        `subjectAltName=${san}`,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
