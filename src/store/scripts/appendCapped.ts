// appendCapped-2: append to an audit stream unless it already holds `cap` entries; then count the entry
// as dropped instead. The oldest entries (who started, who approved) are the ones worth keeping; a flood
// of refusals is what gets cut. MAXLEN ~ is a second, hard bound.
// KEYS: 1 stream, 2 hash holding the dropped count. ARGV: 1 cap, 2 counter field, 3.. field/value pairs.
// Returns 1 when appended, 0 when dropped.
export const APPEND_CAPPED = `
local cap = tonumber(ARGV[1])
if redis.call('XLEN', KEYS[1]) >= cap then
  redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
  return 0
end
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', cap * 2, '*', unpack(fields))
return 1
`;
