import { AgentIdentity, EnrollBody, EnrollResponse } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors';
import { principalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import type { EnrollmentService } from '../enrollment/enrollment-service';

export interface AgentsRoutesOptions {
  readonly enrollment: EnrollmentService;
}

/** What agents call (mounted at /api/v1/agents). Heartbeats join later, with `auth: 'agent'`. */
export const agentsRoutes: FastifyPluginCallbackTypebox<AgentsRoutesOptions> = (app, { enrollment }, done) => {
  app.post(
    '/enroll',
    {
      config: { auth: 'enrollment' },
      schema: {
        summary: 'Enroll a node: returns its id and agent credential (shown once)',
        tags: ['agents'],
        body: EnrollBody,
        response: { 201: EnrollResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== 'enrollment') throw AppError.forbidden();
      return reply.status(201).send(await enrollment.enroll(principal, request.body));
    },
  );

  app.get(
    '/me',
    {
      config: { auth: 'agent' },
      schema: {
        summary: 'Which node this agent credential belongs to',
        tags: ['agents'],
        response: { 200: AgentIdentity, ...errorResponses },
      },
    },
    (request) => {
      const principal = principalOf(request);
      if (principal.kind !== 'agent') throw AppError.forbidden();
      return { nodeId: principal.nodeId, hostname: principal.hostname };
    },
  );
  done();
};
