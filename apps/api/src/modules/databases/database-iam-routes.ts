import { DatabaseIamCheck, IdParams } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors';
import { errorResponses } from '../../http/responses';
import type { DatabaseIamService } from './database-iam-service';

export interface DatabaseIamRoutesOptions {
  readonly iam: DatabaseIamService;
}

/** Mounted at /api/v1/databases beside the databases routes. */
export const databaseIamRoutes: FastifyPluginCallbackTypebox<DatabaseIamRoutesOptions> = (app, { iam }, done) => {
  app.post(
    '/:id/check',
    {
      config: { auth: 'operator' },
      schema: {
        summary: 'Ask RDS now (DescribeDBInstances): is IAM database authentication enabled, resource id, endpoint',
        description:
          'The verdict is stored and returned: `ok`, `iam_disabled` (with the `aws rds modify-db-instance` fix), `not_found`, `error` (credentials, network, permissions: the message says which) or `unchecked` (the controller has no AWS access or IAMROLL_RDS_CHECK=off). A database with IAM disabled blocks every rollout node targeting it.',
        tags: ['databases'],
        params: IdParams,
        response: { 200: DatabaseIamCheck, ...errorResponses },
      },
    },
    async (request) => {
      const result = await iam.check(request.params.id);
      if (!result) throw AppError.notFound('The database');
      return result;
    },
  );
  done();
};
