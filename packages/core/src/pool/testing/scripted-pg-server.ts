import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TLSSocket, type SecureVersion } from 'node:tls';

// A PostgreSQL front that speaks just enough of the wire protocol (SSLRequest,
// startup, cleartext password, simple query, terminate) to script login
// outcomes over real TLS for a real node-postgres client. For tests only;
// the RDS simulator (packages/rds-sim) is the full thing.

export type LoginReply =
  | { readonly kind: 'accept' }
  | { readonly kind: 'error'; readonly code: string; readonly message: string; readonly detail?: string }
  | { readonly kind: 'hang' };

export interface Login {
  readonly user: string | undefined;
  readonly database: string | undefined;
  readonly password: string;
  readonly tlsProtocol: string | null;
}

export interface ScriptedServerOptions {
  readonly key: string;
  readonly cert: string;
  /** Decides each login from its password and 0-based number. Default: accept. */
  readonly onLogin?: (password: string, index: number) => LoginReply;
  /** Answer SSLRequest with 'N' (a server without TLS). */
  readonly isRefusingTls?: boolean;
  readonly maxTlsVersion?: SecureVersion;
}

export interface ScriptedServer {
  readonly port: number;
  /** TCP connections accepted, before any TLS or login. */
  readonly tcpConnections: number;
  /** TCP connections still open. */
  readonly openConnections: number;
  readonly logins: readonly Login[];
  close(): Promise<void>;
}

const SSL_REQUEST_CODE = 80877103;

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function int32(...values: number[]): Buffer {
  const buffer = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => buffer.writeInt32BE(v, i * 4));
  return buffer;
}

function cstrings(...parts: string[]): Buffer {
  return Buffer.from(parts.map((p) => `${p}\0`).join(''), 'utf8');
}

function errorResponse(code: string, text: string, detail?: string): Buffer {
  const fields = ['SFATAL', 'VFATAL', `C${code}`, `M${text}`, ...(detail ? [`D${detail}`] : [])];
  return message('E', Buffer.concat([cstrings(...fields), Buffer.from([0])]));
}

const READY = message('Z', Buffer.from('I'));

export async function startScriptedPgServer(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const logins: Login[] = [];
  const sockets = new Set<Socket>();
  let tcpConnections = 0;

  function serve(socket: TLSSocket): void {
    let buffered = Buffer.alloc(0);
    let startup: Record<string, string> | undefined;
    let isReady = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (!startup) {
          if (buffered.length < 4) return;
          const length = buffered.readInt32BE(0);
          if (buffered.length < length) return;
          const params = buffered
            .subarray(8, length - 1)
            .toString('utf8')
            .split('\0');
          startup = {};
          for (let i = 0; i + 1 < params.length; i += 2) startup[params[i] as string] = params[i + 1] as string;
          buffered = buffered.subarray(length);
          socket.write(message('R', int32(3))); // AuthenticationCleartextPassword
          continue;
        }
        if (buffered.length < 5) return;
        const type = String.fromCharCode(buffered[0] as number);
        const length = buffered.readInt32BE(1);
        if (buffered.length < length + 1) return;
        const body = buffered.subarray(5, length + 1);
        buffered = buffered.subarray(length + 1);
        if (type === 'p' && !isReady) {
          const password = body.subarray(0, body.length - 1).toString('utf8');
          const index = logins.length;
          logins.push({ user: startup.user, database: startup.database, password, tlsProtocol: socket.getProtocol() });
          const reply = options.onLogin?.(password, index) ?? { kind: 'accept' };
          if (reply.kind === 'hang') return;
          if (reply.kind === 'error') {
            socket.end(errorResponse(reply.code, reply.message, reply.detail));
            return;
          }
          isReady = true;
          socket.write(Buffer.concat([message('R', int32(0)), message('K', int32(4242, 1234)), READY]));
        } else if (type === 'Q' && isReady) {
          socket.write(Buffer.concat([message('C', cstrings('SELECT 0')), READY]));
        } else if (type === 'X') {
          socket.end();
          return;
        }
      }
    });
  }

  const server = createServer((raw) => {
    tcpConnections += 1;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    raw.once('data', (first: Buffer) => {
      if (first.length < 8 || first.readInt32BE(4) !== SSL_REQUEST_CODE) {
        raw.destroy();
        return;
      }
      if (options.isRefusingTls) {
        raw.write('N');
        return;
      }
      raw.write('S');
      serve(
        new TLSSocket(raw, {
          isServer: true,
          key: options.key,
          cert: options.cert,
          ...(options.maxTlsVersion ? { maxVersion: options.maxTlsVersion } : {}),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get tcpConnections() {
      return tcpConnections;
    },
    get openConnections() {
      return sockets.size;
    },
    logins,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
