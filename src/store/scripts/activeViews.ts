// activeViews-1: every active migration's record fields and progress in one round trip: the answer to
// `/migrate status`, which is sent in the ack, so it may wait on one Redis read and no more.
// KEYS: 1 active set. ARGV: 1 record key prefix, 2 progress key suffix, 3.. record fields to read.
// Returns {{id, field values..., {progress field, value, ...}}, ...}; ids whose record expired are left out.
// The record keys are built from the prefix (like createMigration), so this is a single-node script.
export const ACTIVE_VIEWS = `
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local rec = ARGV[1] .. id
  local values = redis.call('HMGET', rec, unpack(fields))
  if values[1] then
    local row = {id}
    for i = 1, #fields do row[#row + 1] = values[i] end
    row[#row + 1] = redis.call('HGETALL', rec .. ARGV[2])
    out[#out + 1] = row
  end
end
return out
`;
