import { readFile } from 'node:fs/promises';
import { describeFindings, scanForSecrets } from './tests/log-scan';

/**
 * After every spec, before Playwright stops the controller (its webServer, which deletes the data
 * directory on exit): the secrets scan over the controller's log of the whole run. A hit fails
 * the run, naming the file and line.
 */
export default async function scanControllerLog(): Promise<void> {
  const logFile = process.env.E2E_CONTROLLER_LOG;
  if (!logFile) throw new Error('E2E_CONTROLLER_LOG is not set: playwright.config.ts sets it');
  const text = await readFile(logFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      `the controller's log ${logFile} is not there to scan for secrets (${error.code ?? error.message})`,
    );
  });
  const findings = scanForSecrets(
    [{ name: logFile, text }],
    [
      { what: 'admin password', value: process.env.E2E_ADMIN_PASSWORD ?? '' },
      { what: 'enrollment token', value: process.env.E2E_ENROLLMENT_TOKEN ?? '' },
    ],
  );
  const lines = text.split('\n').length;
  if (findings.length > 0)
    throw new Error(`secrets in the controller's log of this e2e run:\n${describeFindings(findings)}`);
  console.log(`secrets scan: ${lines} lines of ${logFile}, none found`);
}
