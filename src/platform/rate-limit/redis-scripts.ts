// Lua run atomically by Redis, so counts stay exact however many app nodes
// race. Time is the Redis server's TIME (milliseconds), one clock for every
// node whatever their own clocks say; Redis >= 5 replicates a script's effects,
// so reading TIME before writing is allowed. Each script mirrors a TypeScript
// function the memory store uses; keep them in step.

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Mirrors slideWindow() in sliding-window.ts.
 * KEYS[1] hash {i: window index, c: count, p: previous count}
 * ARGV limit, window ms. Returns {allowed 0|1, remaining, wait ms}.
 */
export const CONSUME_SCRIPT = `${NOW_MS}
local limit = tonumber(ARGV[1])
local size = tonumber(ARGV[2])
local index = math.floor(now / size)
local elapsed = now - index * size
local stored = redis.call('HMGET', KEYS[1], 'i', 'c', 'p')
local si = tonumber(stored[1])
local count, previous = 0, 0
if si ~= nil then
  if si == index - 1 then
    previous = tonumber(stored[2]) or 0
  elseif si >= index then
    count = tonumber(stored[2]) or 0
    previous = tonumber(stored[3]) or 0
    index = si
  end
end
if limit > 0 and previous * (size - elapsed) + (count + 1) * size <= limit * size then
  count = count + 1
  redis.call('HSET', KEYS[1], 'i', string.format('%d', index), 'c', count, 'p', previous)
  redis.call('PEXPIRE', KEYS[1], 2 * size - elapsed)
  local remaining = math.floor((limit * size - count * size - previous * (size - elapsed)) / size)
  return {1, remaining, 0}
end
local wait
if limit <= 0 then
  wait = size - elapsed
elseif count < limit then
  wait = size - math.floor((limit - 1 - count) * size / previous) - elapsed
else
  wait = size - elapsed + (size - math.floor((limit - 1) * size / count))
end
return {0, 0, wait}`;

// Counts one failure on KEYS[1] (hash {n: failures, u: blocked until (ms)})
// and sets the block it earns in the local blocked_until. ARGV free
// attempts, base block ms, max block ms, forget after ms.
const COUNT_FAILURE = `local free = tonumber(ARGV[1])
local failures = redis.call('HINCRBY', KEYS[1], 'n', 1)
if failures >= free then
  local block = math.min(tonumber(ARGV[2]) * 2 ^ (failures - free), tonumber(ARGV[3]))
  blocked_until = math.max(blocked_until, now + block)
  redis.call('HSET', KEYS[1], 'u', string.format('%d', blocked_until))
end
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[4]), blocked_until - now))`;

/**
 * Mirrors MemoryFailureCounter.recordFailure and blockMs() in failure-backoff.ts.
 * KEYS and ARGV as COUNT_FAILURE. Returns the remaining block in ms (0 = not blocked).
 */
export const RECORD_FAILURE_SCRIPT = `${NOW_MS}
local blocked_until = tonumber(redis.call('HGET', KEYS[1], 'u')) or 0
${COUNT_FAILURE}
return math.max(0, blocked_until - now)`;

/**
 * Mirrors MemoryFailureCounter.reserve: while blocked, returns the remaining
 * block in ms and counts nothing; otherwise counts one failure and returns 0
 * (this attempt may go ahead), all in one atomic step.
 */
export const RESERVE_FAILURE_SCRIPT = `${NOW_MS}
local blocked_until = tonumber(redis.call('HGET', KEYS[1], 'u')) or 0
if blocked_until > now then
  return blocked_until - now
end
${COUNT_FAILURE}
return 0`;

/**
 * Mirrors MemoryFailureCounter.release: one failure fewer; the block goes
 * when the count falls below ARGV[1] (free attempts). Returns 0.
 */
export const RELEASE_FAILURE_SCRIPT = `local n = tonumber(redis.call('HGET', KEYS[1], 'n'))
if n == nil or n <= 0 then
  return 0
end
n = redis.call('HINCRBY', KEYS[1], 'n', -1)
if n < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'u', '0')
end
return 0`;

/** KEYS[1] as above. Returns the remaining block in ms (0 = not blocked). */
export const CHECK_FAILURES_SCRIPT = `${NOW_MS}
local blocked_until = tonumber(redis.call('HGET', KEYS[1], 'u')) or 0
return math.max(0, blocked_until - now)`;

/**
 * Mirrors MemoryRateLimiter.cooldown. KEYS[1] the cooldown's key; ARGV its
 * length in ms. Returns 0 when allowed (the cooldown starts now), else the ms left.
 */
export const COOLDOWN_SCRIPT = `if redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then
  return 0
end
return math.max(1, redis.call('PTTL', KEYS[1]))`;
