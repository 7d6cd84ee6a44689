import { connect, type Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Duplex } from 'node:stream';
import { errorResponse, type ErrorFields } from '../protocol/backend-messages';

/** How long a half-closed socket may linger after we said goodbye. */
const LINGER_MS = 5_000;

/** Socket errors are disconnects: destroy instead of crashing the process. */
export function destroyOnError(stream: Duplex): void {
  stream.on('error', () => stream.destroy());
}

/** Sends a FATAL ErrorResponse and closes, as PostgreSQL does when it refuses a login. */
export function refuse(stream: Duplex, fields: Omit<ErrorFields, 'severity'>): void {
  if (stream.destroyed) return;
  stream.end(errorResponse({ severity: 'FATAL', ...fields }));
  setTimeout(() => stream.destroy(), LINGER_MS).unref();
}

/** Ends gracefully (TLS close_notify, FIN), destroying it if the peer never closes its side. */
export function endSoon(stream: Duplex): void {
  if (stream.destroyed) return;
  stream.end();
  setTimeout(() => stream.destroy(), LINGER_MS).unref();
}

export async function upgradeToTls(socket: Socket, secureContext: SecureContext): Promise<TLSSocket> {
  const secure = new TLSSocket(socket, { isServer: true, secureContext });
  await new Promise<void>((resolve, reject) => {
    secure.once('secure', () => resolve());
    secure.once('error', reject);
    secure.once('close', () => reject(new Error('closed during the TLS handshake')));
  });
  destroyOnError(secure);
  return secure;
}

export function connectTcp(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.setNoDelay(true);
      destroyOnError(socket);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, as PostgreSQL prints IPv4 clients. */
export function clientAddressOf(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** What the client sees for any IAM failure, like RDS; the precise reason stays in the simulator. */
export function pamFailed(user: string): { sqlState: string; message: string; routine: string } {
  return { sqlState: '28P01', message: `PAM authentication failed for user "${user}"`, routine: 'auth_failed' };
}
