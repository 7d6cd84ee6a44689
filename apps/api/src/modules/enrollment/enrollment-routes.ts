import {
  CreateEnrollmentTokenBody,
  CreatedEnrollmentToken,
  EnrollmentTokenList,
  EnrollmentTokenView,
  IdParams,
  PageQuery,
  RevokeBody,
} from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import { actorOf } from '../auth/principal';
import type { EnrollmentService } from './enrollment-service';

export interface EnrollmentRoutesOptions {
  readonly enrollment: EnrollmentService;
}

/** Admin management of enrollment tokens (mounted at /api/v1/enrollment-tokens). */
export const enrollmentTokensRoutes: FastifyPluginCallbackTypebox<EnrollmentRoutesOptions> = (
  app,
  { enrollment },
  done,
) => {
  app.get(
    '',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'List enrollment tokens (never their secrets)',
        tags: ['enrollment'],
        querystring: PageQuery,
        response: { 200: EnrollmentTokenList, ...errorResponses },
      },
    },
    async (request) => enrollment.list(request.query),
  );

  app.post(
    '',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Create an enrollment token: the response is the only time it is shown',
        tags: ['enrollment'],
        body: CreateEnrollmentTokenBody,
        response: { 201: CreatedEnrollmentToken, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = userPrincipalOf(request);
      return reply.status(201).send(await enrollment.createToken(actorOf(principal), principal.userId, request.body));
    },
  );

  app.post(
    '/:id/revoke',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Revoke an enrollment token',
        tags: ['enrollment'],
        params: IdParams,
        body: RevokeBody,
        response: { 200: EnrollmentTokenView, ...errorResponses },
      },
    },
    async (request) =>
      enrollment.revokeToken(actorOf(userPrincipalOf(request)), request.params.id, request.body.reason),
  );
  done();
};
