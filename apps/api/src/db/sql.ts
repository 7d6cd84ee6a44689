import type pg from 'pg';

/** The pool, or one of its clients inside a transaction: what raw-SQL repository methods accept. */
export type SqlClient = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Runs `fn` in one transaction on one pooled connection: committed if it resolves, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
