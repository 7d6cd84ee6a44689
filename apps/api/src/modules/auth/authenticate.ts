import { AGENT_CREDENTIAL_PREFIX, API_TOKEN_PREFIX, ENROLLMENT_TOKEN_PREFIX } from '@iamroll/contracts';
import { AgentCredentialCache, isTouchDue } from './agent-credential-cache';
import type { CredentialsRepository } from './credentials-repository';
import { hasRole, type Principal, type RouteAuth } from './principal';
import { hashToken, isSameSecret } from './secrets';

export const SESSION_COOKIE = 'iamroll_session';

/** Above any fleet this controller holds (issue 14: 10,000 nodes). */
const MAX_AGENT_HASHES = 50_000;

export interface AuthenticatorDeps {
  readonly credentials: CredentialsRepository;
  /** IAMROLL_ENROLLMENT_TOKEN, accepted by enrollment routes besides stored tokens. */
  readonly bootstrapEnrollmentToken: string | undefined;
  readonly nowMs?: () => number;
}

export interface CredentialSources {
  readonly authorization: string | undefined;
  readonly sessionCookie: string | undefined;
}

/** Finds who is calling from the Authorization header or the session cookie; null when nobody valid. */
export function createAuthenticator(deps: AuthenticatorDeps) {
  const nowMs = deps.nowMs ?? Date.now;
  // Agents call every second: their credentials come from memory (rechecked in batches, lastUsedAt written in batches).
  const agents = new AgentCredentialCache(deps.credentials, nowMs);
  // The sha256 of each valid agent credential presented, so a heartbeat does not hash it again. Process
  // memory only (the secret is already there while its request is): never logged, stored or sent.
  // Unknown credentials are not kept, so guessing cannot fill it; bounded by clearing when full.
  const agentHashes = new Map<string, string>();

  async function fromBearer(token: string, auth: RouteAuth): Promise<Principal | null> {
    if (auth === 'enrollment' && deps.bootstrapEnrollmentToken && isSameSecret(token, deps.bootstrapEnrollmentToken)) {
      return { kind: 'enrollment', tokenId: null, tokenName: 'IAMROLL_ENROLLMENT_TOKEN' };
    }
    if (token.startsWith(AGENT_CREDENTIAL_PREFIX)) {
      const known = agentHashes.get(token);
      const tokenHash = known ?? hashToken(token);
      const row = await agents.find(tokenHash);
      if (!row) {
        agentHashes.delete(token);
        return null;
      }
      if (known === undefined) {
        if (agentHashes.size >= MAX_AGENT_HASHES) agentHashes.clear();
        agentHashes.set(token, tokenHash);
      }
      return { kind: 'agent', nodeId: row.nodeId, credentialId: row.credentialId, hostname: row.hostname };
    }
    if (token.startsWith(ENROLLMENT_TOKEN_PREFIX)) {
      const row = await deps.credentials.findEnrollmentToken(hashToken(token));
      return row ? { kind: 'enrollment', tokenId: row.tokenId, tokenName: row.tokenName } : null;
    }
    if (token.startsWith(API_TOKEN_PREFIX)) {
      const row = await deps.credentials.findApiToken(hashToken(token));
      if (!row) return null;
      if (isTouchDue(row.lastUsedAt, nowMs())) await deps.credentials.touchApiToken(row.tokenId);
      // Checked on every use (no cache): demoting the owner lowers the token at once, disabling them refuses it.
      const role = hasRole(row.ownerRole, row.role) ? row.role : row.ownerRole;
      return { kind: 'token', tokenId: row.tokenId, tokenName: row.tokenName, userId: row.userId, role };
    }
    return null;
  }

  return {
    /** A decommissioned node's agent credentials: refused from now on by this process. */
    forgetAgentNode: (nodeId: string) => agents.forgetNode(nodeId),
    /** A revoked agent credential (the database's signal): refused from now on by this process. */
    forgetAgentCredential: (credentialId: string) => agents.forgetCredential(credentialId),

    async authenticate(sources: CredentialSources, auth: RouteAuth): Promise<Principal | null> {
      if (sources.authorization !== undefined) {
        const match = /^Bearer +(\S+)$/i.exec(sources.authorization.trim());
        return match?.[1] ? fromBearer(match[1], auth) : null;
      }
      if (sources.sessionCookie) {
        const row = await deps.credentials.findSession(hashToken(sources.sessionCookie));
        return row ? { kind: 'user', ...row } : null;
      }
      return null;
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
