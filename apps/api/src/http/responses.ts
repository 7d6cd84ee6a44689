import { ErrorBody } from '@iamroll/contracts';

/** Documents the error shape in OpenAPI for every route (the errors plugin produces it). */
export const errorResponses = { '4xx': ErrorBody, '5xx': ErrorBody } as const;
