import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, createSecureContext, type ConnectionOptions, type SecureVersion } from 'node:tls';

/**
 * `verify-full` (default): the chain must lead to the CA bundle and the
 * certificate must name the endpoint. `verify-ca`: chain only. `require`:
 * encrypted, unverified — what Kong does with pg_ssl_verify off; for parity only.
 * There is no plain-text mode: RDS refuses IAM logins without TLS.
 */
export type SslMode = 'verify-full' | 'verify-ca' | 'require';

export interface IamTlsOptions {
  readonly mode?: SslMode;
  /** PEM CA bundle path, e.g. the RDS global-bundle.pem. */
  readonly caFile?: string;
  /** PEM CA bundle contents (wins over caFile). */
  readonly ca?: string | Buffer;
  /** Name checked against the certificate and sent as SNI; default: the endpoint host. */
  readonly servername?: string;
  readonly minVersion?: SecureVersion;
  /** Default TLSv1.2: Kong's RDS guidance (RDS lacks TLS 1.3; Kong's RDS tests exclude it). */
  readonly maxVersion?: SecureVersion;
}

export const DEFAULT_TLS_MIN_VERSION: SecureVersion = 'TLSv1.2';
export const DEFAULT_TLS_MAX_VERSION: SecureVersion = 'TLSv1.2';

/** Reads a PEM CA bundle, failing with the path and what to do. */
export function readCaBundle(caFile: string): string {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(
      `cannot read the CA bundle "${caFile}" (${code}): download the RDS bundle (global-bundle.pem) and pass its path`,
      {
        cause: error,
      },
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`the CA bundle "${caFile}" holds no PEM certificate: pass the RDS bundle (global-bundle.pem)`);
  }
  return pem;
}

/** The `ssl` object node-postgres hands to `tls.connect` for an endpoint. */
export function buildSslOptions(endpointHost: string, options: IamTlsOptions = {}): ConnectionOptions {
  const mode = options.mode ?? 'verify-full';
  const ca = options.ca ?? (options.caFile !== undefined ? readCaBundle(options.caFile) : undefined);
  const servername = options.servername ?? endpointHost;
  const ssl: ConnectionOptions = {
    // One context for every connection of the pool: otherwise tls.connect parses
    // the CA bundle again per connection, which shows in a reconnect storm.
    // It carries the CA and the version bounds (tls.connect then ignores those options).
    secureContext: createSecureContext({
      minVersion: options.minVersion ?? DEFAULT_TLS_MIN_VERSION,
      maxVersion: options.maxVersion ?? DEFAULT_TLS_MAX_VERSION,
      ...(ca !== undefined ? { ca } : {}),
    }),
    rejectUnauthorized: mode !== 'require',
    // SNI may not carry an IP address (RFC 6066); the identity check then uses the host.
    ...(isIP(servername) === 0 ? { servername } : {}),
  };
  // node-postgres replaces `servername` with the TCP host when that is a DNS
  // name (a tunnel, a local alias): check the endpoint name explicitly.
  if (mode === 'verify-full')
    ssl.checkServerIdentity = (_host, certificate) => checkServerIdentity(servername, certificate);
  if (mode === 'verify-ca') ssl.checkServerIdentity = () => undefined;
  return ssl;
}
