import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { UpstreamAdmin } from './prepare-upstream';

/**
 * The simulator itself authenticated the IAM user, so upstream must let it
 * in without a password: from loopback only, and before the catch-all
 * password rules (pg_hba.conf is first-match).
 */
export const IAM_TRUST_RULE = 'host all +rds_iam 127.0.0.1/32 trust';

/** For an upstream whose files we own (the embedded one): add the rule, reload. */
export async function installIamTrustRule(dataDir: string, admin: UpstreamAdmin): Promise<void> {
  const file = join(dataDir, 'pg_hba.conf');
  const current = await readFile(file, 'utf8');
  if (current.split('\n').some((line) => line.trim().replace(/\s+/g, ' ') === IAM_TRUST_RULE)) return;
  await writeFile(
    file,
    `# iamroll rds-sim: IAM users were authenticated by the simulator\n${IAM_TRUST_RULE}\n\n${current}`,
  );
  const client = new pg.Client({ ...admin, database: 'postgres' });
  await client.connect();
  try {
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

/**
 * Proves the rule is in force by logging in as an IAM user with no password.
 * pg_reload_conf() only signals the server, so the first tries may still see
 * the old rules.
 */
export async function assertIamTrustRule(
  upstream: { host: string; port: number },
  iamUser: string,
  database: string,
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const client = new pg.Client({ host: upstream.host, port: upstream.port, user: iamUser, database, password: '' });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      await sleep(100);
    }
  }
  throw new Error(
    `rds-sim: the upstream PostgreSQL at ${upstream.host}:${upstream.port} does not let IAM user "${iamUser}" in without a password ` +
      `(${(lastError as Error).message}). Add \`${IAM_TRUST_RULE}\` at the top of its pg_hba.conf and run SELECT pg_reload_conf().`,
  );
}
