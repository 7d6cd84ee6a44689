import { EVENTS_PATH } from '@iamroll/contracts';
import type { ServerEvent } from '@iamroll/contracts';
import type { ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import { SECURITY_HEADERS } from '../http/security-headers';
import { EventBus } from './event-bus';

declare module 'fastify' {
  interface FastifyInstance {
    /** `publish(type, data)` reaches every API process; `subscribe(listener)` hears them. */
    events: EventBus;
  }
}

export interface EventsPluginOptions {
  readonly databaseUrl: string;
  /** Comment lines that keep proxies from closing idle streams. */
  readonly keepAliveMs: number;
  /** How often each stream's session or token is checked again: a revoked one's stream ends within about this. */
  readonly recheckMs: number;
}

function frame(id: number, event: ServerEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * The event bus plus `GET /api/v1/events`, a Server-Sent Events stream for
 * signed-in users. No replay: ids only number the frames of one stream, and
 * a reconnecting client refetches what it shows.
 */
export default fp<EventsPluginOptions>(
  (app, options, done) => {
    const bus = new EventBus(app.pg, options.databaseUrl, app.log);
    app.decorate('events', bus);
    const streams = new Set<ServerResponse>();

    app.get(
      EVENTS_PATH,
      {
        config: { auth: 'viewer' },
        schema: {
          summary: 'Live events (text/event-stream)',
          description:
            'Server-Sent Events: `event:` is the event type, `data:` a ServerEvent as JSON; `: keep-alive` comments in between.',
          tags: ['events'],
        },
      },
      (request, reply) => {
        reply.hijack();
        const stream = reply.raw;
        stream.writeHead(200, {
          ...SECURITY_HEADERS, // hijacked: the security hook does not see this response
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no', // nginx: do not buffer the stream
        });
        stream.write('retry: 3000\n\n');
        let id = 0;
        const unsubscribe = bus.subscribe((event) => {
          id += 1;
          stream.write(frame(id, event));
        });
        const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), options.keepAliveMs).unref();
        // The credential was checked once when the stream opened; a stream lasts hours, so check it again.
        let isRechecking = false;
        const recheck = setInterval(() => {
          if (isRechecking) return;
          isRechecking = true;
          app
            .recheckPrincipal(request)
            .then((principal) => {
              if (!principal) stream.end();
            })
            .catch((error: unknown) => request.log.warn({ err: error }, 'could not recheck an event stream credential'))
            .finally(() => (isRechecking = false));
        }, options.recheckMs).unref();
        streams.add(stream);
        const close = () => {
          clearInterval(keepAlive);
          clearInterval(recheck);
          unsubscribe();
          streams.delete(stream);
        };
        request.raw.on('close', close);
        stream.on('close', close);
      },
    );

    app.addHook('onReady', () => bus.start());
    // preClose: open streams would otherwise keep server.close() waiting forever.
    app.addHook('preClose', (next) => {
      for (const stream of streams) stream.end();
      next();
    });
    app.addHook('onClose', () => bus.stop());
    done();
  },
  { name: 'events', fastify: '5.x', dependencies: ['prisma', 'auth'] },
);
