import { describe, expect, it } from 'vitest';
import { MAX_SWITCH_WAIT_MS, switchWaitMs } from './switch-at';

const at = (ms: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, 0) + ms).toISOString();

describe('switchWaitMs: when a planned switch begins, on the controller’s clock', () => {
  it.each<[string, string | undefined, string, number]>([
    ['no switchAt: at once', undefined, at(400), 0],
    ['ahead: until then', at(1000), at(640), 360],
    ['exactly now: at once', at(1000), at(1000), 0],
    ['heard a little late: at once', at(1000), at(1150), 0],
    ['heard too late: at the next whole second', at(1000), at(1450), 550],
    ['far ahead: capped', at(60_000), at(0), MAX_SWITCH_WAIT_MS],
    ['unreadable: at once', 'not a time', at(0), 0],
  ])('%s', (_name, switchAt, serverTime, expected) => {
    expect(switchWaitMs({ ...(switchAt === undefined ? {} : { switchAt }), serverTime })).toBe(expected);
  });
});
