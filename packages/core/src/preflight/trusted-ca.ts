import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';

// lua_ssl_trusted_certificate as Kong reads it: a comma-separated list of PEM files, where
// `system` stands for the operating system's CA bundle (Kong's default). The RDS CAs are not in
// the system bundle, so a verified connection needs the RDS bundle listed here.

export const RDS_CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

export type TrustedCa =
  | { readonly ok: true; readonly pem: string; readonly description: string }
  | { readonly ok: false; readonly message: string };

export async function trustedCa(value: string | null): Promise<TrustedCa> {
  const entries = (value ?? 'system')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const pems: string[] = [];
  for (const entry of entries) {
    if (entry === 'system') {
      pems.push(rootCertificates.join('\n'));
      continue;
    }
    const pem = await readFile(entry, 'utf8').catch(
      (error: NodeJS.ErrnoException) => new Error(error.code ?? 'unreadable'),
    );
    if (pem instanceof Error)
      return {
        ok: false,
        message: `lua_ssl_trusted_certificate names ${entry}, which cannot be read (${pem.message})`,
      };
    if (!pem.includes('-----BEGIN CERTIFICATE-----'))
      return { ok: false, message: `lua_ssl_trusted_certificate names ${entry}, which holds no PEM certificate` };
    pems.push(pem);
  }
  return {
    ok: true,
    pem: pems.join('\n'),
    description: `lua_ssl_trusted_certificate = ${entries.join(',') || 'system'}`,
  };
}
