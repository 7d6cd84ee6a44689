import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes (256 bits), base64url, after a prefix that says what the token is for. */
export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * Tokens are high-entropy, so a fast unsalted hash is enough to make a
 * leaked table useless; lookups stay an index hit.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What lists show to tell tokens apart: the prefix and a few characters, never enough to guess. */
export function tokenHint(token: string, prefix: string): string {
  return token.slice(0, prefix.length + 6);
}

/** A new token as shown once to its owner, with what is stored of it: the hash and a hint. */
export function issueToken(prefix: string): {
  readonly token: string;
  readonly tokenHash: string;
  readonly prefix: string;
} {
  const token = newToken(prefix);
  return { token, tokenHash: hashToken(token), prefix: tokenHint(token, prefix) };
}

/** Constant-time comparison of two strings of any length. */
export function isSameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
