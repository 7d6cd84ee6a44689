import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AssumeRole call as the stub saw it. */
export interface StsCall {
  readonly action: string | null;
  readonly roleArn: string | null;
  readonly roleSessionName: string | null;
  readonly durationSeconds: number | null;
  /** The access key id in the SigV4 Authorization header (the master credentials). */
  readonly signedByAccessKeyId: string | undefined;
}

export interface StsStub {
  readonly url: string;
  readonly calls: readonly StsCall[];
  close(): Promise<void>;
}

export interface StsStubOptions {
  /** Lifetime of issued credentials; default: the requested DurationSeconds. */
  readonly lifetimeSeconds?: number;
  /** Answer with an AccessDenied error instead. */
  readonly isDenying?: boolean;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A loopback STS answering AssumeRole and AssumeRoleWithWebIdentity (AWS query protocol) with fresh
 * credentials per call: `ASIASTUB<n>` access key ids. For tests only.
 */
export async function startStsStub(options: StsStubOptions = {}): Promise<StsStub> {
  const calls: StsCall[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const form = new URLSearchParams(body);
      const duration = form.get('DurationSeconds');
      const authorization = request.headers.authorization ?? '';
      calls.push({
        action: form.get('Action'),
        roleArn: form.get('RoleArn'),
        roleSessionName: form.get('RoleSessionName'),
        durationSeconds: duration === null ? null : Number(duration),
        signedByAccessKeyId: /Credential=([^/]+)\//.exec(authorization)?.[1],
      });
      response.setHeader('content-type', 'text/xml');
      if (options.isDenying) {
        response.statusCode = 403;
        response.end(
          '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
            '<Code>AccessDenied</Code><Message>not authorized to perform sts:AssumeRole</Message></Error>' +
            '<RequestId>stub</RequestId></ErrorResponse>',
        );
        return;
      }
      const lifetimeSeconds = options.lifetimeSeconds ?? Number(duration ?? 3600);
      const expiration = new Date(Date.now() + lifetimeSeconds * 1000).toISOString();
      const n = calls.length;
      // AssumeRole, or AssumeRoleWithWebIdentity (EKS): the same answer under the action's own element names.
      const action = form.get('Action') === 'AssumeRoleWithWebIdentity' ? 'AssumeRoleWithWebIdentity' : 'AssumeRole';
      response.end(
        `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>` +
          `<Credentials><AccessKeyId>ASIASTUB${n}</AccessKeyId><SecretAccessKey>stubSecretKey${n}</SecretAccessKey>` +
          `<SessionToken>stubSessionToken${n}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
          `<AssumedRoleUser><AssumedRoleId>AROASTUB:${form.get('RoleSessionName') ?? ''}</AssumedRoleId>` +
          `<Arn>${form.get('RoleArn') ?? ''}</Arn></AssumedRoleUser></${action}Result>` +
          `<ResponseMetadata><RequestId>stub-${n}</RequestId></ResponseMetadata></${action}Response>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
