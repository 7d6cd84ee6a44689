import { describeError } from '../token/errors';
import { readFile } from 'node:fs/promises';
import { signingRegion, valueOf } from '../config/index';
import {
  createIamTokenProvider,
  redactSecrets,
  resolveSigningRegion,
  type AwsCredentialIdentity,
} from '../token/index';
import { resolveCredentialSource, type CredentialResolution } from './credentials';
import type { PolicyContext } from './fixes';
import { checkLogin } from './login';
import { reminders } from './reminders';
import { checkAssumeRole, checkWebIdentity } from './sts';
import { targetConfig, type TargetConnection } from './target-config';
import { trustedCa } from './trusted-ca';
import type { PreflightCheck, PreflightOptions, PreflightResult } from './types';

export const DEFAULT_PREFLIGHT_TIMEOUT_MS = 10_000;

async function textOf(source: { text: string } | { path: string }, what: string): Promise<string> {
  if ('text' in source) return source.text;
  try {
    return await readFile(source.path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the ${what} ${source.path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      { cause: error },
    );
  }
}

function node(id: PreflightCheck['id'], status: PreflightCheck['status'], message: string, fix = ''): PreflightCheck {
  return { id, connection: null, status, message, fix };
}

function skipped(connection: TargetConnection, ids: readonly PreflightCheck['id'][], reason: string): PreflightCheck[] {
  return ids.map((id) => ({
    id,
    connection: connection.which,
    status: 'skip',
    message: `not checked: ${reason}`,
    fix: '',
  }));
}

/** The contract's limits (a heartbeat over them is refused whole): long SDK or server texts are cut. */
const MAX_MESSAGE = 2_000;
const MAX_FIX = 8_000;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function withinContract(check: PreflightCheck): PreflightCheck {
  return {
    ...check,
    message: cut(redactSecrets(check.message) || check.id, MAX_MESSAGE),
    fix: cut(redactSecrets(check.fix), MAX_FIX),
  };
}

const AFTER_TOKEN = ['tls-login', 'rds-iam-member', 'database-rights'] as const;

/** The region the connection's token is signed for, for STS calls; null where Kong finds none. */
function regionOf(connection: TargetConnection | undefined): string | null {
  if (!connection?.settings.host) return null;
  const verdict = signingRegion(connection.settings.host);
  return verdict.ok ? verdict.region : null;
}

interface Base {
  readonly identity: AwsCredentialIdentity | null;
  readonly reason: string;
}

async function baseCredentials(
  options: PreflightOptions,
  env: Readonly<Record<string, string | undefined>>,
  first: TargetConnection | undefined,
  checks: PreflightCheck[],
): Promise<Base> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PREFLIGHT_TIMEOUT_MS;
  if (options.credentials) {
    checks.push(node('credentials', 'pass', `credentials: ${options.credentials.description}`));
    return { identity: options.credentials.identity, reason: '' };
  }
  const source: CredentialResolution = await resolveCredentialSource(env, timeoutMs);
  if (!source.ok) {
    checks.push(node('credentials', 'fail', source.message, source.fix));
    return { identity: null, reason: 'no AWS credentials (see credentials)' };
  }
  checks.push(node('credentials', 'pass', `credentials resolve from ${source.description}`));
  if (source.kind !== 'web-identity') return { identity: source.identity, reason: '' };
  const region = env.AWS_REGION?.trim() || regionOf(first) || 'us-east-1';
  const sts = await checkWebIdentity(source.webIdentity, env, region, first?.settings.stsEndpointUrl ?? null);
  checks.push(node('sts', sts.ok ? 'pass' : 'fail', sts.message, sts.fix));
  if (!sts.ok) return { identity: null, reason: 'the web identity did not resolve through STS (see sts)' };
  return { identity: sts.identity ?? null, reason: '' };
}

