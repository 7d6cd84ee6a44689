import { describe, expect, it } from 'vitest';
import { classifyConnectFailure, isRetryableConnectFailure } from './classify';

function pgError(code: string, message: string, detail?: string): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL', ...(detail ? { detail } : {}) });
}

function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyConnectFailure', () => {
  it.each([
    [
      'throttling text in the message',
      pgError('28P01', 'The IAM authentication failed because of too many competing requests'),
      'throttled',
    ],
    [
      'throttling text in the detail',
      pgError(
        '28P01',
        'PAM authentication failed for user "kong"',
        'The IAM authentication failed because of too many competing requests',
      ),
      'throttled',
    ],
    ['a plain PAM failure', pgError('28P01', 'PAM authentication failed for user "kong"'), 'invalid_token'],
    ['a password failure', pgError('28P01', 'password authentication failed for user "kong"'), 'invalid_token'],
    [
      'an IAM permission refusal',
      pgError('28P01', 'PAM authentication failed for user "kong"', 'User is not authorized to perform rds-db:connect'),
      'not_authorized',
    ],
    [
      'no pg_hba entry',
      pgError('28000', 'no pg_hba.conf entry for host "10.0.0.1", user "kong", database "kong", no encryption'),
      'not_authorized',
    ],
    ['a missing role', pgError('28000', 'role "kong" does not exist'), 'not_authorized'],
    [
      'a wrong certificate name',
      nodeError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
      'tls',
    ],
    ['an unknown CA', nodeError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), 'tls'],
    [
      'an untrusted leaf',
      nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      'tls',
    ],
    ['a TLS version refusal', nodeError('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tlsv1 alert protocol version'), 'tls'],
    ['a server without SSL', new Error('The server does not support SSL connections'), 'tls'],
    ['a refused connection', nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'), 'network'],
    ['a reset', nodeError('ECONNRESET', 'read ECONNRESET'), 'network'],
    ['an unknown host', nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND db'), 'network'],
    ['an unexpected close', new Error('Connection terminated unexpectedly'), 'network'],
    [
      'pg-pool’s timeout',
      new Error('Connection terminated due to connection timeout', { cause: new Error('timeout expired') }),
      'network',
    ],
    [
      'a timeout wrapping a TLS error',
      new Error('Connection terminated due to connection timeout', {
        cause: nodeError('CERT_HAS_EXPIRED', 'certificate has expired'),
      }),
      'tls',
    ],
    ['too many clients', pgError('53300', 'sorry, too many clients already'), 'other'],
    ['a string', 'boom', 'other'],
    ['null', null, 'other'],
  ])('classifies %s', (_name, error, cause) => {
    expect(classifyConnectFailure(error)).toBe(cause);
  });

  it('needs the SQLSTATE, not only the text, to call it throttling', () => {
    expect(classifyConnectFailure(new Error('too many competing requests'))).toBe('other');
  });
});

describe('isRetryableConnectFailure', () => {
  it.each([
    ['throttled', true],
    ['invalid_token', false],
    ['not_authorized', false],
    ['tls', false],
    ['network', false],
    ['other', false],
  ] as const)('%s → %s', (cause, expected) => {
    expect(isRetryableConnectFailure(cause)).toBe(expected);
  });
});
