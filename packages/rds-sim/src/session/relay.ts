import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { backendKeyData } from '../protocol/backend-messages';
import { PacketReader } from '../protocol/packet-reader';
import type { SessionContext } from './context';
import { connectTcp, endSoon, pamFailed, refuse } from './streams';

/** Upstream startup messages are small; anything larger is not PostgreSQL. */
const MAX_UPSTREAM_STARTUP_MESSAGE_BYTES = 1 << 20;

export interface RelayRequest {
  readonly client: Duplex;
  readonly clientReader: PacketReader;
  readonly startupPacket: Buffer;
  readonly user: string;
  readonly clientAddress: string;
  /** The client's application_name ('' when unset), for per-client login counts. */
  readonly applicationName: string;
  /**
   * IAM logins were authenticated by the simulator: upstream must let the
   * user in without credentials. Other logins authenticate against upstream
   * itself, the password or SCRAM exchange relayed both ways untouched.
   */
  readonly isIam: boolean;
}

/**
 * Opens the upstream session with the client's own StartupMessage, relays
 * everything up to the first ReadyForQuery (swapping BackendKeyData for a
 * simulator key), then pipes bytes both ways until either side closes.
 */
export async function relayToUpstream(request: RelayRequest, ctx: SessionContext): Promise<void> {
  const { client, isIam } = request;
  const login = { user: request.user, clientAddress: request.clientAddress };
  let upstream: Socket;
  try {
    upstream = await connectTcp(ctx.upstream.host, ctx.upstream.port);
  } catch (error) {
    const reason = `upstream PostgreSQL unreachable: ${(error as Error).message}`;
    if (isIam) ctx.iamLoginBroken(login, reason);
    refuse(client, {
      sqlState: '08006',
      message: 'the database system is not available (rds-sim upstream unreachable)',
    });
    return;
  }
  if (client.destroyed) {
    upstream.destroy(); // the client left while we dialled
    return;
  }
  let releaseKey = (): void => {};
  client.once('close', () => {
    upstream.destroy();
    releaseKey();
  });
  upstream.once('close', () => endSoon(client));

  const upstreamReader = new PacketReader(upstream);
  upstream.write(request.startupPacket);
  const clientBytes = request.clientReader.detach();
  if (!isIam) pipeClientToUpstream(client, upstream, clientBytes);

  let isAuthenticated = false;
  for (;;) {
    const message = await upstreamReader.readMessage(MAX_UPSTREAM_STARTUP_MESSAGE_BYTES);
    const type = String.fromCharCode(message[0] ?? 0);
    if (type === 'R' && isIam && !isAuthenticated) {
      if (message.readInt32BE(5) !== 0) {
        ctx.iamLoginBroken(
          login,
          'upstream asked the IAM user for credentials: its pg_hba.conf needs `host all +rds_iam 127.0.0.1/32 trust` first',
        );
        refuse(client, pamFailed(request.user));
        upstream.destroy();
        return;
      }
      isAuthenticated = true;
      ctx.iamLoginCompleted();
    }
    if (type === 'K') {
      const issued = ctx.cancelKeys.issue({ processId: message.readInt32BE(5), secretKey: message.readInt32BE(9) });
      releaseKey = issued.release;
      client.write(backendKeyData(issued.processId, issued.secretKey));
      continue;
    }
    if (type === 'E' && isIam && !isAuthenticated)
      ctx.iamLoginBroken(login, 'upstream refused the IAM user before authenticating it');
    client.write(message);
    if (type === 'Z') {
      ctx.counters.loginCompleted(request.applicationName, isIam);
      break;
    }
    // A startup ErrorResponse is FATAL: upstream closes, and its close handler ends the client.
    if (type === 'E') return;
  }

  client.write(upstreamReader.detach());
  upstream.pipe(client);
  if (isIam) pipeClientToUpstream(client, upstream, clientBytes);
}

function pipeClientToUpstream(client: Duplex, upstream: Socket, readAhead: Buffer): void {
  if (readAhead.length > 0) upstream.write(readAhead);
  client.pipe(upstream);
}