async function connectionChecks(
  options: PreflightOptions,
  env: Readonly<Record<string, string | undefined>>,
  connection: TargetConnection,
  base: Base,
  caDefault: string | null,
): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const { settings } = connection;
  const c = connection.which;
  const host = settings.host ?? '';
  const user = settings.user ?? '';
  if (base.identity === null)
    return skipped(
      connection,
      [...(settings.assumeRoleArn ? ['assume-role' as const] : []), 'token', ...AFTER_TOKEN],
      base.reason,
    );
  let identity = base.identity;
  let region: string;
  try {
    region = resolveSigningRegion(host);
  } catch (error) {
    return [
      ...skipped(connection, settings.assumeRoleArn ? ['assume-role'] : [], 'no signing region (see token)'),
      {
        id: 'token',
        connection: c,
        status: 'fail',
        message: describeError(error),
        fix: `Set ${c === 'rw' ? 'pg_host' : 'pg_ro_host'} to the instance's RDS endpoint name (<name>.<id>.<region>.rds.amazonaws.com): Kong takes the signing region from it and never from AWS_REGION.`,
      },
      ...skipped(connection, AFTER_TOKEN, 'no token (see token)'),
    ];
  }
  if (settings.assumeRoleArn) {
    const assumed = await checkAssumeRole(
      identity,
      settings.assumeRoleArn,
      settings.roleSessionName,
      env,
      region,
      settings.stsEndpointUrl,
      options.now,
    );
    checks.push({
      id: 'assume-role',
      connection: c,
      status: assumed.ok ? 'pass' : 'fail',
      message: assumed.message,
      fix: assumed.fix,
    });
    if (!assumed.ok || !assumed.identity)
      return [
        ...checks,
        ...skipped(connection, ['token', ...AFTER_TOKEN], 'the role was not assumed (see assume-role)'),
      ];
    identity = assumed.identity;
  }
  let token: string;
  try {
    token = await createIamTokenProvider({ credentials: identity, now: options.now }).getToken({
      host,
      port: settings.port ?? 5432,
      user,
      ...(settings.database ? { database: settings.database } : {}),
    });
  } catch (error) {
    return [
      ...checks,
      {
        id: 'token',
        connection: c,
        status: 'fail',
        message: describeError(error),
        fix: 'Check the credentials above resolve to a usable key pair.',
      },
      ...skipped(connection, AFTER_TOKEN, 'no token (see token)'),
    ];
  }
  checks.push({
    id: 'token',
    connection: c,
    status: 'pass',
    message: `a token signs for ${user}@${host}:${settings.port ?? 5432} in ${region} (the region Kong derives from ${host})`,
    fix: '',
  });
  const endpoint = options.endpointFor?.(host);
  const connectHost = options.connectHost ?? endpoint?.connectHost;
  let caPem = endpoint?.caPem;
  let caDescription = 'the CA the agent was given for this endpoint';
  if (caPem === undefined) {
    const ca = await trustedCa(caDefault);
    if (!ca.ok)
      return [
        ...checks,
        {
          id: 'tls-login',
          connection: c,
          status: 'fail',
          message: ca.message,
          fix: 'Point lua_ssl_trusted_certificate at readable PEM files: system,/path/to/global-bundle.pem (the Amazon RDS CA bundle).',
        },
        ...skipped(connection, ['rds-iam-member', 'database-rights'], 'the login was not tried (see tls-login)'),
      ];
    caPem = ca.pem;
    caDescription = ca.description;
  }
  const policy: PolicyContext = {
    user,
    host,
    region,
    // The signing credentials' account when they carry it (assumed roles do): usually the database's too.
    accountId: options.accountId ?? identity.accountId,
    resourceId: options.resourceIdFor?.(host),
    assumeRoleArn: settings.assumeRoleArn,
  };
  checks.push(
    ...(await checkLogin({
      connection,
      token,
      connectHost,
      caPem,
      caDescription,
      policy,
      nowIso: new Date(options.now()).toISOString(),
      timeoutMs: options.timeoutMs ?? DEFAULT_PREFLIGHT_TIMEOUT_MS,
    })),
  );
  return checks;
}

/**
 * Every prerequisite of IAM authentication for the node's *target* stage, proven with the
 * node's own credentials and configuration, without changing anything. Never throws for a
 * failed prerequisite (that is a `fail` check); throws only when a given file cannot be read.
 */
export async function runPreflight(options: PreflightOptions): Promise<PreflightResult> {
  const confText = await textOf(options.kongConf, 'kong.conf');
  const envFileText = options.envFile ? await textOf(options.envFile, 'env file') : undefined;
  const input = { confText, env: options.processEnv, ...(envFileText === undefined ? {} : { envFileText }) };
  const target = targetConfig(input, options.to, options.targetInput);
  const finish = (checks: PreflightCheck[]): PreflightResult => ({
    stage: options.to,
    checkedAt: new Date(options.now()).toISOString(),
    isPassed: checks.every((item) => item.status !== 'fail'),
    checks: checks.map(withinContract),
  });
  if (!target.ok) {
    const status = target.isApplicable ? 'fail' : 'info';
    const fix = target.isApplicable ? target.reason : '';
    const reason = target.isApplicable
      ? 'the target stage cannot be planned (see lint)'
      : `IAM does not apply: ${target.reason}`;
    return finish([
      node('credentials', 'skip', `not checked: ${reason}`),
      node(
        'lint',
        status,
        target.isApplicable ? `the ${options.to} stage cannot be planned for this node` : reason,
        fix,
      ),
    ]);
  }
  const env = target.env;
  const checks: PreflightCheck[] = [];
  const base = await baseCredentials(options, env, target.connections[0], checks);
  for (const connection of target.connections)
    checks.push(
      ...(await connectionChecks(options, env, connection, base, valueOf(target.conf, 'lua_ssl_trusted_certificate'))),
    );
  checks.push(
    target.errors.length === 0
      ? node('lint', 'pass', `the ${options.to} configuration lints without errors`)
      : node(
          'lint',
          'fail',
          `the ${options.to} configuration has ${target.errors.length} lint error(s): ${target.errors.map((finding) => `${finding.rule} (${finding.key}): ${finding.message}`).join(' | ')}`.slice(
            0,
            2_000,
          ),
          target.errors
            .map((finding) => `${finding.rule}: ${finding.fix}`)
            .join('\n')
            .slice(0, 8_000),
        ),
  );
  checks.push(node('reminder', 'info', reminders(options.to, env, options.kongConf).join(' ')));
  return finish(checks);
}
