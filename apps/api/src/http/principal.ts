import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import type { Principal } from '../modules/auth/principal';

/** The caller of a non-public route (the auth plugin has checked it before the handler runs). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw AppError.unauthenticated();
  return request.principal;
}

export type UserPrincipal = Extract<Principal, { kind: 'user' | 'token' }>;

/** A person (session or API token); role routes only ever see these. */
export function userPrincipalOf(request: FastifyRequest): UserPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== 'user' && principal.kind !== 'token') throw AppError.forbidden();
  return principal;
}
