import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentCredentialCache } from './agent-credential-cache';
import type { AgentCredentialRow } from './credentials-repository';

const row = (id: string): AgentCredentialRow => ({
  credentialId: id,
  nodeId: `node-${id}`,
  hostname: `kong-${id}`,
  lastUsedAt: new Date(0),
});

function fakeSource(valid: Set<string>) {
  const calls = { one: 0, many: [] as string[][], touched: [] as string[][] };
  return {
    calls,
    findAgentCredential: (hash: string) => {
      calls.one += 1;
      return Promise.resolve(valid.has(hash) ? row(hash) : null);
    },
    findAgentCredentials: (hashes: readonly string[]) => {
      calls.many.push([...hashes]);
      return Promise.resolve(
        hashes.filter((hash) => valid.has(hash)).map((hash) => ({ ...row(hash), tokenHash: hash })),
      );
    },
    touchAgentCredentials: (ids: readonly string[]) => {
      calls.touched.push([...ids]);
      return Promise.resolve();
    },
  };
}

describe('AgentCredentialCache', () => {
  let nowMs = 1_000_000;
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers from memory, rechecking stale credentials together in one query', async () => {
    const valid = new Set(['a', 'b']);
    const source = fakeSource(valid);
    const cache = new AgentCredentialCache(source, () => nowMs, 5_000);
    await cache.find('a');
    await cache.find('b');
    nowMs += 1_000;
    expect((await cache.find('a'))?.nodeId).toBe('node-a');
    expect(source.calls.one).toBe(2);

    nowMs += 5_000; // stale: still answered, rechecked in the background
    expect(await cache.find('a')).not.toBeNull();
    expect(await cache.find('b')).not.toBeNull();
    await vi.advanceTimersByTimeAsync(200);
    expect(source.calls.many).toEqual([['a', 'b']]);
    expect(source.calls.one).toBe(2);
  });

  it('refuses a revoked credential once its recheck has run', async () => {
    const valid = new Set(['a']);
    const source = fakeSource(valid);
    const cache = new AgentCredentialCache(source, () => nowMs, 5_000);
    await cache.find('a');
    valid.delete('a');
    nowMs += 5_000;
    await cache.find('a'); // stale answer while the recheck is due
    await vi.advanceTimersByTimeAsync(200);
    expect(await cache.find('a')).toBeNull();
  });

  it('looks a credential up again when rechecks have not answered for twice the TTL', async () => {
    const source = fakeSource(new Set(['a']));
    const cache = new AgentCredentialCache(source, () => nowMs, 5_000);
    await cache.find('a');
    nowMs += 10_000;
    await cache.find('a');
    expect(source.calls.one).toBe(2);
  });

  it('writes lastUsedAt in batches, at most once a minute per credential', async () => {
    const source = fakeSource(new Set(['a', 'b']));
    const cache = new AgentCredentialCache(source, () => nowMs, 5_000);
    await cache.find('a');
    await cache.find('b');
    await cache.find('a');
    await vi.advanceTimersByTimeAsync(1_100);
    expect(source.calls.touched).toEqual([['a', 'b']]);
    nowMs += 4_000;
    await cache.find('a');
    await vi.advanceTimersByTimeAsync(1_100);
    expect(source.calls.touched).toHaveLength(1);
  });

  it('keeps the credential of an agent that heartbeats every 10 s fresh, so it never waits for a lookup', async () => {
    const valid = new Set(['idle', 'busy']);
    const source = fakeSource(valid);
    const cache = new AgentCredentialCache(source, () => nowMs, 5_000);
    await cache.find('idle');
    await cache.find('busy');
    for (let second = 1; second <= 30; second++) {
      nowMs += 1_000;
      await cache.find('busy'); // another agent's heartbeats drive the sweeps
      if (second % 10 === 0) expect(await cache.find('idle')).not.toBeNull();
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(source.calls.one).toBe(2); // only the first lookups
    expect(source.calls.many.flat()).toContain('idle');

    valid.delete('idle'); // revoked: refused within about a TTL even though it is idle
    for (let second = 1; second <= 6; second++) {
      nowMs += 1_000;
      await cache.find('busy');
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(await cache.find('idle')).toBeNull();
  });

  it('refuses a revoked credential at once when told (the database signal), and keeps the node welcome', async () => {
    const valid = new Set(['old', 'new']);
    const source = fakeSource(valid);
    const cache = new AgentCredentialCache(source, () => nowMs);
    expect(await cache.find('old')).not.toBeNull();
    expect(await cache.find('new')).not.toBeNull();
    valid.delete('old');
    expect(await cache.find('old')).not.toBeNull(); // memory still answers: the recheck is a minute away
    cache.forgetCredential('old');
    expect(await cache.find('old')).toBeNull();
    expect(await cache.find('new')).not.toBeNull();
    expect(source.calls.one).toBe(3); // old, new, and old looked up again (refused); new from memory
  });
});
