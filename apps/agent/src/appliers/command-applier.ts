import { spawn } from 'node:child_process';
import { redactSecrets } from '@iamroll/core/token';
import type { Applier } from './applier';

export interface CommandApplierOptions {
  /** Default `kong restart -c <conf>` (see README: when `kong reload` is enough). */
  readonly restartCommand: string;
  /** Exit 0 = healthy (e.g. `kong health`, `curl -fsS http://127.0.0.1:8001/status`); unset: no command. */
  readonly healthCommand?: string;
  readonly restartTimeoutMs?: number;
  /** The health command is retried until it passes or this long has gone by (Kong takes seconds to start). */
  readonly healthTimeoutMs?: number;
  readonly healthRetryMs?: number;
}

const OUTPUT_KEPT_CHARS = 300;

/** Runs a shell command; rejects with its exit status and the end of its output (secrets redacted). */
export function runCommand(command: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT_CHARS * 4);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`\`${command}\` could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const tail = redactSecrets(output.trim()).slice(-OUTPUT_KEPT_CHARS);
      const status = signal
        ? `was killed (${signal}${signal === 'SIGKILL' ? `, over ${timeoutMs} ms` : ''})`
        : `exited ${code}`;
      reject(new Error(`\`${command}\` ${status}${tail ? `: ${tail}` : ''}`));
    });
  });
}

/** A real node: Kong restarted and checked by commands. */
export function createCommandApplier(options: CommandApplierOptions): Applier {
  const restartTimeoutMs = options.restartTimeoutMs ?? 120_000;
  const healthTimeoutMs = options.healthTimeoutMs ?? 60_000;
  const healthRetryMs = options.healthRetryMs ?? 1_000;
  return {
    restart: () => runCommand(options.restartCommand, restartTimeoutMs),
    async checkHealth() {
      const command = options.healthCommand;
      if (!command) return;
      const deadline = Date.now() + healthTimeoutMs;
      for (;;) {
        try {
          return await runCommand(command, Math.max(1_000, Math.min(30_000, deadline - Date.now())));
        } catch (error) {
          if (Date.now() + healthRetryMs > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, healthRetryMs));
        }
      }
    },
  };
}
