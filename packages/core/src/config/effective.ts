import { valueOf, type LoadedConf } from './load';
import { kongBoolean, luaToNumber } from './lua';
import { kongSigningRegion } from './region';

// The two PostgreSQL connections as Kong builds them (kong/db/strategies/postgres/
// connector.lua `new`, plus the Enterprise IAM validation in conf_loader):
//  - read-write from the pg_* settings;
//  - read-only only when pg_ro_host is set: Kong merges the read-only settings over a
//    copy of the read-write ones. Unset strings and numbers are nil and inherit; unset
//    booleans are `false` and do NOT inherit (pg_ro_ssl, pg_ro_ssl_required,
//    pg_ro_ssl_verify, pg_ro_iam_auth). The read-only session name has its own default
//    (KongPostgres); the read-only role ARN and STS URL inherit.
//  - pg_iam_auth forces pg_ssl and pg_ssl_required on, pg_ro_iam_auth forces pg_ro_ssl
//    and pg_ro_ssl_required on, even over an explicit `off`.

export type ConnectionName = 'rw' | 'ro';

export interface ConnectionSettings {
  readonly host: string | null;
  readonly port: number | null;
  readonly user: string | null;
  readonly database: string | null;
  readonly ssl: boolean;
  readonly sslRequired: boolean;
  readonly sslVerify: boolean;
  readonly sslVersion: string | null;
  readonly iam: boolean;
  readonly assumeRoleArn: string | null;
  readonly roleSessionName: string | null;
  readonly stsEndpointUrl: string | null;
  /** Whether a password is configured. The password itself is never exposed. */
  readonly hasPassword: boolean;
  /** The region Kong signs tokens for (from the host name), or null when Kong finds none. */
  readonly region: string | null;
  /** False on nodes that never connect to PostgreSQL (role = data_plane, database = off). */
  readonly iamApplicable: boolean;
  /** Connections kept per nginx worker (pg_pool_size, else lua_socket_pool_size). */
  readonly poolSize: number | null;
}

export interface EffectiveConfig {
  readonly rw: ConnectionSettings;
  readonly ro: ConnectionSettings | null;
}

export type ConnectionField = Exclude<keyof ConnectionSettings, 'region' | 'iamApplicable'>;

/** Which setting supplied each field of a connection (for messages and plans). */
export type ConnectionOrigins = Readonly<Record<ConnectionField, string>>;

export interface IamApplicability {
  readonly isApplicable: boolean;
  /** Why IAM does not apply, or null. */
  readonly reason: string | null;
}

/** Hybrid data planes and DB-less nodes never open a PostgreSQL connection. */
export function iamApplicability(conf: LoadedConf): IamApplicability {
  const role = valueOf(conf, 'role');
  const database = valueOf(conf, 'database');
  if (role === 'data_plane') {
    return {
      isApplicable: false,
      reason:
        'role = data_plane: data planes get their configuration from the control plane and never connect to PostgreSQL',
    };
  }
  if (database === 'off') {
    return { isApplicable: false, reason: 'database = off: a DB-less node never connects to PostgreSQL' };
  }
  return { isApplicable: true, reason: null };
}

export function hasReadOnlyConnection(conf: LoadedConf): boolean {
  return valueOf(conf, 'pg_ro_host') !== null;
}

interface Chosen<T> {
  readonly value: T;
  readonly key: string;
}

function inheritString(conf: LoadedConf, roKey: string, rwKey: string): Chosen<string | null> {
  const own = valueOf(conf, roKey);
  return own !== null ? { value: own, key: roKey } : { value: valueOf(conf, rwKey), key: rwKey };
}

function inheritNumber(conf: LoadedConf, roKey: string, rwKey: string): Chosen<number | null> {
  // A value Lua's tonumber rejects is nil for Kong, so it inherits too.
  const own = luaToNumber(valueOf(conf, roKey));
  return own !== null ? { value: own, key: roKey } : { value: luaToNumber(valueOf(conf, rwKey)), key: rwKey };
}

function poolSize(conf: LoadedConf, keys: readonly string[]): Chosen<number | null> {
  for (const key of [...keys, 'lua_socket_pool_size']) {
    const value = luaToNumber(valueOf(conf, key));
    if (value !== null) return { value, key };
  }
  return { value: null, key: 'lua_socket_pool_size' };
}

function own<T>(key: string, value: T): Chosen<T> {
  return { value, key };
}

type Picks = { readonly [F in ConnectionField]: Chosen<ConnectionSettings[F]> };

