/**
 * The headers every response carries, whatever answered it: a route, the auth check
 * (401/403), the 404 handler, the error handler, Fastify's own URL errors (400/414) and
 * the event stream. The CSP allows only same-origin scripts; Swagger UI (at /docs) sets
 * its own, which is kept.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "base-uri 'self'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    // No upgrade-insecure-requests: served over plain http on loopback by default, upgrading would break it.
  ].join('; '),
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  // No HSTS: it only makes sense over https, which a proxy in front terminates.
};

/**
 * API responses carry credentials (the CSRF token from /auth/me, new API tokens,
 * agent credentials) or fleet data: no cache, shared or private, may keep them.
 */
export const API_CACHE_CONTROL = 'no-store';
