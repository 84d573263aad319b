// Lua runs inside Redis, so the whole batch is one atomic step.
export const COMMIT_SCRIPT = `
-- Applies one batch atomically. KEYS: applied, outbox, projection-due, review, history, then
-- (customer, seen, company's customers) per customer. ARGV: hasSource, expectedOffset, newOffset,
-- customerCount, outboxCount, then 7 per customer (expectedVersion, newVersion,
-- state, reviewScore, member, seenIdsJson, eventsJson), then 4 per outbox message
-- (topic, key, value, headersJson).
local hasSource = ARGV[1] == '1'
if hasSource then
  local current = redis.call('GET', KEYS[1]) or ''
  if current ~= ARGV[2] then return {'offset', current} end
end
local customers = tonumber(ARGV[4])
local messages = tonumber(ARGV[5])
for i = 1, customers do
  local base = 5 + (i - 1) * 7
  local current = redis.call('HGET', KEYS[5 + 3 * i - 2], 'v') or '0'
  if current ~= ARGV[base + 1] then return {'version', ARGV[base + 5]} end
end
for i = 1, customers do
  local base = 5 + (i - 1) * 7
  local customerKey = KEYS[5 + 3 * i - 2]
  local seenKey = KEYS[5 + 3 * i - 1]
  redis.call('SADD', KEYS[5 + 3 * i], ARGV[base + 5])
  redis.call('HSET', customerKey, 'v', ARGV[base + 2], 's', ARGV[base + 3])
  for _, eventId in ipairs(cjson.decode(ARGV[base + 6])) do
    redis.call('HSET', seenKey, eventId, '1')
  end
  if ARGV[base + 4] == '' then
    redis.call('ZREM', KEYS[4], ARGV[base + 5])
  else
    redis.call('ZADD', KEYS[4], ARGV[base + 4], ARGV[base + 5])
  end
  -- Due, not queued: a customer changed by many batches is projected once.
  redis.call('HSET', KEYS[3], ARGV[base + 5], ARGV[base + 2])
  if ARGV[base + 7] ~= '[]' then redis.call('XADD', KEYS[5], '*', 'e', ARGV[base + 7]) end
end
local first = 5 + customers * 7
for j = 1, messages do
  local base = first + (j - 1) * 4
  redis.call('XADD', KEYS[2], '*', 't', ARGV[base + 1], 'k', ARGV[base + 2], 'v', ARGV[base + 3], 'h', ARGV[base + 4])
end
if hasSource then redis.call('SET', KEYS[1], ARGV[3]) end
return {'ok'}
`;
