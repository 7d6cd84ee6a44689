import type { ActorType, Role } from '@iamroll/contracts';

/** Who is calling. Each kind is accepted only by the routes declared for it. */
export type Principal =
  /** A browser session (cookie); changes need the CSRF header. */
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly username: string;
      readonly role: Role;
      readonly sessionId: string;
      readonly csrfToken: string;
    }
  /** An API token (`iam_…`), on behalf of the user who created it: its own role, or its owner's current one if lower. */
  | {
      readonly kind: 'token';
      readonly tokenId: string;
      readonly tokenName: string;
      readonly userId: string;
      readonly role: Role;
    }
  /** An enrolled agent (`iamagent_…`); only agent routes accept it. */
  | { readonly kind: 'agent'; readonly nodeId: string; readonly credentialId: string; readonly hostname: string }
  /** An enrollment token (`iamenroll_…`, or IAMROLL_ENROLLMENT_TOKEN when tokenId is null); only enrollment accepts it. */
  | { readonly kind: 'enrollment'; readonly tokenId: string | null; readonly tokenName: string };

/**
 * What a route accepts, declared on every /api route as `config: { auth }`:
 * `public` (anyone), a minimum role (users and API tokens), `agent`, or
 * `enrollment`.
 */
export type RouteAuth = 'public' | Role | 'agent' | 'enrollment';

export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 1, operator: 2, admin: 3 };

export function hasRole(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

export interface Actor {
  readonly actorType: ActorType;
  readonly actorId: string | null;
  readonly actorName: string | null;
}

export const SYSTEM_ACTOR: Actor = { actorType: 'system', actorId: null, actorName: 'iamroll' };

/** How a principal appears in the audit log. */
export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'user':
      return { actorType: 'user', actorId: principal.userId, actorName: principal.username };
    case 'token':
      return { actorType: 'token', actorId: principal.tokenId, actorName: principal.tokenName };
    case 'agent':
      return { actorType: 'agent', actorId: principal.nodeId, actorName: principal.hostname };
    case 'enrollment':
      return { actorType: 'system', actorId: principal.tokenId, actorName: `enrollment token ${principal.tokenName}` };
  }
}
