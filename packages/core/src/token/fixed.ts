import { zeroFailureCounts } from './errors';
import type { TokenCounters, TokenProvider, TokenTarget } from './types';

/** For tests: the same token (or one computed from the target) every time, no AWS. */
export function createFixedTokenProvider(token: string | ((target: TokenTarget) => string)): TokenProvider {
  let signed = 0;
  return {
    get counters(): TokenCounters {
      return { signed, cacheHits: 0, failures: zeroFailureCounts() };
    },
    getToken(target: TokenTarget): Promise<string> {
      signed += 1;
      return Promise.resolve(typeof token === 'string' ? token : token(target));
    },
  };
}
