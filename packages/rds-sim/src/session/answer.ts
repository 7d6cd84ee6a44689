import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { authenticationCleartextPassword, backendKeyData, errorResponse } from '../protocol/backend-messages';
import type { PacketReader } from '../protocol/packet-reader';
import {
  authenticationOk,
  BIND_COMPLETE,
  CLOSE_COMPLETE,
  commandComplete,
  dataRowOne,
  EMPTY_QUERY_RESPONSE,
  parameterDescriptionNone,
  parameterStatus,
  PARSE_COMPLETE,
  readyForQuery,
  rowDescriptionOneInt,
} from './answer-messages';
import type { SessionContext } from './context';
import { endSoon, refuse } from './streams';

/** PostgreSQL's limit on a message after startup is 1 GB; answer mode only needs small queries. */
const MAX_QUERY_MESSAGE_BYTES = 1 << 20;

export interface AnswerRequest {
  readonly client: Duplex;
  readonly clientReader: PacketReader;
  readonly user: string;
  readonly database: string;
  readonly clientAddress: string;
  readonly applicationName: string;
  readonly isIam: boolean;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Answer mode: after the login (IAM token already verified by the caller, or a password
 * checked here against the configured password users), the simulator itself plays the
 * backend — AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery — and answers
 * every query with one row `1`. No upstream session is opened, so thousands of simulated
 * connections cost sockets, not PostgreSQL backends. Who may log in is still the database's
 * call: rds_iam membership (decided before) and role/database/CONNECT (checked here).
 */
export async function answerSession(request: AnswerRequest, ctx: SessionContext): Promise<void> {
  const { client, clientReader: reader, user, isIam } = request;
  if (!isIam) {
    client.write(authenticationCleartextPassword());
    const message = await reader.readMessage(MAX_QUERY_MESSAGE_BYTES);
    const end = message.indexOf(0, 5);
    const given = message.toString('utf8', 5, end < 0 ? message.length : end);
    const expected = ctx.passwordOf(user);
    if (message[0] !== 0x70 || expected === undefined || !sameSecret(given, expected)) {
      return refuse(client, {
        sqlState: '28P01',
        message: `password authentication failed for user "${user}"`,
        routine: 'auth_failed',
      });
    }
  }
  const refusal = await ctx.checkLogin(user, request.database);
  if (refusal) {
    if (isIam) ctx.iamLoginBroken(request, `the database refused the login after the token: ${refusal.message}`);
    return refuse(client, refusal);
  }
  if (isIam) ctx.iamLoginCompleted();
  client.write(
    Buffer.concat([
      authenticationOk(),
      parameterStatus('server_version', '17.0 (rds-sim answer mode)'),
      parameterStatus('server_encoding', 'UTF8'),
      parameterStatus('client_encoding', 'UTF8'),
      parameterStatus('DateStyle', 'ISO, MDY'),
      parameterStatus('integer_datetimes', 'on'),
      parameterStatus('standard_conforming_strings', 'on'),
      parameterStatus('TimeZone', 'UTC'),
      parameterStatus('application_name', request.applicationName),
      parameterStatus('is_superuser', 'off'),
      parameterStatus('session_authorization', user),
      backendKeyData(randomInt(1, 2 ** 31 - 1), randomInt(1, 2 ** 31 - 1)),
      readyForQuery(),
    ]),
  );
  ctx.counters.loginCompleted(request.applicationName, isIam);
  await answerQueries(client, reader);
}

async function answerQueries(client: Duplex, reader: PacketReader): Promise<void> {
  for (;;) {
    let message: Buffer;
    try {
      message = await reader.readMessage(MAX_QUERY_MESSAGE_BYTES);
    } catch {
      client.destroy();
      return;
    }
    switch (String.fromCharCode(message[0] ?? 0)) {
      case 'Q': {
        const text = message.toString('utf8', 5, message.length - 1).trim();
        client.write(
          text === ''
            ? Buffer.concat([EMPTY_QUERY_RESPONSE, readyForQuery()])
            : Buffer.concat([rowDescriptionOneInt(), dataRowOne(), commandComplete('SELECT 1'), readyForQuery()]),
        );
        break;
      }
      case 'P':
        client.write(PARSE_COMPLETE);
        break;
      case 'B':
        client.write(BIND_COMPLETE);
        break;
      case 'D':
        client.write(
          message[5] === 0x53 /* 'S' statement */
            ? Buffer.concat([parameterDescriptionNone(), rowDescriptionOneInt()])
            : rowDescriptionOneInt(),
        );
        break;
      case 'E':
        client.write(Buffer.concat([dataRowOne(), commandComplete('SELECT 1')]));
        break;
      case 'C':
        client.write(CLOSE_COMPLETE);
        break;
      case 'S':
        client.write(readyForQuery());
        break;
      case 'H':
        break;
      case 'X':
        endSoon(client);
        return;
      default:
        client.write(
          Buffer.concat([
            errorResponse({
              severity: 'ERROR',
              sqlState: '0A000',
              message: `message type ${String.fromCharCode(message[0] ?? 0)} is not supported in rds-sim answer mode`,
            }),
            readyForQuery(),
          ]),
        );
    }
  }
}
