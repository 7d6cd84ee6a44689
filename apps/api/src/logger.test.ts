import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

describe('createLogger', () => {
  it('redacts credentials in headers and in fields named like secrets', async () => {
    let text = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'info', stream });
    logger.info(
      {
        req: { headers: { authorization: 'Bearer iam_secret1', cookie: 'iamroll_session=secret2' } },
        body: { username: 'admin', password: 'secret3' },
        token: 'secret4',
        credential: 'secret5',
      },
      'something happened',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(text).toContain('something happened');
    expect(text).toContain('"username":"admin"');
    expect(text).not.toMatch(/secret\d/);
    expect(text).toContain('[redacted]');
  });
});
