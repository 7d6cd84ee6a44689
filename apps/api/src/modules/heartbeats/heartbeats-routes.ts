import { HeartbeatBody, HeartbeatReply, IdParams } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Gauge, type Registry } from 'prom-client';
import { AppError } from '../../errors';
import { principalOf } from '../../http/principal';
import { createRequestTurns, type RequestTurns } from '../../http/request-turns';
import { errorResponses } from '../../http/responses';
import type { HeartbeatService } from './heartbeat-service';

export interface HeartbeatsRoutesOptions {
  readonly heartbeats: HeartbeatService;
  /** How heartbeats share the event loop's turns (default: createRequestTurns()). */
  readonly turns?: RequestTurns;
}

function registerTurnMetrics(metrics: Registry, turns: RequestTurns): void {
  new Gauge({
    name: 'iamroll_heartbeats_waiting',
    help: 'Heartbeats received and waiting for a turn of the event loop now (above zero for long: this process does not keep up).',
    registers: [metrics],
    collect() {
      this.set(turns.waiting);
    },
  });
  new Gauge({
    name: 'iamroll_heartbeats_deferred',
    help: 'Heartbeats that waited for a later turn of the event loop (their poll phase had spent its slice), since start.',
    registers: [metrics],
    collect() {
      this.set(turns.deferred);
    },
  });
}

/** Mounted at /api/v1/nodes beside the nodes routes. */
export const heartbeatsRoutes: FastifyPluginCallbackTypebox<HeartbeatsRoutesOptions> = (
  app,
  { heartbeats, turns = createRequestTurns() },
  done,
) => {
  registerTurnMetrics(app.metrics, turns);
  app.post(
    '/:id/heartbeat',
    {
      config: { auth: 'agent' },
      // After authentication, before the body is parsed: a backlog is parsed and answered over several turns.
      onRequest: (_request, _reply, next) => turns.admit(next),
      schema: {
        summary: "An agent's heartbeat: counters, config summary, findings; the reply carries the desired stage",
        description:
          'Send every `intervalMs` with `Authorization: Bearer iamagent_…` (the credential of this node only). Counters are totals since the agent booted. Strings that look like secrets are refused with 400 naming the field.',
        tags: ['agents'],
        params: IdParams,
        body: HeartbeatBody,
        response: { 200: HeartbeatReply, ...errorResponses },
      },
    },
    (request) => {
      const principal = principalOf(request);
      if (principal.kind !== 'agent') throw AppError.forbidden();
      return heartbeats.receive(principal.nodeId, request.params.id, request.body);
    },
  );
  done();
};
