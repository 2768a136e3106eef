/**
 * The balancer registry: every `balance` algorithm, one row each. Adding an algorithm is adding
 * a row; Backend looks the factory up here and never knows which algorithm it runs.
 */
import { createRandom } from './chash.js';
import { createFas } from './fas.js';
import { createFwlc } from './fwlc.js';
import { createFwrr } from './fwrr.js';
import { createHash } from './keys.js';
import { createStaticRr } from './map.js';
import type { BalanceAlgo, BalancerFactory } from './types.js';

export const BALANCERS: Readonly<Record<BalanceAlgo, BalancerFactory>> = {
  roundrobin: createFwrr, // fast weighted round robin, dynamic weights
  'static-rr': createStaticRr, // weighted map walked in order, static weights
  leastconn: createFwlc, // fewest (inflight+1)/weight, round robin among equals
  first: createFas, // lowest id with a free slot
  source: createHash, // client IP hash, map-based or consistent
  uri: createHash, // request target hash
  url_param: createHash, // query parameter hash, round robin without it
  hdr: createHash, // header value hash, round robin without it
  random: createRandom, // power of N random draws on the consistent-hash ring
};

export type { BalanceAlgo, BalanceSpec, Balancer, BalancerFactory, ByteSlice, HashType, PickContext } from './types.js';
export { balanceSpec, DEFAULT_HASH_TYPE, hashType } from './types.js';
export { addrBytes } from './addr.js';
