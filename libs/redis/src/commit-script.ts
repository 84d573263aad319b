// Lua runs inside Redis, so the whole batch is one atomic step.
export const COMMIT_SCRIPT = `
-- Applies one batch atomically. Every key is of one input partition (one slot of a Redis Cluster).
-- KEYS: applied, outbox, projection-due, review, history, then (customer, applied eventIds of the batch's
-- topic, the partition's customers of the company, document holds, the company's parameters the partition
-- was last reviewed for) per customer. ARGV: hasSource, expectedOffset, newOffset, customerCount, outboxCount, then 13 per customer
-- (expectedVersion, newVersion, header: the record without its documents, reviewScore, member, appliedJson: [occurredAtMs, eventId, ...],
-- eventsJson: [position, ...] of the customer's messages among the outbox messages below, holdStepsJson: [field, steps, ...], assessedWith: the company parameters as stored when the
-- record was assessed, forgetBefore: the eventIds that occurred before it are forgotten, '' for none,
-- wholeDocuments: '1' when the fields below replace every stored one, documentsSetJson: [field, value, ...] of
-- the documents changed, documentsDelJson: [field, ...] of those archived), then 4 per outbox message (topic, key, value, headersJson).
local hasSource = ARGV[1] == '1'
if hasSource then
  local current = redis.call('GET', KEYS[1]) or ''
  if current ~= ARGV[2] then return {'offset', current} end
end
local customers = tonumber(ARGV[4])
local messages = tonumber(ARGV[5])
local first = 5 + customers * 13
for i = 1, customers do
  local base = 5 + (i - 1) * 13
  local current = redis.call('HGET', KEYS[5 + 5 * i - 4], 'v') or '0'
  if current ~= ARGV[base + 1] then return {'version', ARGV[base + 5]} end
end
for i = 1, customers do
  local base = 5 + (i - 1) * 13
  local customerKey = KEYS[5 + 5 * i - 4]
  local seenKey = KEYS[5 + 5 * i - 3]
  redis.call('SADD', KEYS[5 + 5 * i - 2], ARGV[base + 5])
  -- One field per live document (record-layout.ts): only what the batch changed or archived.
  if ARGV[base + 11] == '1' then redis.call('DEL', customerKey) end
  redis.call('HSET', customerKey, 'v', ARGV[base + 2], 's', ARGV[base + 3])
  if ARGV[base + 12] ~= '[]' then
    local set = cjson.decode(ARGV[base + 12])
    for j = 1, #set, 2 do redis.call('HSET', customerKey, set[j], set[j + 1]) end
  end
  if ARGV[base + 13] ~= '[]' then
    for _, field in ipairs(cjson.decode(ARGV[base + 13])) do redis.call('HDEL', customerKey, field) end
  end
  -- The memory of applied eventIds is bounded by the window (spec 4.1): older re-sends are ignored by the fold.
  -- Forgotten before adding (the batch leaves out its own eventIds past the window), so the set never
  -- holds more than the window: past 128 members Redis would turn it into a skiplist, for good.
  if ARGV[base + 10] ~= '' then redis.call('ZREMRANGEBYSCORE', seenKey, '-inf', '(' .. ARGV[base + 10]) end
  local applied = cjson.decode(ARGV[base + 6])
  for j = 1, #applied, 2 do
    redis.call('ZADD', seenKey, applied[j], applied[j + 1])
  end
  -- Day 0 is a review forced by a change of the company's parameters (CompanyParametersStore). A record
  -- assessed with other parameters than those stored now (a fold that read them before the change, or from
  -- a cache) must not replace it, or the customer would keep the old parameters' figures until its next event.
  local forced = redis.call('ZSCORE', KEYS[4], ARGV[base + 5])
  local stale = forced ~= false and tonumber(forced) == 0
    and (redis.call('GET', KEYS[5 + 5 * i]) or '') ~= ARGV[base + 9]
  if stale then
    -- keep the forced review
  elseif ARGV[base + 4] == '' then
    redis.call('ZREM', KEYS[4], ARGV[base + 5])
  else
    redis.call('ZADD', KEYS[4], ARGV[base + 4], ARGV[base + 5])
  end
  -- Due, not queued: a customer changed by many batches is projected once.
  redis.call('HSET', KEYS[3], ARGV[base + 5], ARGV[base + 2])
  -- The history entry holds the customer's messages, sent once as outbox messages: they are named by position.
  if ARGV[base + 7] ~= '[]' then
    local events = {}
    for j, position in ipairs(cjson.decode(ARGV[base + 7])) do events[j] = ARGV[first + (position - 1) * 4 + 3] end
    redis.call('XADD', KEYS[5], '*', 'e', '[' .. table.concat(events, ',') .. ']')
  end
  -- A hold created here: the document's steps only grow (an API decision may already be past it).
  if ARGV[base + 8] ~= '[]' then
    local holdsKey = KEYS[5 + 5 * i - 1]
    local steps = cjson.decode(ARGV[base + 8])
    for j = 1, #steps, 2 do
      local current = tonumber(redis.call('HGET', holdsKey, steps[j]) or '0')
      if steps[j + 1] > current then redis.call('HSET', holdsKey, steps[j], steps[j + 1]) end
    end
  end
end
for j = 1, messages do
  local base = first + (j - 1) * 4
  redis.call('XADD', KEYS[2], '*', 't', ARGV[base + 1], 'k', ARGV[base + 2], 'v', ARGV[base + 3], 'h', ARGV[base + 4])
end
if hasSource then redis.call('SET', KEYS[1], ARGV[3]) end
return {'ok'}
`;