function picksFor(conf: LoadedConf, which: ConnectionName): Picks {
  const bool = (key: string): boolean => kongBoolean(valueOf(conf, key));
  if (which === 'rw') {
    const iam = bool('pg_iam_auth');
    return {
      host: own('pg_host', valueOf(conf, 'pg_host')),
      port: own('pg_port', luaToNumber(valueOf(conf, 'pg_port'))),
      user: own('pg_user', valueOf(conf, 'pg_user')),
      database: own('pg_database', valueOf(conf, 'pg_database')),
      ssl: own('pg_ssl', bool('pg_ssl') || iam),
      sslRequired: own('pg_ssl_required', bool('pg_ssl_required') || iam),
      sslVerify: own('pg_ssl_verify', bool('pg_ssl_verify')),
      sslVersion: own('pg_ssl_version', valueOf(conf, 'pg_ssl_version')),
      iam: own('pg_iam_auth', iam),
      assumeRoleArn: own('pg_iam_auth_assume_role_arn', valueOf(conf, 'pg_iam_auth_assume_role_arn')),
      roleSessionName: own('pg_iam_auth_role_session_name', valueOf(conf, 'pg_iam_auth_role_session_name')),
      stsEndpointUrl: own('pg_iam_auth_sts_endpoint_url', valueOf(conf, 'pg_iam_auth_sts_endpoint_url')),
      hasPassword: own('pg_password', valueOf(conf, 'pg_password') !== null),
      poolSize: poolSize(conf, ['pg_pool_size']),
    };
  }
  const iam = bool('pg_ro_iam_auth');
  const password = inheritString(conf, 'pg_ro_password', 'pg_password');
  return {
    host: own('pg_ro_host', valueOf(conf, 'pg_ro_host')),
    port: inheritNumber(conf, 'pg_ro_port', 'pg_port'),
    user: inheritString(conf, 'pg_ro_user', 'pg_user'),
    database: inheritString(conf, 'pg_ro_database', 'pg_database'),
    ssl: own('pg_ro_ssl', bool('pg_ro_ssl') || iam),
    sslRequired: own('pg_ro_ssl_required', bool('pg_ro_ssl_required') || iam),
    sslVerify: own('pg_ro_ssl_verify', bool('pg_ro_ssl_verify')),
    sslVersion: inheritString(conf, 'pg_ro_ssl_version', 'pg_ssl_version'),
    iam: own('pg_ro_iam_auth', iam),
    assumeRoleArn: inheritString(conf, 'pg_ro_iam_auth_assume_role_arn', 'pg_iam_auth_assume_role_arn'),
    roleSessionName: own('pg_ro_iam_auth_role_session_name', valueOf(conf, 'pg_ro_iam_auth_role_session_name')),
    stsEndpointUrl: inheritString(conf, 'pg_ro_iam_auth_sts_endpoint_url', 'pg_iam_auth_sts_endpoint_url'),
    hasPassword: { value: password.value !== null, key: password.key },
    poolSize: poolSize(conf, ['pg_ro_pool_size', 'pg_pool_size']),
  };
}

/** The settings one connection really uses, or null for `ro` when there is no read-only connection. */
export function connectionSettings(conf: LoadedConf, which: ConnectionName): ConnectionSettings | null {
  if (which === 'ro' && !hasReadOnlyConnection(conf)) return null;
  const picks = picksFor(conf, which);
  return {
    host: picks.host.value,
    port: picks.port.value,
    user: picks.user.value,
    database: picks.database.value,
    ssl: picks.ssl.value,
    sslRequired: picks.sslRequired.value,
    sslVerify: picks.sslVerify.value,
    sslVersion: picks.sslVersion.value,
    iam: picks.iam.value,
    assumeRoleArn: picks.assumeRoleArn.value,
    roleSessionName: picks.roleSessionName.value,
    stsEndpointUrl: picks.stsEndpointUrl.value,
    hasPassword: picks.hasPassword.value,
    region: kongSigningRegion(picks.host.value),
    iamApplicable: iamApplicability(conf).isApplicable,
    poolSize: picks.poolSize.value,
  };
}

/** The setting each field of a connection was taken from (e.g. ro `port` ← `pg_port`). */
export function connectionOrigins(conf: LoadedConf, which: ConnectionName): ConnectionOrigins {
  const picks = picksFor(conf, which);
  const origins = {} as Record<ConnectionField, string>;
  for (const field of Object.keys(picks) as ConnectionField[]) origins[field] = picks[field].key;
  return origins;
}

export function effectiveConfig(conf: LoadedConf): EffectiveConfig {
  const rw = connectionSettings(conf, 'rw');
  if (rw === null) throw new Error('unreachable: the read-write connection always exists');
  return { rw, ro: connectionSettings(conf, 'ro') };
}
