import { CSRF_HEADER } from '@iamroll/contracts';
import { AppError } from '../../errors';
import { hasRole, type Principal, type RouteAuth } from './principal';
import { isSameSecret } from './secrets';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Throws unless the principal may call a route declared with `auth`. Agent
 * credentials and enrollment tokens are separate kinds: they never pass a
 * role check, and users never pass an agent check.
 */
export function authorize(
  principal: Principal,
  auth: Exclude<RouteAuth, 'public'>,
  method: string,
  csrfHeader: string | undefined,
): void {
  if (auth === 'agent') {
    if (principal.kind !== 'agent')
      throw AppError.forbidden(
        "This route is for agents: authenticate with the node's agent credential (`iamagent_…`).",
      );
    return;
  }
  if (auth === 'enrollment') {
    if (principal.kind !== 'enrollment')
      throw AppError.forbidden('This route needs an enrollment token (`iamenroll_…` or IAMROLL_ENROLLMENT_TOKEN).');
    return;
  }
  if (principal.kind === 'agent' || principal.kind === 'enrollment') {
    throw AppError.forbidden(
      'Agent credentials and enrollment tokens only work on agent routes; use a user session or an API token.',
    );
  }
  if (!hasRole(principal.role, auth))
    throw AppError.forbidden(`This needs the ${auth} role; you have ${principal.role}. Ask an admin.`);
  // Cookies are sent by browsers on their own; the header proves the page that sent it read /auth/me.
  if (
    principal.kind === 'user' &&
    !SAFE_METHODS.has(method) &&
    !(csrfHeader && isSameSecret(csrfHeader, principal.csrfToken))
  ) {
    throw new AppError('csrf_failed', `Send the csrfToken from GET /api/v1/auth/me in the ${CSRF_HEADER} header.`);
  }
}
