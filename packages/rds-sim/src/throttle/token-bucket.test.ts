import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

const takeMany = (bucket: TokenBucket, count: number, nowMs: number): number =>
  Array.from({ length: count }, () => bucket.tryTake(nowMs)).filter(Boolean).length;

describe('TokenBucket', () => {
  it('admits one second of burst at once, then nothing more at the same instant', () => {
    const bucket = new TokenBucket(5, 0);
    expect(takeMany(bucket, 20, 0)).toBe(5);
  });

  it('refills at the rate: 200 ms at 5/s is one more login', () => {
    const bucket = new TokenBucket(5, 0);
    takeMany(bucket, 5, 0);
    expect(takeMany(bucket, 3, 200)).toBe(1);
  });

  it('never holds more than one second of tokens after a long idle time', () => {
    const bucket = new TokenBucket(200, 0);
    expect(takeMany(bucket, 1000, 3_600_000)).toBe(200);
  });

  it('sustains exactly the rate over ten seconds of steady demand', () => {
    const bucket = new TokenBucket(50, 0);
    takeMany(bucket, 50, 0);
    let admitted = 0;
    for (let ms = 10; ms <= 10_000; ms += 10) admitted += takeMany(bucket, 5, ms);
    expect(admitted).toBe(500);
  });

  it('applies a lowered rate at once', () => {
    const bucket = new TokenBucket(200, 0);
    bucket.setRatePerSecond(3, 0);
    expect(takeMany(bucket, 10, 0)).toBe(3);
    expect(bucket.ratePerSecond).toBe(3);
  });

  it('throttles everything at rate 0', () => {
    const bucket = new TokenBucket(0, 0);
    expect(takeMany(bucket, 10, 60_000)).toBe(0);
  });

  it('does not refill when the clock goes backwards', () => {
    const bucket = new TokenBucket(5, 10_000);
    takeMany(bucket, 5, 10_000);
    expect(takeMany(bucket, 5, 0)).toBe(0);
  });

  it('refuses a negative or non-finite rate', () => {
    expect(() => new TokenBucket(-1, 0)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN, 0)).toThrow(RangeError);
  });
});
