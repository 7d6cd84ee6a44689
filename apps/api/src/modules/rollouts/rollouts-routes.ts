import {
  CreateRolloutBody,
  IdParams,
  RolloutControlBody,
  RolloutList,
  RolloutPreview,
  RolloutSpecBody,
  RolloutsQuery,
  RolloutView,
  type RolloutControl,
} from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import { actorOf } from '../auth/principal';
import type { RolloutsService } from './rollouts-service';

export interface RolloutsRoutesOptions {
  readonly rollouts: RolloutsService;
}

const CONTROLS: Readonly<Record<RolloutControl, string>> = {
  start: 'Start a pending rollout',
  pause: 'Pause a running rollout',
  resume: 'Resume a paused rollout (allowed while the alarm that paused it is still open)',
  promote: 'Skip the current bake',
  'promote-all': 'Skip every remaining bake',
  abort: 'Stop where it is; nodes stay as they are',
  rollback: 'Return every switched node to its previous stage, paced the same way',
  finalize: "After the final bake: remove pg_password / pg_ro_password from each node's config (its backup keeps them)",
};

export const rolloutsRoutes: FastifyPluginCallbackTypebox<RolloutsRoutesOptions> = (app, { rollouts }, done) => {
  const tags = ['rollouts'];
  app.post(
    '/preview',
    {
      config: { auth: 'viewer' },
      schema: {
        summary:
          'Preview a rollout: waves, projected peak per database against its budget, duration, skipped and blocked nodes',
        description: 'No side effects. A bad spec is answered 400 naming the field.',
        tags,
        body: RolloutSpecBody,
        response: { 200: RolloutPreview, ...errorResponses },
      },
    },
    (request) => rollouts.preview(request.body),
  );

  app.post(
    '',
    {
      config: { auth: 'operator' },
      schema: {
        summary: 'Create a rollout (starts at once unless `"start": false`)',
        description:
          'Minimal body: `{"scope": {"databaseId": "<id>"}, "reason": "…"}`; everything else defaulted (ro_iam then rw_iam, canary 1, waves 0.25/0.5/1, 300 s bakes, targetUtilisation 0.5, maxUnavailable 1, failureLimit 1, onAlarm pause).',
        tags,
        body: CreateRolloutBody,
        response: { 201: RolloutView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await rollouts.create(actorOf(userPrincipalOf(request)), request.body)),
  );

  app.get(
    '',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'List rollouts, newest first',
        tags,
        querystring: RolloutsQuery,
        response: { 200: RolloutList, ...errorResponses },
      },
    },
    (request) => rollouts.list(request.query),
  );

  app.get(
    '/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'A rollout with its nodes',
        tags,
        params: IdParams,
        response: { 200: RolloutView, ...errorResponses },
      },
    },
    (request) => rollouts.get(request.params.id),
  );

  for (const [control, summary] of Object.entries(CONTROLS) as [RolloutControl, string][]) {
    app.post(
      `/:id/${control}`,
      {
        config: { auth: 'operator' },
        schema: {
          summary,
          description:
            'Who, when and the reason go to the audit log and the event stream. A refusal is a 409 with the reason.',
          tags,
          params: IdParams,
          body: RolloutControlBody,
          response: { 200: RolloutView, ...errorResponses },
        },
      },
      (request) => {
        const principal = userPrincipalOf(request);
        return rollouts.control(
          actorOf(principal),
          request.params.id,
          control,
          request.body.reason,
          principal.role === 'admin',
        );
      },
    );
  }
  app.post(
    '/:id/override-ro-before-rw',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Let read-write start before every node ran read-only on IAM healthily for the bake time (admin)',
        description:
          'Admin only, with a written reason (audited as `rollout.override-ro-before-rw`, and on the event stream as `rollout.control`). Nodes whose read-only connection is not on IAM may then enter rw_iam too. Refused (409) unless the rollout is pending, running or paused and runs both phases.',
        tags,
        params: IdParams,
        body: RolloutControlBody,
        response: { 200: RolloutView, ...errorResponses },
      },
    },
    (request) =>
      rollouts.control(
        actorOf(userPrincipalOf(request)),
        request.params.id,
        'override-ro-before-rw',
        request.body.reason,
        true,
      ),
  );
  done();
};
