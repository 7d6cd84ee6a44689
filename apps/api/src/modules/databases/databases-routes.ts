import {
  CreateDatabaseBody,
  DatabaseList,
  DatabasesQuery,
  DatabaseView,
  IdParams,
  UpdateDatabaseBody,
} from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { userPrincipalOf } from '../../http/principal';
import { errorResponses } from '../../http/responses';
import { actorOf } from '../auth/principal';
import type { DatabasesService } from './databases-service';

export interface DatabasesRoutesOptions {
  readonly databases: DatabasesService;
}

export const databasesRoutes: FastifyPluginCallbackTypebox<DatabasesRoutesOptions> = (app, { databases }, done) => {
  app.get(
    '',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'List databases with their current IAM rate against the budget',
        tags: ['databases'],
        querystring: DatabasesQuery,
        response: { 200: DatabaseList, ...errorResponses },
      },
    },
    (request) => databases.list(request.query),
  );

  app.post(
    '',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'Register a database (an RDS endpoint nodes connect to)',
        description:
          'Nodes are matched to it by host and port. 409 when the identifier or the endpoint is already registered.',
        tags: ['databases'],
        body: CreateDatabaseBody,
        response: { 201: DatabaseView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await databases.create(actorOf(userPrincipalOf(request)), request.body)),
  );

  app.get(
    '/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'A database: current rate (10 s average), peak of the last hour, budget, nodes by auth mode',
        tags: ['databases'],
        params: IdParams,
        response: { 200: DatabaseView, ...errorResponses },
      },
    },
    (request) => databases.get(request.params.id),
  );

  app.patch(
    '/:id',
    {
      config: { auth: 'admin' },
      schema: {
        summary: "Change a database's IAM budget or warning threshold (audited with the reason)",
        tags: ['databases'],
        params: IdParams,
        body: UpdateDatabaseBody,
        response: { 200: DatabaseView, ...errorResponses },
      },
    },
    (request) => databases.update(actorOf(userPrincipalOf(request)), request.params.id, request.body),
  );
  done();
};
