import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmbeddedPg } from '@iamroll/embedded-pg';
import { IAM_TRUST_RULE } from '@iamroll/rds-sim';
import pg from 'pg';

/**
 * The simulators authenticate IAM users themselves, so the embedded PostgreSQL behind them lets
 * `rds_iam` members in from loopback without a password (what rds-sim does for an embedded
 * upstream of its own). Idempotent.
 */
export async function installIamTrustRule(server: EmbeddedPg): Promise<void> {
  const file = join(server.dataDir, 'pg_hba.conf');
  const current = await readFile(file, 'utf8');
  if (current.split('\n').some((line) => line.trim().replace(/\s+/g, ' ') === IAM_TRUST_RULE)) return;
  await writeFile(
    file,
    `# iamroll sandbox: IAM users were authenticated by the simulator\n${IAM_TRUST_RULE}\n\n${current}`,
  );
  const client = new pg.Client({ connectionString: server.connectionString('postgres') });
  await client.connect();
  try {
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}
