import type pg from 'pg';

// pg-pool destroys a client released with an error, and `pool.query()` releases with
// every error it sees, a division by zero or a unique violation included. For an IAM
// pool that is expensive: the next query opens a new physical connection, which is one
// more IAM authentication against the instance's ~200/s budget. Kong keeps its
// connections through SQL errors too (lua-resty-postgres' keepalive pool).
//
// A connection is safe to keep when the server reported an error in a statement (not
// a FATAL/PANIC that ends the session, nor a connection-class SQLSTATE) and the last
// ReadyForQuery said the session is idle outside any transaction ('I'). A failed
// transaction ('E') or an open one ('T') must not go back to the pool.

const SESSION_ENDING_SQLSTATE_CLASSES = ['08', '57', '53', '58', 'XX'];

interface ServerError {
  readonly code?: unknown;
  readonly severity?: unknown;
}

function isServerStatementError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as ServerError;
  if (typeof code !== 'string' || code.length !== 5) return false;
  if (severity === 'FATAL' || severity === 'PANIC') return false;
  return !SESSION_ENDING_SQLSTATE_CLASSES.includes(code.slice(0, 2));
}

/** True when releasing `client` after `error` may return it to the pool instead of destroying it. */
export function isReusableAfterError(client: Pick<pg.Client, 'getTransactionStatus'>, error: unknown): boolean {
  return isServerStatementError(error) && client.getTransactionStatus() === 'I';
}

/**
 * Wraps this checkout's `release` so a statement-level error keeps the connection.
 * pg-pool assigns `client.release` anew at every checkout, so this runs per checkout.
 * `release(true)` and connection-level errors still destroy it, as in pg-pool.
 */
export function keepConnectionAfterStatementErrors(client: pg.PoolClient, onKept: () => void): void {
  const release = client.release.bind(client);
  client.release = (errorOrDestroy?: Error | boolean) => {
    if (errorOrDestroy instanceof Error && isReusableAfterError(client, errorOrDestroy)) {
      onKept();
      release();
      return;
    }
    release(errorOrDestroy);
  };
}
