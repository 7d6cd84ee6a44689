import type { Command } from 'commander';
import type { TokenProvider } from '@iamroll/core/token';
import type { CliIo } from '../io';
import { addTokenOptions, defaultTokenProvider, tokenCliError, tokenTarget, type TokenFlags } from '../token-options';

export function register(
  program: Command,
  io: CliIo,
  tokenProvider: () => TokenProvider | Promise<TokenProvider> = defaultTokenProvider,
): void {
  addTokenOptions(program.command('token'))
    .description(
      'Print an RDS IAM authentication token (the PostgreSQL password) for one user, signed like Kong Gateway signs it. ' +
        'Credentials come from the AWS default chain (environment, AWS_PROFILE, web identity, ECS, EC2). ' +
        'The token is valid for 15 minutes and is a secret: only the token is printed, on one line.',
    )
    .action(async (flags: TokenFlags) => {
      const target = tokenTarget(flags);
      const token = await (await tokenProvider()).getToken(target).catch((error: unknown) => {
        throw tokenCliError(error);
      });
      io.stdout(`${token}\n`);
    });
}
