import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger';
import { LazyRequestLogger } from './request-logger';

function sink() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('the lazy request logger', () => {
  it('builds no child for lines below the level, and the same child (reqId, redaction) for lines at it', async () => {
    const { lines, stream } = sink();
    const logger = createLogger({ level: 'warn', stream });
    const child = vi.spyOn(logger, 'child');
    const requestLog = new LazyRequestLogger(logger, { reqId: 'req-7' });
    requestLog.info({ n: 1 }, 'dropped');
    requestLog.debug('dropped too');
    expect(child).not.toHaveBeenCalled();

    requestLog.error({ err: new Error('boom'), token: 'secret-token' }, 'request failed');
    requestLog.warn('second line');
    await flushed();
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({ reqId: 'req-7', msg: 'request failed', token: '[redacted]', level: 50 }),
      expect.objectContaining({ reqId: 'req-7', msg: 'second line', level: 40 }),
    ]);
    expect(requestLog.level).toBe('warn');
  });

  it('hands out children of the request child', async () => {
    const { lines, stream } = sink();
    const requestLog = new LazyRequestLogger(createLogger({ level: 'info', stream }), { reqId: 'req-8' });
    requestLog.child({ part: 'sse' }).info('nested');
    await flushed();
    expect(lines).toEqual([expect.objectContaining({ reqId: 'req-8', part: 'sse', msg: 'nested' })]);
  });
});
