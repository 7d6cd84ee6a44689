import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { parseStartupPacket } from './startup-packet';

const packet = (code: number, body: Buffer = Buffer.alloc(0)): Buffer => {
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(code, 4);
  return Buffer.concat([header, body]);
};

describe('parseStartupPacket', () => {
  it('reads the parameters of a protocol 3.0 StartupMessage and keeps its bytes', () => {
    const raw = serialize.startup({ user: 'kong_iam', database: 'kong', application_name: 'kong' });
    const parsed = parseStartupPacket(raw);
    expect(parsed).toMatchObject({ kind: 'startup', raw });
    const parameters = parsed.kind === 'startup' ? Object.fromEntries(parsed.parameters) : {};
    // pg-protocol adds client_encoding, as node-postgres sends it.
    expect(parameters).toEqual({
      user: 'kong_iam',
      database: 'kong',
      application_name: 'kong',
      client_encoding: 'UTF8',
    });
  });

  it.each([
    ['SSLRequest', serialize.requestSsl(), { kind: 'ssl' }],
    ['GSSENCRequest', packet(80877104), { kind: 'gssenc' }],
    ['CancelRequest', serialize.cancel(1234, -5678), { kind: 'cancel', processId: 1234, secretKey: -5678 }],
  ] as const)('recognises %s', (_name, raw, expected) => {
    expect(parseStartupPacket(raw)).toEqual(expected);
  });

  it('refuses protocol 2 like PostgreSQL 17 does', () => {
    expect(parseStartupPacket(packet(2 << 16))).toMatchObject({
      kind: 'invalid',
      sqlState: '0A000',
      message: expect.stringMatching(/unsupported frontend protocol 2\.0/),
    });
  });

  it('refuses an unterminated parameter list', () => {
    expect(parseStartupPacket(packet(3 << 16, Buffer.from('user\0kong')))).toMatchObject({
      kind: 'invalid',
      sqlState: '08P01',
    });
  });
});
