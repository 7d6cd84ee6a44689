import { describe, expect, it } from 'vitest';
import { redactError, redactSecrets } from './redact';

const TOKEN =
  'db.abc.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=kong&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20260101T000000Z' +
  '&X-Amz-Expires=900&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE&X-Amz-Signature=abc123def456&X-Amz-SignedHeaders=host';

describe('redactSecrets', () => {
  it('removes a whole token from a sentence', () => {
    const text = redactSecrets(`login with password "${TOKEN}" failed`);
    expect(text).toBe('login with password "[REDACTED]" failed');
  });

  it('removes signature, credential and session token from a cut token', () => {
    const text = redactSecrets(
      'X-Amz-Credential=AKIDEXAMPLE%2F2026&X-Amz-Security-Token=FQoG&X-Amz-Signature=abc123 end',
    );
    expect(text).not.toMatch(/AKIDEXAMPLE|FQoG|abc123/);
    expect(text).toContain('end');
  });

  it('removes named secret keys', () => {
    const text = redactSecrets('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG and sessionToken: "FQoGZXIv"');
    expect(text).not.toMatch(/wJalrXUtnFEMI|FQoGZXIv/);
  });

  it('removes a known secret wherever it appears', () => {
    expect(redactSecrets('key wJalrXUtnFEMIK7MDENG here', ['wJalrXUtnFEMIK7MDENG'])).toBe('key [REDACTED] here');
  });

  it('keeps ordinary PostgreSQL messages intact', () => {
    const message = 'password authentication failed for user "kong"';
    expect(redactSecrets(message)).toBe(message);
  });
});

describe('redactError', () => {
  it('redacts message, stack and detail but keeps the error type and SQLSTATE', () => {
    const error = Object.assign(new TypeError(`bad token ${TOKEN}`), { code: '28P01', detail: `got ${TOKEN}` });
    const redacted = redactError(error);
    expect(redacted).toBeInstanceOf(TypeError);
    expect(redacted.code).toBe('28P01');
    expect(`${redacted.message} ${redacted.stack} ${redacted.detail}`).not.toContain('X-Amz-Signature=abc123');
  });
});
