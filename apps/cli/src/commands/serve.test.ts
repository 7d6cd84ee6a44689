import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../test/capture-io';

describe('iamroll serve / start', () => {
  it('documents every environment variable in --help', async () => {
    const io = captureIo();
    expect(await main(['serve', '--help'], io)).toBe(0);
    for (const name of [
      'DATABASE_URL',
      'IAMROLL_PORT',
      'IAMROLL_ADMIN_PASSWORD',
      'IAMROLL_ENROLLMENT_TOKEN',
      'IAMROLL_SESSION_TTL_HOURS',
      'LOG_LEVEL',
    ]) {
      expect(io.out()).toContain(name);
    }
  });

  it('refuses a port that is not one', async () => {
    const io = captureIo();
    expect(await main(['serve', '--port', 'eighty'], io)).toBe(2);
    expect(io.err()).toMatch(/expected a TCP port/);
  });

  it('reports every configuration problem at once, before starting anything', async () => {
    const io = captureIo({ env: { IAMROLL_PORT: '99999', LOG_LEVEL: 'loud', IAMROLL_ADMIN_PASSWORD: 'short' } });
    expect(await main(['start'], io)).toBe(2);
    expect(io.err()).toMatch(/IAMROLL_PORT/);
    expect(io.err()).toMatch(/LOG_LEVEL/);
    expect(io.err()).toMatch(/IAMROLL_ADMIN_PASSWORD/);
    expect(io.err()).not.toContain('short');
    expect(io.out()).toBe('');
  });
});
