import { Option, type Command } from 'commander';
import type { ConnectFailureCause, IamPool } from '@iamroll/core/pool';
import type { TokenProvider } from '@iamroll/core/token';
import { setExitCode } from '../exit-code';
import { CliError, ExitCode, type CliIo } from '../io';
import {
  addTokenOptions,
  defaultTokenProvider,
  isTokenError,
  tokenCliError,
  tokenTarget,
  type TokenFlags,
} from '../token-options';

interface ProbeFlags extends TokenFlags {
  readonly ca: string;
  readonly database?: string;
  readonly connectHost?: string;
  readonly timeoutMs: number;
  readonly format: 'text' | 'json';
}

export interface ProbeReport {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly server_version: string;
  /** The server's view (pg_stat_ssl); null when something in between terminates TLS. */
  readonly tls_version: string | null;
  /** What this client negotiated. */
  readonly client_tls_version: string | null;
  readonly current_user: string;
  /** null: the rds_iam role does not exist here (not RDS, or an emulator without it). */
  readonly is_rds_iam_member: boolean | null;
}

// pg_has_role() raises for an unknown role name: going through pg_roles yields NULL instead.
const PROBE_SQL = `SELECT version() AS server_version,
  current_user AS current_user,
  (SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS tls_version,
  (SELECT pg_has_role(current_user, oid, 'member') FROM pg_roles WHERE rolname = 'rds_iam') AS is_rds_iam_member,
  current_database() AS database`;

const HINTS: Record<ConnectFailureCause, string> = {
  throttled:
    'RDS throttled the IAM login (too many competing requests): retry later, or pace reconnects under ~200/s per instance',
  invalid_token:
    'the database refused the token: check the user exists and is granted rds_iam, the IAM policy allows rds-db:connect on ' +
    'arn:aws:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>, IAM auth is enabled on the instance, and the region',
  not_authorized:
    'the database refused this user or client: check the user, the database, and that rds_iam/pg_hba allow it',
  tls: 'TLS failed: pass the RDS CA bundle with --ca and the RDS endpoint name with --host (use --connect-host for a tunnel)',
  network: 'cannot reach the database: check host, port, security groups and routes',
  other: 'the connection failed',
};

function describeClientTls(client: unknown): string | null {
  const stream = (client as { connection?: { stream?: { getProtocol?: () => string | null } } }).connection?.stream;
  return typeof stream?.getProtocol === 'function' ? stream.getProtocol() : null;
}

async function probe(pool: IamPool, flags: ProbeFlags): Promise<ProbeReport> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{
      server_version: string;
      current_user: string;
      tls_version: string | null;
      is_rds_iam_member: boolean | null;
      database: string;
    }>(PROBE_SQL);
    const row = rows[0];
    if (!row) throw new CliError('the probe query returned no row');
    return {
      host: flags.host,
      port: flags.port,
      database: row.database,
      server_version: row.server_version,
      tls_version: row.tls_version,
      client_tls_version: describeClientTls(client),
      current_user: row.current_user,
      is_rds_iam_member: row.is_rds_iam_member,
    };
  } finally {
    client.release();
  }
}

function formatText(report: ProbeReport): string {
  const membership =
    report.is_rds_iam_member === null ? 'unknown (no rds_iam role here)' : report.is_rds_iam_member ? 'yes' : 'no';
  return [
    `connected:        ${report.current_user}@${report.host}:${report.port}/${report.database} with an IAM token`,
    `server version:   ${report.server_version}`,
    `TLS (server):     ${report.tls_version ?? 'none seen by the server (TLS ends before PostgreSQL)'}`,
    `TLS (client):     ${report.client_tls_version ?? 'unknown'}`,
    `current_user:     ${report.current_user}`,
    `member of rds_iam: ${membership}`,
  ].join('\n');
}

export function register(
  program: Command,
  io: CliIo,
  tokenProvider: () => TokenProvider | Promise<TokenProvider> = defaultTokenProvider,
): void {
  addTokenOptions(program.command('probe'))
    .description(
      'Connect once with an IAM token through the rate-budgeted pool (verified TLS) and report the server version, ' +
        'the TLS version, current_user and whether the user is a member of rds_iam.',
    )
    .requiredOption('--ca <file>', 'PEM CA bundle to verify the server, e.g. the RDS global-bundle.pem')
    .option('--database <name>', 'database (pg_database); default: the user name')
    .option(
      '--connect-host <address>',
      'open TCP here instead (tunnel, simulator); the token and certificate check still use --host',
    )
    .option('--timeout-ms <ms>', 'connect deadline in milliseconds', (v) => Number.parseInt(v, 10), 10_000)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: ProbeFlags, command: Command) => {
      const target = tokenTarget(flags, flags.database);
      const { classifyConnectFailure, createIamPool, readCaBundle } = await import('@iamroll/core/pool');
      const { redactSecrets } = await import('@iamroll/core/token');
      let ca: string;
      try {
        ca = readCaBundle(flags.ca);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const pool = createIamPool({
        host: flags.host,
        ...(flags.connectHost ? { connectHost: flags.connectHost } : {}),
        port: flags.port,
        user: flags.user,
        ...(flags.database ? { database: flags.database } : {}),
        tokenProvider: await tokenProvider(),
        iam: {
          region: target.region,
          assumeRoleArn: target.assumeRoleArn,
          roleSessionName: target.roleSessionName,
          stsEndpointUrl: target.stsEndpointUrl,
        },
        tls: { ca },
        connectTimeoutMs: flags.timeoutMs,
        pg: { max: 1, application_name: 'iamroll-probe' },
      });
      // An idle client's socket error must not crash the CLI; the failure surfaces via connect().
      pool.on('error', () => undefined);
      try {
        const report = await probe(pool, flags);
        io.stdout(flags.format === 'json' ? `${JSON.stringify(report)}\n` : `${formatText(report)}\n`);
      } catch (error) {
        if (error instanceof CliError) throw error;
        if (isTokenError(error)) throw tokenCliError(error);
        const cause = classifyConnectFailure(error);
        const message = redactSecrets(error instanceof Error ? error.message : String(error));
        if (flags.format === 'json')
          io.stdout(`${JSON.stringify({ host: flags.host, port: flags.port, error: { cause, message } })}\n`);
        io.stderr(`iamroll: probe failed (${cause}): ${message}\n  ${HINTS[cause]}\n`);
        setExitCode(command, ExitCode.findings);
      } finally {
        await pool.end();
      }
    });
}
