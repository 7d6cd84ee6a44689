import { IdParams, NodePreflightView, PreflightOverrideBody, RunPreflightBody } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import { actorOf } from '../auth/principal';
import type { PreflightService } from './preflight-service';

export interface PreflightRoutesOptions {
  readonly preflight: PreflightService;
}

/** Mounted at /api/v1/nodes beside the nodes routes. */
export const preflightRoutes: FastifyPluginCallbackTypebox<PreflightRoutesOptions> = (app, { preflight }, done) => {
  app.get(
    '/:id/preflight',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: "A node's latest preflight result per stage (with its age), the pending request and any override",
        description:
          'Each check has a status (`pass`, `fail`, `skip`, `info`), a message and, when it failed, the exact fix (the policy document, the SQL, the kong.conf line). 404 for an unknown node.',
        tags: ['nodes', 'preflight'],
        params: IdParams,
        response: { 200: NodePreflightView, ...errorResponses },
      },
    },
    (request) => preflight.view(request.params.id),
  );
  app.post(
    '/:id/preflight',
    {
      config: { auth: 'operator' },
      schema: {
        summary: "Ask the node's agent to run preflight again (default: both stages), answered in a later heartbeat",
        description:
          "The request reaches the agent in its next heartbeat reply (`preflight`); the result appears here once it reports. 409 when the node's agent does not run preflight (no `preflight` capability). Audited.",
        tags: ['nodes', 'preflight'],
        params: IdParams,
        body: RunPreflightBody,
        response: { 202: NodePreflightView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await preflight.run(actorOf(userPrincipalOf(request)), request.params.id, request.body ?? {})),
  );
  app.post(
    '/:id/preflight/override',
    {
      config: { auth: 'admin' },
      schema: {
        summary: "Override the node's preflight: rollouts switch it despite a failing, old or missing verdict",
        description:
          'Admin only, with a written reason (audited). It does not override a database whose IAM authentication is disabled: that switch would fail whatever the node.',
        tags: ['nodes', 'preflight'],
        params: IdParams,
        body: PreflightOverrideBody,
        response: { 200: NodePreflightView, ...errorResponses },
      },
    },
    (request) => preflight.override(actorOf(userPrincipalOf(request)), request.params.id, request.body.reason),
  );
  app.delete(
    '/:id/preflight/override',
    {
      config: { auth: 'admin' },
      schema: {
        summary: "Clear the node's preflight override (audited with the reason)",
        description: '409 when the node has no override.',
        tags: ['nodes', 'preflight'],
        params: IdParams,
        body: PreflightOverrideBody,
        response: { 200: NodePreflightView, ...errorResponses },
      },
    },
    (request) => preflight.clearOverride(actorOf(userPrincipalOf(request)), request.params.id, request.body.reason),
  );
  done();
};
