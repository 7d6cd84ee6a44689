// The e2e suite needs a Chromium. Playwright's own download cannot work offline,
// so it uses Debian's: found at CHROMIUM_PATH (default /usr/bin/chromium), installed
// with apt when running as root, else stop with the exact command. Never skipped.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const isExecutable = () => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

if (!isExecutable()) {
  const command = 'apt-get update && apt-get install -y chromium';
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt && path === '/usr/bin/chromium') {
    console.log(`No Chromium at ${path}: installing Debian's (${command})…`);
    const result = spawnSync('sh', ['-c', command], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0 || !isExecutable()) {
      console.error(`Installing Chromium failed. Run it yourself: ${command}`);
      process.exit(1);
    }
  } else {
    console.error(
      `The end-to-end tests need Chromium and found none at ${path}.\n` +
        `Install Debian's: sudo ${command}\n` +
        'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    );
    process.exit(1);
  }
}
