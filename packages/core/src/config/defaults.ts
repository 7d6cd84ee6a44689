// Kong's defaults for the settings iamroll reasons about, as in kong/templates/kong_defaults.lua
// (Kong Gateway Enterprise 3.8+, which adds the assume-role settings). `null` is Kong's
// `NONE`: the setting is unset. Types follow kong/conf_loader CONF_PARSERS, because the
// type decides what an unset value becomes:
//  - boolean: "" and NONE become `false` (not nil). This is why the read-only booleans
//    (pg_ro_ssl, pg_ro_ssl_required, pg_ro_ssl_verify, pg_ro_iam_auth) do NOT inherit their
//    pg_* twin when unset: the connector merges the read-only overrides over the read-write
//    settings, and `false` overrides where nil would have inherited.
//  - string / number / enum: "" and NONE become nil, so the read-only twin inherits.

export type KeyType = 'boolean' | 'string' | 'number' | 'enum';

export interface KeySpec {
  readonly key: string;
  readonly type: KeyType;
  /** Kong's default value, or null for NONE (unset). */
  readonly default: string | null;
  readonly values?: readonly string[];
  /** Never printed (Kong's CONF_SENSITIVE). */
  readonly isSensitive?: boolean;
}

const SSL_VERSIONS = ['tlsv1_1', 'tlsv1_2', 'tlsv1_3', 'any'] as const;

const SPECS: readonly KeySpec[] = [
  { key: 'role', type: 'enum', default: 'traditional', values: ['traditional', 'control_plane', 'data_plane'] },
  { key: 'database', type: 'enum', default: 'postgres', values: ['postgres', 'off'] },

  { key: 'pg_host', type: 'string', default: '127.0.0.1' },
  { key: 'pg_port', type: 'number', default: '5432' },
  { key: 'pg_timeout', type: 'number', default: '5000' },
  { key: 'pg_user', type: 'string', default: 'kong' },
  { key: 'pg_password', type: 'string', default: null, isSensitive: true },
  { key: 'pg_database', type: 'string', default: 'kong' },
  { key: 'pg_schema', type: 'string', default: null },
  { key: 'pg_ssl', type: 'boolean', default: 'off' },
  { key: 'pg_ssl_required', type: 'boolean', default: 'off' },
  { key: 'pg_ssl_verify', type: 'boolean', default: 'off' },
  { key: 'pg_ssl_version', type: 'enum', default: 'tlsv1_2', values: SSL_VERSIONS },
  { key: 'pg_ssl_cert', type: 'string', default: null },
  { key: 'pg_ssl_cert_key', type: 'string', default: null },
  { key: 'pg_max_concurrent_queries', type: 'number', default: '0' },
  { key: 'pg_semaphore_timeout', type: 'number', default: '60000' },
  { key: 'pg_keepalive_timeout', type: 'number', default: null },
  { key: 'pg_pool_size', type: 'number', default: null },
  { key: 'pg_backlog', type: 'number', default: null },
  { key: 'pg_iam_auth', type: 'boolean', default: 'off' },
  { key: 'pg_iam_auth_assume_role_arn', type: 'string', default: null },
  { key: 'pg_iam_auth_role_session_name', type: 'string', default: 'KongPostgres' },
  { key: 'pg_iam_auth_sts_endpoint_url', type: 'string', default: null },

  { key: 'pg_ro_host', type: 'string', default: null },
  { key: 'pg_ro_port', type: 'number', default: null },
  { key: 'pg_ro_timeout', type: 'number', default: null },
  { key: 'pg_ro_user', type: 'string', default: null },
  { key: 'pg_ro_password', type: 'string', default: null, isSensitive: true },
  { key: 'pg_ro_database', type: 'string', default: null },
  { key: 'pg_ro_schema', type: 'string', default: null },
  { key: 'pg_ro_ssl', type: 'boolean', default: null },
  { key: 'pg_ro_ssl_required', type: 'boolean', default: null },
  { key: 'pg_ro_ssl_verify', type: 'boolean', default: null },
  { key: 'pg_ro_ssl_version', type: 'enum', default: null, values: SSL_VERSIONS },
  { key: 'pg_ro_max_concurrent_queries', type: 'number', default: null },
  { key: 'pg_ro_semaphore_timeout', type: 'number', default: null },
  { key: 'pg_ro_keepalive_timeout', type: 'number', default: null },
  { key: 'pg_ro_pool_size', type: 'number', default: null },
  { key: 'pg_ro_backlog', type: 'number', default: null },
  // pg_ro_iam_auth defaults to off and does not inherit pg_iam_auth, although Kong's
  // docs say pg_iam_auth "enables read-write and read-only".
  { key: 'pg_ro_iam_auth', type: 'boolean', default: 'off' },
  { key: 'pg_ro_iam_auth_assume_role_arn', type: 'string', default: null },
  // Defaults to KongPostgres itself, so it never inherits pg_iam_auth_role_session_name.
  { key: 'pg_ro_iam_auth_role_session_name', type: 'string', default: 'KongPostgres' },
  { key: 'pg_ro_iam_auth_sts_endpoint_url', type: 'string', default: null },

  // Kong 3.x ships `system`: the OS bundle, which does not hold the Amazon RDS CAs.
  { key: 'lua_ssl_trusted_certificate', type: 'string', default: 'system' },
  // pg_pool_size falls back to this (per nginx worker).
  { key: 'lua_socket_pool_size', type: 'number', default: '30' },
  // `auto` = one worker per CPU core; nginx_worker_processes is an alias Kong copies
  // into nginx_main_worker_processes when only the former is set.
  { key: 'nginx_worker_processes', type: 'string', default: 'auto' },
  { key: 'nginx_main_worker_processes', type: 'string', default: 'auto' },
];

export const KONG_KEYS: ReadonlyMap<string, KeySpec> = new Map(SPECS.map((spec) => [spec.key, spec]));

export function keySpec(key: string): KeySpec | undefined {
  return KONG_KEYS.get(key);
}

/** Settings iamroll knows Kong ignores, with the reason to tell the operator. */
export const IGNORED_KEYS: ReadonlyMap<string, string> = new Map([
  ['pg_ro_ssl_cert', 'Kong has no read-only client certificate setting: the read-only connection uses pg_ssl_cert'],
  ['pg_ro_ssl_cert_key', 'Kong has no read-only client key setting: the read-only connection uses pg_ssl_cert_key'],
]);

/** The environment variable Kong reads for a setting: KONG_ + the key upper-cased. */
export function envVarName(key: string): string {
  return `KONG_${key.toUpperCase()}`;
}

/** The placeholder Kong itself prints for sensitive settings. */
export const SENSITIVE_PLACEHOLDER = '******';
