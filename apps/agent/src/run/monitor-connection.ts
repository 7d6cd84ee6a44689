import { readFileSync } from 'node:fs';
import { connectionSettings, loadKongConf, valueOf, type ConnectionName, type LoadInput } from '@iamroll/core/config';
import { createIamPool } from '@iamroll/core/pool';
import type { TokenProvider } from '@iamroll/core/token';
import pg from 'pg';
import { MONITOR_APPLICATION_NAME, type MonitorConnection } from '../counters/db-sampler';

export interface MonitorOptions {
  readonly tokenProvider: () => TokenProvider;
  /** PEM CA file for verified TLS (the RDS bundle); default: Node's system store. */
  readonly caFile?: string;
}

/**
 * The sampler's one connection to a kind's database, with the node's own settings as
 * they are when the agent starts: a token through the core pool when that connection is on
 * IAM, else the password from the node's file (read here, used here, sent nowhere else).
 */
export function monitorConnector(
  input: LoadInput,
  which: ConnectionName,
  options: MonitorOptions,
): (() => Promise<MonitorConnection>) | undefined {
  const conf = loadKongConf(input);
  const settings = connectionSettings(conf, which);
  if (!settings || !settings.iamApplicable || !settings.host) return undefined;
  const host = settings.host;
  const ca = options.caFile ? readFileSync(options.caFile, 'utf8') : undefined;
  return () => {
    if (settings.iam) {
      const pool = createIamPool({
        host,
        port: settings.port ?? 5432,
        user: settings.user ?? 'kong',
        database: settings.database ?? 'kong',
        tokenProvider: options.tokenProvider(),
        tls: ca ? { ca } : {},
        pg: { max: 1, idleTimeoutMillis: 0, application_name: MONITOR_APPLICATION_NAME },
      });
      pool.on('error', () => undefined);
      return Promise.resolve(pool);
    }
    const password =
      which === 'ro' ? (valueOf(conf, 'pg_ro_password') ?? valueOf(conf, 'pg_password')) : valueOf(conf, 'pg_password');
    const pool = new pg.Pool({
      host,
      port: settings.port ?? 5432,
      user: settings.user ?? 'kong',
      database: settings.database ?? 'kong',
      ...(password !== null ? { password } : {}),
      ...(settings.ssl
        ? { ssl: { rejectUnauthorized: settings.sslVerify, servername: host, ...(ca ? { ca } : {}) } }
        : {}),
      max: 1,
      idleTimeoutMillis: 0,
      application_name: MONITOR_APPLICATION_NAME,
    });
    pool.on('error', () => undefined);
    return Promise.resolve(pool);
  };
}
