import { InvalidArgumentError } from 'commander';

/** A port to connect to (1-65535). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new InvalidArgumentError('expected a TCP port (1-65535)');
  return port;
}

/** A port to listen on, where 0 asks the kernel for any free one. */
export function parseListenPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('expected a TCP port (0-65535; 0 = any free port)');
  return port;
}
