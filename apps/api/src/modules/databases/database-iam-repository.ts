import type pg from 'pg';
import type { IamCheckRecord, IamCheckStatus } from './describe-database-iam';

// database_iam_checks: one row per database, the latest DescribeDBInstances verdict.

export interface StoredIamCheck extends IamCheckRecord {
  readonly databaseId: string;
}

interface Row {
  databaseId: string;
  status: IamCheckStatus;
  checkedAt: Date;
  message: string;
  fix: string;
  iamEnabled: boolean | null;
  dbiResourceId: string | null;
  endpointAddress: string | null;
  endpointPort: number | null;
  accountId: string | null;
}

const COLUMNS = `database_id AS "databaseId", status, checked_at AS "checkedAt", message, fix, iam_enabled AS "iamEnabled",
  dbi_resource_id AS "dbiResourceId", endpoint_address AS "endpointAddress", endpoint_port AS "endpointPort", account_id AS "accountId"`;

export function createDatabaseIamRepository(pool: pg.Pool) {
  return {
    async load(databaseIds?: readonly string[]): Promise<Map<string, StoredIamCheck>> {
      const { rows } = databaseIds
        ? await pool.query<Row>(`SELECT ${COLUMNS} FROM database_iam_checks WHERE database_id = ANY($1::uuid[])`, [
            databaseIds,
          ])
        : await pool.query<Row>(`SELECT ${COLUMNS} FROM database_iam_checks`);
      return new Map(rows.map((row) => [row.databaseId, row]));
    },
    /** The previous status (null when never checked), so the caller logs only changes. */
    async store(databaseId: string, record: IamCheckRecord): Promise<IamCheckStatus | null> {
      const { rows } = await pool.query<{ previous: IamCheckStatus | null }>(
        `WITH previous AS (SELECT status FROM database_iam_checks WHERE database_id = $1)
         INSERT INTO database_iam_checks (database_id, status, checked_at, message, fix, iam_enabled, dbi_resource_id,
                                          endpoint_address, endpoint_port, account_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE EXISTS (SELECT 1 FROM databases WHERE id = $1)
         ON CONFLICT (database_id) DO UPDATE SET status = EXCLUDED.status, checked_at = EXCLUDED.checked_at,
           message = EXCLUDED.message, fix = EXCLUDED.fix, iam_enabled = EXCLUDED.iam_enabled,
           dbi_resource_id = EXCLUDED.dbi_resource_id, endpoint_address = EXCLUDED.endpoint_address,
           endpoint_port = EXCLUDED.endpoint_port, account_id = EXCLUDED.account_id
         RETURNING (SELECT status FROM previous) AS previous`,
        [
          databaseId,
          record.status,
          record.checkedAt,
          record.message,
          record.fix,
          record.iamEnabled,
          record.dbiResourceId,
          record.endpointAddress,
          record.endpointPort,
          record.accountId,
        ],
      );
      return rows[0]?.previous ?? null;
    },
    /** The IAM database users (and Kong's database) the database's nodes use, from their effective configs. */
    async nodeConnections(databaseId: string): Promise<{ user: string; database: string; isIam: boolean }[]> {
      const { rows } = await pool.query<{ user: string | null; database: string | null; isIam: boolean | null }>(
        `SELECT c->>'user' AS "user", c->>'database' AS "database", (c->>'iam')::boolean AS "isIam"
           FROM nodes n, LATERAL (VALUES
             (CASE WHEN n.rw_database_id = $1 THEN n.effective_config->'rw' END),
             (CASE WHEN n.ro_database_id = $1 THEN n.effective_config->'ro' END)) AS v(c)
          WHERE (n.rw_database_id = $1 OR n.ro_database_id = $1) AND n.decommissioned_at IS NULL
            AND c IS NOT NULL AND jsonb_typeof(c) = 'object'`,
        [databaseId],
      );
      return rows.flatMap((row) =>
        row.user && row.database ? [{ user: row.user, database: row.database, isIam: row.isIam === true }] : [],
      );
    },
  };
}

export type DatabaseIamRepository = ReturnType<typeof createDatabaseIamRepository>;
