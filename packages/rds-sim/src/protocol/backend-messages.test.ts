import { PassThrough } from 'node:stream';
import { parse } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { authenticationCleartextPassword, errorResponse } from './backend-messages';

/** Reads our bytes back with node-postgres' own parser, as a client would. */
async function parsed(bytes: Buffer): Promise<unknown[]> {
  const stream = new PassThrough();
  const messages: unknown[] = [];
  const done = parse(stream, (message) => void messages.push(message));
  stream.end(bytes);
  await done;
  return messages;
}

describe('backend messages', () => {
  it('asks for a cleartext password', async () => {
    expect(await parsed(authenticationCleartextPassword())).toMatchObject([
      { name: 'authenticationCleartextPassword' },
    ]);
  });

  it('writes an ErrorResponse clients read as severity, code, message and detail', async () => {
    const bytes = errorResponse({
      severity: 'FATAL',
      sqlState: '28P01',
      message: 'PAM authentication failed for user "kong_iam"',
      detail: 'why',
      routine: 'auth_failed',
    });
    expect(await parsed(bytes)).toMatchObject([
      {
        name: 'error',
        severity: 'FATAL',
        code: '28P01',
        message: 'PAM authentication failed for user "kong_iam"',
        detail: 'why',
        routine: 'auth_failed',
      },
    ]);
  });
});
