import type { Role } from '@iamroll/contracts';
import type pg from 'pg';

export interface SessionRow {
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
}

export interface ApiTokenRow {
  readonly tokenId: string;
  readonly tokenName: string;
  readonly userId: string;
  /** The role the token was created with. */
  readonly role: Role;
  /** Its owner's role now: the token never acts with more. */
  readonly ownerRole: Role;
  readonly lastUsedAt: Date | null;
}

export interface AgentCredentialRow {
  readonly credentialId: string;
  readonly nodeId: string;
  readonly hostname: string;
  readonly lastUsedAt: Date | null;
}

export interface EnrollmentTokenRow {
  readonly tokenId: string;
  readonly tokenName: string;
}

/**
 * Credential lookups run on every authenticated request (agents' heartbeats
 * every second), so they are single raw SQL queries on indexed hashes. Each
 * returns null unless the credential is currently valid: not expired, not
 * revoked, its user not disabled.
 */
export function createCredentialsRepository(pool: pg.Pool) {
  const one = async <T extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<T | null> =>
    (await pool.query<T>(sql, values)).rows[0] ?? null;

  return {
    findSession: (sessionId: string) =>
      one<SessionRow>(
        `SELECT s.id AS "sessionId", s.csrf_token AS "csrfToken", u.id AS "userId", u.username, u.role
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.id = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
        [sessionId],
      ),

    findApiToken: (tokenHash: string) =>
      one<ApiTokenRow>(
        `SELECT t.id AS "tokenId", t.name AS "tokenName", t.user_id AS "userId", t.role, u.role AS "ownerRole",
                t.last_used_at AS "lastUsedAt"
           FROM api_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL`,
        [tokenHash],
      ),

    findAgentCredential: (tokenHash: string) =>
      one<AgentCredentialRow>(
        `SELECT c.id AS "credentialId", c.node_id AS "nodeId", n.hostname, c.last_used_at AS "lastUsedAt"
           FROM agent_credentials c JOIN nodes n ON n.id = c.node_id
          WHERE c.token_hash = $1 AND c.revoked_at IS NULL`,
        [tokenHash],
      ),

    /** Rechecks many cached agent credentials with one query: those still valid come back. */
    findAgentCredentials: async (
      tokenHashes: readonly string[],
    ): Promise<(AgentCredentialRow & { tokenHash: string })[]> =>
      (
        await pool.query<AgentCredentialRow & { tokenHash: string }>(
          `SELECT c.token_hash AS "tokenHash", c.id AS "credentialId", c.node_id AS "nodeId", n.hostname, c.last_used_at AS "lastUsedAt"
             FROM agent_credentials c JOIN nodes n ON n.id = c.node_id
            WHERE c.token_hash = ANY($1::text[]) AND c.revoked_at IS NULL`,
          [tokenHashes],
        )
      ).rows,

    findEnrollmentToken: (tokenHash: string) =>
      one<EnrollmentTokenRow>(
        `SELECT id AS "tokenId", name AS "tokenName" FROM enrollment_tokens
          WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() AND uses_left > 0`,
        [tokenHash],
      ),

    touchApiToken: async (tokenId: string): Promise<void> => {
      await pool.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [tokenId]);
    },

    touchAgentCredentials: async (credentialIds: readonly string[]): Promise<void> => {
      await pool.query('UPDATE agent_credentials SET last_used_at = now() WHERE id = ANY($1::uuid[])', [credentialIds]);
    },
  };
}

export type CredentialsRepository = ReturnType<typeof createCredentialsRepository>;
