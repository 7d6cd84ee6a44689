import { EVENTS_PATH } from '@iamroll/contracts';
import type { ServerEvent } from '@iamroll/contracts';
import type { ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import { SECURITY_HEADERS } from '../http/security-headers';
import { CREDENTIAL_EVENTS, EventBus } from './event-bus';

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
  /**
   * How often each stream's session or token is checked again without an event (expiry, a row
   * changed by hand). Revocations announced on the bus (CREDENTIAL_EVENTS) end streams at once.
   */
  readonly recheckMs: number;
}

const CREDENTIAL_EVENT_TYPES: ReadonlySet<string> = new Set(Object.values(CREDENTIAL_EVENTS));

/**
 * Whether an event may have revoked the credential of a stream opened by `userId`: a credential
 * event about that user (or naming none, so every stream checks).
 */
function isAbout(event: ServerEvent, userId: string | null): boolean {
  if (!CREDENTIAL_EVENT_TYPES.has(event.type)) return false;
  const subject = event.type === CREDENTIAL_EVENTS.userUpdated ? event.data.id : event.data.userId;
  return typeof subject !== 'string' || subject === userId;
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
        const principal = request.principal;
        const userId = principal && (principal.kind === 'user' || principal.kind === 'token') ? principal.userId : null;
        let isRechecking = false;
        // Asked for during a check, which may have read the rows before the change committed: once more after it.
        let isRecheckDue = false;
        // The credential was checked when the stream opened; a stream lasts hours, so check it again.
        const recheck = () => {
          if (isRechecking) {
            isRecheckDue = true;
            return;
          }
          isRechecking = true;
          app
            .recheckPrincipal(request)
            .then((current) => {
              if (!current) stream.end();
            })
            .catch((error: unknown) => request.log.warn({ err: error }, 'could not recheck an event stream credential'))
            .finally(() => {
              isRechecking = false;
              if (!isRecheckDue || stream.writableEnded) return;
              isRecheckDue = false;
              recheck();
            });
        };
        const unsubscribe = bus.subscribe((event) => {
          id += 1;
          stream.write(frame(id, event));
          // A change that may have revoked this stream's credential: at once, with no polling.
          if (isAbout(event, userId)) recheck();
        });
        const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), options.keepAliveMs).unref();
        // The safety net for what no event announces: a session or token expiring, a row changed by hand.
        const safetyNet = setInterval(recheck, options.recheckMs).unref();
        streams.add(stream);
        const close = () => {
          clearInterval(keepAlive);
          clearInterval(safetyNet);
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
