import { HeartbeatBody, HeartbeatReply, IdParams } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors';
import { principalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import type { HeartbeatService } from './heartbeat-service';

export interface HeartbeatsRoutesOptions {
  readonly heartbeats: HeartbeatService;
}

/** Mounted at /api/v1/nodes beside the nodes routes. */
export const heartbeatsRoutes: FastifyPluginCallbackTypebox<HeartbeatsRoutesOptions> = (app, { heartbeats }, done) => {
  app.post(
    '/:id/heartbeat',
    {
      config: { auth: 'agent' },
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
