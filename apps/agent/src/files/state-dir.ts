import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where the agent keeps what must survive it (mode 0700, files 0600):
 *   credential.json   node id + agent credential (written once, at enrollment)
 *   state.json        stage bookkeeping: original file hash, counts, last result
 *   journal.json      present only while a switch or finalize is in progress
 *   backups/original  the node's file before iamroll first changed it (kept until finalized)
 *   backups/before    the file before the switch in progress (what a failure restores)
 *   backups/next      the file the switch in progress writes
 * The password in those backups never leaves the node: the heartbeat carries none of them.
 */
export class StateDir {
  constructor(readonly root: string) {}

  get credential(): string {
    return join(this.root, 'credential.json');
  }
  get state(): string {
    return join(this.root, 'state.json');
  }
  get journal(): string {
    return join(this.root, 'journal.json');
  }
  get backups(): string {
    return join(this.root, 'backups');
  }
  get original(): string {
    return join(this.backups, 'original');
  }
  get before(): string {
    return join(this.backups, 'before');
  }
  get next(): string {
    return join(this.backups, 'next');
  }

  async ensure(): Promise<void> {
    await mkdir(this.backups, { recursive: true, mode: 0o700 });
    const info = await stat(this.root);
    if ((info.mode & 0o077) !== 0) {
      await chmod(this.root, 0o700);
      await chmod(this.backups, 0o700);
    }
  }
}
