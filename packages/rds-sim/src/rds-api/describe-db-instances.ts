import { randomUUID } from 'node:crypto';
import {
  allSimInstances,
  findSimInstance,
  partitionOf,
  SIM_ACCOUNT_ID,
  type SimInstanceDescription,
} from './instance-directory';

// RDS's Query API as @aws-sdk/client-rds speaks it (protocol awsQuery): a form-encoded POST
// `Action=DescribeDBInstances&Version=2014-10-31[&DBInstanceIdentifier=…]`, answered with the
// XML `DescribeDBInstancesResponse` / `DescribeDBInstancesResult` / `DBInstances` / `DBInstance`,
// errors as `ErrorResponse` / `Error` with `Type`, `Code`, `Message` (DBInstanceNotFound: 404).
// Only the fields the controller reads, plus the ones that make an instance recognisable.

const XMLNS = 'http://rds.amazonaws.com/doc/2014-10-31/';

export interface QueryApiResponse {
  readonly status: number;
  readonly body: string;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

function instanceXml(instance: SimInstanceDescription): string {
  const arn = `arn:${partitionOf(instance.region)}:rds:${instance.region}:${SIM_ACCOUNT_ID}:db:${instance.identifier}`;
  return [
    '<DBInstance>',
    `<DBInstanceIdentifier>${escapeXml(instance.identifier)}</DBInstanceIdentifier>`,
    '<DBInstanceClass>db.t3.medium</DBInstanceClass>',
    '<Engine>postgres</Engine>',
    '<DBInstanceStatus>available</DBInstanceStatus>',
    `<Endpoint><Address>${escapeXml(instance.endpointHost)}</Address><Port>${instance.endpointPort}</Port><HostedZoneId>Z2R2ITUGPM61AM</HostedZoneId></Endpoint>`,
    `<AvailabilityZone>${escapeXml(instance.region)}a</AvailabilityZone>`,
    `<DbiResourceId>${instance.dbiResourceId}</DbiResourceId>`,
    `<DBInstanceArn>${escapeXml(arn)}</DBInstanceArn>`,
    `<IAMDatabaseAuthenticationEnabled>${instance.isIamDatabaseAuthenticationEnabled()}</IAMDatabaseAuthenticationEnabled>`,
    '</DBInstance>',
  ].join('');
}

export function queryError(status: number, code: string, message: string, type = 'Sender'): QueryApiResponse {
  return {
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>\n`,
  };
}

/** The region a SigV4 Authorization header is scoped to (`Credential=AKID/date/region/rds/aws4_request`). */
export function signedRegion(authorization: string | undefined): string | undefined {
  return /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/rds\/aws4_request/.exec(authorization ?? '')?.[1];
}

/**
 * Answers one Query API request body. `region`: the region the request was signed for (an
 * instance of another region is not found, as on RDS's regional endpoints); undefined: any.
 */
export function answerQuery(form: URLSearchParams, region: string | undefined): QueryApiResponse {
  const action = form.get('Action');
  if (action !== 'DescribeDBInstances')
    return queryError(
      400,
      'InvalidAction',
      `The action ${action ?? '(none)'} is not valid for this web service (the simulator answers DescribeDBInstances only).`,
    );
  const inRegion = (instance: SimInstanceDescription) => region === undefined || instance.region === region;
  const identifier = form.get('DBInstanceIdentifier');
  let found: SimInstanceDescription[];
  if (identifier) {
    const instance = findSimInstance(identifier);
    if (instance === undefined || !inRegion(instance))
      return queryError(404, 'DBInstanceNotFound', `DBInstance ${identifier} not found.`);
    found = [instance];
  } else {
    found = allSimInstances().filter(inRegion);
  }
  return {
    status: 200,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeDBInstancesResponse xmlns="${XMLNS}"><DescribeDBInstancesResult><DBInstances>${found.map(instanceXml).join('')}</DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeDBInstancesResponse>\n`,
  };
}
