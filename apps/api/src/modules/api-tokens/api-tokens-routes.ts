import {
  ApiTokenList,
  ApiTokenView,
  CreateApiTokenBody,
  CreatedApiToken,
  IdParams,
  PageQuery,
  RevokeBody,
} from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import { actorOf } from '../auth/principal';
import type { ApiTokensService } from './api-tokens-service';

export interface ApiTokensRoutesOptions {
  readonly apiTokens: ApiTokensService;
}

export const apiTokensRoutes: FastifyPluginCallbackTypebox<ApiTokensRoutesOptions> = (app, { apiTokens }, done) => {
  app.get(
    '',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'List API tokens (never their secrets)',
        tags: ['api-tokens'],
        querystring: PageQuery,
        response: { 200: ApiTokenList, ...errorResponses },
      },
    },
    async (request) => apiTokens.list(request.query),
  );

  app.post(
    '',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Create an API token: the response is the only time the token is shown',
        tags: ['api-tokens'],
        body: CreateApiTokenBody,
        response: { 201: CreatedApiToken, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = userPrincipalOf(request);
      return reply.status(201).send(await apiTokens.create(actorOf(principal), principal.userId, request.body));
    },
  );

  app.post(
    '/:id/revoke',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Revoke an API token',
        tags: ['api-tokens'],
        params: IdParams,
        body: RevokeBody,
        response: { 200: ApiTokenView, ...errorResponses },
      },
    },
    async (request) => apiTokens.revoke(actorOf(userPrincipalOf(request)), request.params.id, request.body.reason),
  );
  done();
};
