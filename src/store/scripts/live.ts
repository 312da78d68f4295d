// The live store's atomic steps, one script each (lease, claim of the message reference, refusal count).

// acquireLease-1: take a lease nobody holds, or extend one the caller holds; never take someone else's.
// KEYS: 1 lease key. ARGV: 1 owner id, 2 ttl ms. Returns {holder, remaining ttl ms}.
export const ACQUIRE_LEASE = `
local cur = redis.call('GET', KEYS[1])
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {ARGV[1], tonumber(ARGV[2])}
end
return {cur, redis.call('PTTL', KEYS[1])}
`;

// releaseLease-1: delete the lease only if the caller holds it. KEYS: 1 lease key. ARGV: 1 owner id.
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// claimRef-1: record the live message only if the migration exists and has none yet; return the recorded.
// KEYS: 1 record hash. ARGV: 1 field, 2 ref JSON.
export const CLAIM_REF = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
return redis.call('HGET', KEYS[1], ARGV[1])
`;

// noteRefusal-1: count a refusal once per audit entry. KEYS: 1 refusals hash. ARGV: 1 key, 2 entry id,
// 3 retention ms. Returns {count, line ts or false}.
export const NOTE_REFUSAL = `
if redis.call('HGET', KEYS[1], ARGV[1] .. '#last') ~= ARGV[2] then
  redis.call('HINCRBY', KEYS[1], ARGV[1] .. '#n', 1)
  redis.call('HSET', KEYS[1], ARGV[1] .. '#last', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {tonumber(redis.call('HGET', KEYS[1], ARGV[1] .. '#n')), redis.call('HGET', KEYS[1], ARGV[1] .. '#ts')}
`;
