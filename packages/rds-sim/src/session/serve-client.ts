import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { serialize } from 'pg-protocol';
import { authenticationCleartextPassword, ENCRYPTION_REFUSED, SSL_ACCEPTED } from '../protocol/backend-messages';
import { PacketReader, ProtocolViolation } from '../protocol/packet-reader';
import { parseStartupPacket } from '../protocol/startup-packet';
import type { SessionContext } from './context';
import { answerSession } from './answer';
import { relayToUpstream } from './relay';
import { clientAddressOf, connectTcp, destroyOnError, pamFailed, refuse, upgradeToTls } from './streams';

/** PostgreSQL's (and RDS's) default authentication_timeout. */
const AUTHENTICATION_TIMEOUT_MS = 60_000;
/** PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH: a token with a session token is ~1–2 kB. */
const MAX_PASSWORD_MESSAGE_BYTES = 65_535;
export const THROTTLING_DETAIL = 'The IAM authentication failed because of too many competing requests.';

interface Opened {
  readonly stream: Duplex;
  readonly reader: PacketReader;
  readonly isTls: boolean;
  readonly parameters: ReadonlyMap<string, string>;
  readonly startupPacket: Buffer;
}

/**
 * One client connection, as an RDS PostgreSQL instance with rds.force_ssl=1
 * and `hostssl all +rds_iam all pam` handles it: negotiate TLS, refuse
 * plaintext, authenticate rds_iam members by IAM token, relay everyone else's
 * authentication to the upstream server, then relay the session.
 */
export async function serveClient(socket: Socket, ctx: SessionContext): Promise<void> {
  const clientAddress = clientAddressOf(socket);
  socket.setNoDelay(true);
  destroyOnError(socket);
  const timeout = setTimeout(() => socket.destroy(), AUTHENTICATION_TIMEOUT_MS).unref();
  let stream: Duplex = socket;
  try {
    const opened = await negotiate(socket, ctx, (upgraded) => (stream = upgraded));
    if (!opened) return;
    const user = opened.parameters.get('user');
    if (!user)
      return refuse(stream, { sqlState: '28000', message: 'no PostgreSQL user name specified in startup packet' });
    const database = opened.parameters.get('database') ?? user;
    if (!opened.isTls) {
      return refuse(stream, {
        sqlState: '28000',
        message: `no pg_hba.conf entry for host "${clientAddress}", user "${user}", database "${database}", no encryption`,
        routine: 'ClientAuthentication',
      });
    }

    const isIam = await ctx.isIamUser(user).catch(() => undefined);
    if (isIam === undefined) {
      return refuse(stream, {
        sqlState: '08006',
        message: 'the database system is not available (rds-sim cannot reach its upstream PostgreSQL)',
      });
    }
    if (isIam && !ctx.isIamDatabaseAuthenticationEnabled()) return await refuseAsPasswordLogin(opened, user);
    if (isIam && !(await authenticateIam(opened, user, clientAddress, ctx))) return;
    const applicationName = opened.parameters.get('application_name') ?? '';
    if (ctx.sessionMode === 'answer' && !ctx.relayedApplications.has(applicationName)) {
      const request = { client: stream, clientReader: opened.reader, user, database, clientAddress, applicationName };
      return await answerSession({ ...request, isIam }, ctx);
    }
    await relayToUpstream(
      {
        client: stream,
        clientReader: opened.reader,
        startupPacket: opened.startupPacket,
        user,
        clientAddress,
        applicationName,
        isIam,
      },
      ctx,
    );
  } catch (error) {
    if (error instanceof ProtocolViolation) refuse(stream, { sqlState: '08P01', message: error.message });
    else stream.destroy();
  } finally {
    clearTimeout(timeout);
  }
}

/** SSLRequest / GSSENCRequest / CancelRequest until a StartupMessage arrives (or the connection is done). */
async function negotiate(
  socket: Socket,
  ctx: SessionContext,
  onTls: (stream: Duplex) => void,
): Promise<Opened | undefined> {
  let stream: Duplex = socket;
  let reader = new PacketReader(socket);
  let isTls = false;
  for (;;) {
    const packet = parseStartupPacket(await reader.readStartupPacket());
    switch (packet.kind) {
      case 'ssl': {
        if (isTls) throw new ProtocolViolation('SSLRequest received on an encrypted connection');
        // Bytes sent before our 'S' would be injected into the TLS session (CVE-2021-23214): refuse.
        if (reader.detach().length > 0) throw new ProtocolViolation('received unencrypted data after SSL request');
        socket.write(SSL_ACCEPTED);
        stream = await upgradeToTls(socket, ctx.secureContext);
        onTls(stream);
        reader = new PacketReader(stream);
        isTls = true;
        continue;
      }
      case 'gssenc':
        if (isTls) throw new ProtocolViolation('GSSENCRequest received on an encrypted connection');
        socket.write(ENCRYPTION_REFUSED); // RDS PostgreSQL offers no GSSAPI encryption
        continue;
      case 'cancel':
        await relayCancel(packet.processId, packet.secretKey, ctx);
        stream.destroy();
        return undefined;
      case 'invalid':
        refuse(stream, { sqlState: packet.sqlState, message: packet.message });
        return undefined;
      case 'startup':
        return { stream, reader, isTls, parameters: packet.parameters, startupPacket: packet.raw };
    }
  }
}

/** Asks for the password (the token), then lets the instance's budget and the verifier decide. */
async function authenticateIam(
  opened: Opened,
  user: string,
  clientAddress: string,
  ctx: SessionContext,
): Promise<boolean> {
  opened.stream.write(authenticationCleartextPassword());
  const message = await opened.reader.readMessage(MAX_PASSWORD_MESSAGE_BYTES);
  if (message[0] !== 0x70 /* 'p' */) {
    throw new ProtocolViolation(`expected password response, got message type ${message[0] ?? 0}`);
  }
  const end = message.indexOf(0, 5);
  const token = message.toString('utf8', 5, end < 0 ? message.length : end);
  const decision = ctx.authenticateIam({ token, user, clientAddress });
  if (decision.isAccepted) return true;
  const isThrottled = decision.metric === 'IamDbAuthConnectionFailureThrottling';
  refuse(opened.stream, { ...pamFailed(user), ...(isThrottled ? { detail: THROTTLING_DETAIL } : {}) });
  return false;
}

/**
 * IAM database authentication off: RDS has no `pam` rule for rds_iam members, so their login is
 * an ordinary password login, and an IAM user has no password: the token fails as one.
 */
async function refuseAsPasswordLogin(opened: Opened, user: string): Promise<void> {
  opened.stream.write(authenticationCleartextPassword());
  const message = await opened.reader.readMessage(MAX_PASSWORD_MESSAGE_BYTES);
  if (message[0] !== 0x70 /* 'p' */) {
    throw new ProtocolViolation(`expected password response, got message type ${message[0] ?? 0}`);
  }
  refuse(opened.stream, {
    sqlState: '28P01',
    message: `password authentication failed for user "${user}"`,
    routine: 'auth_failed',
  });
}

/** Cancels are accepted with or without TLS, as PostgreSQL checks no pg_hba rule for them. */
async function relayCancel(processId: number, secretKey: number, ctx: SessionContext): Promise<void> {
  const target = ctx.cancelKeys.resolve(processId, secretKey);
  if (!target) return;
  const upstream = await connectTcp(ctx.upstream.host, ctx.upstream.port).catch(() => undefined);
  upstream?.end(serialize.cancel(target.processId, target.secretKey));
}
