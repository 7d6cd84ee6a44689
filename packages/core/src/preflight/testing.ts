// Test helpers of this module (not part of the public API): a kong.conf shaped like the
// sandbox's simulated nodes (password user on both connections, verified TLS, the simulator's
// CA in lua_ssl_trusted_certificate), pointed at one simulated instance.

export interface SimLike {
  readonly endpointHost: string;
  readonly port: number;
  readonly caFile: string;
  readonly database: string;
}

export function nodeConf(
  sim: SimLike,
  options: { user?: string; extraLines?: readonly string[]; hasReplica?: boolean } = {},
): string {
  return [
    '# kong.conf of a test node',
    `pg_host = ${sim.endpointHost}`,
    `pg_port = ${sim.port}`,
    `pg_user = ${options.user ?? 'kong'}`,
    'pg_password = not-the-real-one   # from the vault',
    `pg_database = ${sim.database}`,
    'pg_ssl = on',
    'pg_ssl_verify = on',
    `lua_ssl_trusted_certificate = system,${sim.caFile}`,
    ...(options.hasReplica === false
      ? []
      : [`pg_ro_host = ${sim.endpointHost}`, `pg_ro_port = ${sim.port}`, 'pg_ro_ssl = on', 'pg_ro_ssl_verify = on']),
    ...(options.extraLines ?? []),
    'nginx_worker_processes = 2',
    '',
  ].join('\n');
}
