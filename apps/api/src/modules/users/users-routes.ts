import { CreateUserBody, IdParams, PageQuery, UpdateUserBody, UserList, UserView } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import { actorOf } from '../auth/principal';
import type { UsersService } from './users-service';

export interface UsersRoutesOptions {
  readonly users: UsersService;
}

export const usersRoutes: FastifyPluginCallbackTypebox<UsersRoutesOptions> = (app, { users }, done) => {
  app.get(
    '',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'List users',
        tags: ['users'],
        querystring: PageQuery,
        response: { 200: UserList, ...errorResponses },
      },
    },
    async (request) => users.list(request.query),
  );

  app.post(
    '',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Create a user',
        tags: ['users'],
        body: CreateUserBody,
        response: { 201: UserView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await users.create(actorOf(userPrincipalOf(request)), request.body)),
  );

  app.patch(
    '/:id',
    {
      config: { auth: 'admin' },
      schema: {
        summary: "Change a user's role, disable or enable them, or reset their password",
        tags: ['users'],
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserView, ...errorResponses },
      },
    },
    async (request) => users.update(actorOf(userPrincipalOf(request)), request.params.id, request.body),
  );
  done();
};
