import { redactSecrets } from './redact';

/** Why a token could not be produced; each one has its own counter. */
export type TokenFailureCause = 'region' | 'credentials' | 'assume_role' | 'signing';

export const TOKEN_FAILURE_CAUSES: readonly TokenFailureCause[] = ['region', 'credentials', 'assume_role', 'signing'];

export function zeroFailureCounts(): Record<TokenFailureCause, number> {
  return Object.fromEntries(TOKEN_FAILURE_CAUSES.map((cause) => [cause, 0])) as Record<TokenFailureCause, number>;
}

/**
 * A token could not be produced. The message says what to do and is redacted:
 * it never carries a token, a secret key or a session token.
 */
export class TokenError extends Error {
  constructor(
    readonly failureCause: TokenFailureCause,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(redactSecrets(message), options);
    this.name = 'TokenError';
  }
}

/** The message of anything thrown, redacted, for wrapping into an operator-facing error. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return redactSecrets(message);
}
