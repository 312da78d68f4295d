// createMigration-4: take the environment lock and write the new record atomically.
// KEYS: 1 env lock, 2 sequence counter, 3 active set, 4 env history
// ARGV: 1 id prefix (env-YYYYMMDD-), 2 record JSON with __HIKKOSHI_ID__ placeholders, 3 createdAt ms,
//       4 first audit entry JSON (placeholders too), 5 history retention cutoff ms, 6 events channel name,
//       7 key prefix of migration records (the id is only known here, so the record keys are built here;
//       this is why hikkoshi needs a single Redis node or Sentinel, not Redis Cluster)
// Returns {1, id} on success or {0, holding migration id} when the environment is locked.
export const CREATE_MIGRATION = `
local holder = redis.call('GET', KEYS[1])
if holder then return {0, holder} end
local n = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], 172800000)
local id = ARGV[1] .. n
local json = string.gsub(ARGV[2], '__HIKKOSHI_ID__', id)
local audit = string.gsub(ARGV[4], '__HIKKOSHI_ID__', id)
redis.call('SET', KEYS[1], id)
local rec = ARGV[7] .. id
redis.call('HSET', rec, 'json', json, 'version', 1)
redis.call('SADD', KEYS[3], id)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[3], id)
local e = cjson.decode(audit)
redis.call('XADD', rec .. ':audit', '*', 'at', e.at, 'actor', e.actor, 'action', e.action, 'outcome', e.outcome, 'detail', e.detail)
redis.call('PUBLISH', ARGV[6], cjson.encode({migrationId = id, version = 1, kind = 'changed'}))
return {1, id}
`;
