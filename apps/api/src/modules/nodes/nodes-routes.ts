import { IdParams, NodeDetail, NodeList, NodesQuery } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../http/responses';
import type { NodesService } from './nodes-service';

export interface NodesRoutesOptions {
  readonly nodes: NodesService;
}

export const nodesRoutes: FastifyPluginCallbackTypebox<NodesRoutesOptions> = (app, { nodes }, done) => {
  app.get(
    '',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'List nodes (filter, sort, page)',
        description: '`q` matches part of the hostname or a whole node id; `databaseId` matches the read-write or read-only database.',
        tags: ['nodes'],
        querystring: NodesQuery,
        response: { 200: NodeList, ...errorResponses },
      },
    },
    (request) => nodes.list(request.query),
  );

  app.get(
    '/:id',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'A node: its view, findings, effective config, the last 5 minutes of its rate, and recent audit entries',
        tags: ['nodes'],
        params: IdParams,
        response: { 200: NodeDetail, ...errorResponses },
      },
    },
    (request) => nodes.get(request.params.id),
  );
  done();
};
