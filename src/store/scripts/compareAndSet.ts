// compareAndSet-5: commit a transition only if the record is still at the version it was computed from.
// KEYS: 1 record hash, 2 audit stream, 3 env lock, 4 active set, 5 (reserved: data hash, for retention)
// ARGV: 1 expected version, 2 new JSON, 3 new version, 4 terminal (1/0), 5 migration id,
//       6 retention ms (applied when terminal), 7 events channel, 8 progress key, 9.. audit entries (JSON)
// Returns {1, newVersion} on commit, {0, currentVersion} on a version conflict, {-1, 0} if missing.
export const COMPARE_AND_SET = `
local cur = redis.call('HGET', KEYS[1], 'version')
if not cur then return {-1, 0} end
if tonumber(cur) ~= tonumber(ARGV[1]) then return {0, tonumber(cur)} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', ARGV[3])
for i = 9, #ARGV do
  local e = cjson.decode(ARGV[i])
  redis.call('XADD', KEYS[2], '*', 'at', e.at, 'actor', e.actor, 'action', e.action, 'outcome', e.outcome, 'detail', e.detail)
end
if ARGV[4] == '1' then
  if redis.call('GET', KEYS[3]) == ARGV[5] then redis.call('DEL', KEYS[3]) end
  redis.call('SREM', KEYS[4], ARGV[5])
  local ttl = tonumber(ARGV[6])
  for _, k in ipairs({KEYS[1], KEYS[2], KEYS[5], ARGV[8]}) do redis.call('PEXPIRE', k, ttl) end
end
redis.call('PUBLISH', ARGV[7], cjson.encode({migrationId = ARGV[5], version = tonumber(ARGV[3]), kind = 'changed'}))
return {1, tonumber(ARGV[3])}
`;
