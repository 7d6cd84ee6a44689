export interface SimulatedConfInput {
  readonly name: string;
  readonly rw: { readonly host: string; readonly port: number };
  /** The replica; omit for a node with one connection. */
  readonly ro?: { readonly host: string; readonly port: number };
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly workers: number;
  readonly poolSize: number;
  readonly keepaliveTimeoutMs?: number;
}

/** A kong.conf as an operator writes one: comments, aligned values, the password user on both connections. */
export function simulatedKongConf(input: SimulatedConfInput): string {
  const lines = [
    `# kong.conf of simulated node ${input.name}`,
    '',
    '#------- database (read-write) -------',
    `pg_host = ${input.rw.host}`,
    `pg_port = ${input.rw.port}`,
    `pg_user = ${input.user}`,
    `pg_password = ${input.password}   # from the vault, 2026-11`,
    `pg_database = ${input.database}`,
    'pg_ssl = on',
    'pg_ssl_verify = on',
    `pg_pool_size = ${input.poolSize}`,
    `pg_keepalive_timeout = ${input.keepaliveTimeoutMs ?? 60_000}`,
  ];
  if (input.ro)
    lines.push(
      '',
      '#------- database (read-only) -------',
      `pg_ro_host = ${input.ro.host}`,
      `pg_ro_port = ${input.ro.port}`,
    );
  lines.push('', `nginx_worker_processes = ${input.workers}`, '');
  return lines.join('\n');
}
