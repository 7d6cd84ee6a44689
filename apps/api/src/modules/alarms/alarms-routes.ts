import { AcknowledgeAlarmBody, AlarmList, AlarmsQuery, AlarmView, IdParams } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import { actorOf } from '../auth/principal';
import type { AlarmsService } from './alarms-service';

export interface AlarmsRoutesOptions {
  readonly alarms: AlarmsService;
}

export const alarmsRoutes: FastifyPluginCallbackTypebox<AlarmsRoutesOptions> = (app, { alarms }, done) => {
  app.get(
    '',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'List alarms, newest first',
        description: '`state`: open (not acknowledged), acknowledged, resolved, or all (default).',
        tags: ['alarms'],
        querystring: AlarmsQuery,
        response: { 200: AlarmList, ...errorResponses },
      },
    },
    (request) => alarms.list(request.query),
  );

  app.post(
    '/:id/acknowledge',
    {
      config: { auth: 'operator' },
      schema: {
        summary: 'Acknowledge an alarm (it stays until its condition clears)',
        tags: ['alarms'],
        params: IdParams,
        body: AcknowledgeAlarmBody,
        response: { 200: AlarmView, ...errorResponses },
      },
      // The body (a reason) is optional: a bare POST acknowledges too.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
    },
    (request) => alarms.acknowledge(actorOf(userPrincipalOf(request)), request.params.id, request.body),
  );
  done();
};
