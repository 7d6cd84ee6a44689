import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { ServerEvent } from '@iamroll/contracts';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../test/test-app';
import { useTestApp } from '../test/use-test-app';

describe('events across API processes', () => {
  const a = useTestApp({}, { sseKeepAliveMs: 100 });
  const b = useTestApp({}, { sseKeepAliveMs: 100 }, { sameDatabaseAs: a });

  beforeAll(async () => {
    await eventually(() => a.app.events.isListening && b.app.events.isListening);
  });

  it('delivers an event published in one process to every process, itself included', async () => {
    const seenByA: ServerEvent[] = [];
    const seenByB: ServerEvent[] = [];
    const stopA = a.app.events.subscribe((event) => seenByA.push(event));
    const stopB = b.app.events.subscribe((event) => seenByB.push(event));
    try {
      await a.app.events.publish('test.hello', { n: 1 });
      await eventually(() => seenByA.length === 1 && seenByB.length === 1);
      expect(seenByB[0]).toEqual({ type: 'test.hello', at: expect.any(String), data: { n: 1 } });
    } finally {
      stopA();
      stopB();
    }
  });

  it('delivers events from service changes (a user created in A is heard in B)', async () => {
    const seen: ServerEvent[] = [];
    const stop = b.app.events.subscribe((event) => seen.push(event));
    try {
      const admin = await a.admin();
      const created = await a.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin.headers,
        payload: { username: 'evented', password: 'a long enough password', role: 'viewer' },
      });
      await eventually(() =>
        seen.some((event) => event.type === 'user.created' && event.data.id === created.json().id),
      );
    } finally {
      stop();
    }
  });

  it('keeps listening after its connection is killed', async () => {
    const admin = new pg.Client({ connectionString: a.database.url });
    await admin.connect();
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'iamroll-events' AND datname = current_database()`,
    );
    await admin.end();
    const seen: ServerEvent[] = [];
    const stop = b.app.events.subscribe((event) => seen.push(event));
    try {
      // Events sent while reconnecting are lost (at-most-once); keep sending until one arrives.
      await eventually(
        async () => {
          await a.app.events.publish('test.after-reconnect');
          return seen.length > 0;
        },
        10_000,
        200,
      );
    } finally {
      stop();
    }
  });

  it('streams events to a signed-in browser over SSE, with keep-alive comments', async () => {
    const address = await b.app.listen({ host: '127.0.0.1', port: 0 });
    const session = await b.admin();
    const baseline = b.app.events.subscriberCount;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest(
        `${address}/api/v1/events`,
        { headers: { cookie: session.cookie, accept: 'text/event-stream' } },
        resolve,
      )
        .on('error', reject)
        .end();
    });
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (text += chunk));
    try {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
      await eventually(() => b.app.events.subscriberCount > baseline);
      await a.app.events.publish('test.streamed', { hello: 'browser' });
      await eventually(() => text.includes('event: test.streamed'));
      const frame = text.split('\n\n').find((part) => part.includes('event: test.streamed'))!;
      expect(frame).toMatch(/^id: \d+$/m);
      const data = JSON.parse(
        frame
          .split('\n')
          .find((line) => line.startsWith('data: '))!
          .slice(6),
      );
      expect(data).toMatchObject({ type: 'test.streamed', data: { hello: 'browser' } });
      await eventually(() => text.includes(': keep-alive'));
    } finally {
      response.destroy();
    }
    // Back to the process's own subscribers (the preflight memory listens too): the stream's is gone.
    await eventually(() => b.app.events.subscriberCount === baseline);
  });

  it('refuses the stream without a session', async () => {
    const response = await a.app.inject({ method: 'GET', url: '/api/v1/events' });
    expect(response.statusCode).toBe(401);
  });
});
