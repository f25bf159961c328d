/**
 * Lua scripts of the Redis backend. Every state change of a delivery or job is one script, so it is atomic
 * across replicas: the job's status, the per-store status sets, the delivery's status and the sync-log
 * indexes change together or not at all. Keys are built from the prefix (ARGV[1]), so the backend needs one
 * Redis (primary), not Redis Cluster. Numbers that are written back are passed as strings from Node, never
 * formatted by Lua (whose tostring() turns epoch milliseconds into 1.7e+12).
 *
 * The job queue itself is BullMQ (storage/redis/bullmq.ts). A script that creates or re-queues jobs cannot
 * call BullMQ, so it bumps the job's generation and adds `<job id>:<generation>` to the outbox in the same
 * atomic step (a transactional outbox); the replica then adds those to BullMQ and removes them from the
 * outbox, and recovery adds whatever a crashed replica left there. A BullMQ job of an older generation, or
 * of a job that is no longer waiting, is dropped when claimed, so adding twice never sends twice.
 *
 * Layout under <prefix>:
 *   seq:d, seq:j                  delivery and job id counters
 *   store:<id>                    store hash (secrets sealed); paused (set of paused store ids)
 *   d:<id>                        delivery hash; dj:<id> hash job id -> job status
 *   content:<store>               "<topic>|<content hash>" -> first delivery id (duplicate detection)
 *   received                      zset of deliveries stored but not yet mapped
 *   log:<store>, log:<store>:<s>  zsets (score = id) of the sync log, all and by delivery status
 *   planned:<store>               request key -> job id: what was ever planned (exactly-once lifecycle events)
 *   j:<id>                        job hash (gen: its generation in the queue); sj:<store>:<status> sets (all
 *                                 but done); jdone hash store -> count
 *   outbox                        set of "<job id>:<gen>" still to be added to BullMQ
 *   held:<store>                  zset of jobs of a paused store, set aside until it resumes
 *   bull:klaviyo:*                BullMQ's queue (due, delayed and claimed jobs; <bull job id>:lock = claim token)
 *   ev:<store>                    zset of sent events (score = done_at), for events per minute
 *   errc:<store>                  hash error class -> count
 */

const PRELUDE = `
local P = ARGV[1] .. ':'

local function jobStatus(jid, new)
  local jk = P .. 'j:' .. jid
  local old, store, did = unpack(redis.call('HMGET', jk, 'status', 'store_id', 'delivery_id'))
  if old == new then return old end
  if old == 'done' then redis.call('HINCRBY', P .. 'jdone', store, -1)
  elseif old then redis.call('SREM', P .. 'sj:' .. store .. ':' .. old, jid) end
  if new == 'done' then redis.call('HINCRBY', P .. 'jdone', store, 1)
  else redis.call('SADD', P .. 'sj:' .. store .. ':' .. new, jid) end
  redis.call('HSET', jk, 'status', new)
  redis.call('HSET', P .. 'dj:' .. did, jid, new)
  return old
end

local function setDStatus(did, new)
  local dk = P .. 'd:' .. did
  local old, store = unpack(redis.call('HMGET', dk, 'status', 'store_id'))
  if old == new then return end
  if old then redis.call('ZREM', P .. 'log:' .. store .. ':' .. old, did) end
  redis.call('ZADD', P .. 'log:' .. store .. ':' .. new, did, did)
  redis.call('HSET', dk, 'status', new)
end

local function refreshDelivery(did)
  local dk = P .. 'd:' .. did
  local state, store = unpack(redis.call('HMGET', dk, 'state', 'store_id'))
  if state ~= 'processed' then return end
  local vals = redis.call('HVALS', P .. 'dj:' .. did)
  if #vals == 0 then return end
  local c = {}
  for _, s in ipairs(vals) do c[s] = (c[s] or 0) + 1 end
  local waiting = (c['pending'] or 0) + (c['retrying'] or 0) + (c['in_flight'] or 0)
  local paused = redis.call('SISMEMBER', P .. 'paused', store) == 1
  local st
  if c['dead'] then st = 'dead'
  elseif waiting > 0 and paused then st = 'paused'
  elseif c['retrying'] then st = 'retrying'
  elseif waiting > 0 then st = 'pending'
  else st = 'succeeded' end
  setDStatus(did, st)
end

-- Outbox entries this script added: returned to the replica, which adds them to BullMQ at once.
local queued = {}

-- (Re-)queues a job at a new generation through the outbox; BullMQ jobs of older generations become stale.
local function queueJob(jid)
  local store = redis.call('HGET', P .. 'j:' .. jid, 'store_id')
  redis.call('ZREM', P .. 'held:' .. store, jid)
  local entry = jid .. ':' .. redis.call('HINCRBY', P .. 'j:' .. jid, 'gen', 1)
  redis.call('SADD', P .. 'outbox', entry)
  queued[#queued + 1] = entry
end

local function isPaused(store)
  return redis.call('SISMEMBER', P .. 'paused', store) == 1
end

-- Sets a job of a paused store aside until the store resumes.
local function hold(jid, store, at)
  redis.call('ZADD', P .. 'held:' .. store, at, jid)
end

local function opt(key, field, v)
  if v == nil or v == cjson.null or v == '' then redis.call('HDEL', key, field)
  else redis.call('HSET', key, field, v) end
end
`;

/** ARGV: prefix, store, topic, content hash, headers, body, now. Returns {id, duplicate 0|1}. */
const recordDelivery = `
local store, topic = ARGV[2], ARGV[3]
local ck = P .. 'content:' .. store
local field = topic .. '|' .. ARGV[4]
local orig = redis.call('HGET', ck, field)
local id = tostring(redis.call('INCR', P .. 'seq:d'))
local dk = P .. 'd:' .. id
redis.call('HSET', dk, 'store_id', store, 'received_at', ARGV[7], 'topic', topic, 'content_hash', ARGV[4], 'headers', ARGV[5], 'body', ARGV[6])
redis.call('ZADD', P .. 'log:' .. store, id, id)
if orig then
  redis.call('HSET', dk, 'state', 'duplicate', 'note', 'Same content as delivery ' .. orig .. '; nothing new to send.')
  setDStatus(id, 'duplicate')
  return {id, 1}
end
redis.call('HSET', ck, field, id)
redis.call('HSET', dk, 'state', 'received')
setDStatus(id, 'pending')
redis.call('ZADD', P .. 'received', id, id)
return {id, 0}
`;

/** ARGV: prefix, store, topic ('' = none), headers, body, code, message, now. Returns the id. */
const recordRejection = `
local store = ARGV[2]
local id = tostring(redis.call('INCR', P .. 'seq:d'))
local dk = P .. 'd:' .. id
redis.call('HSET', dk, 'store_id', store, 'received_at', ARGV[8], 'headers', ARGV[4], 'body', ARGV[5], 'state', 'rejected',
  'error_class', ARGV[6], 'error_message', ARGV[7])
opt(dk, 'topic', ARGV[3])
redis.call('ZADD', P .. 'log:' .. store, id, id)
setDStatus(id, 'rejected')
redis.call('HINCRBY', P .. 'errc:' .. store, 'ingress', 1)
return id
`;

/** ARGV: prefix, delivery id, now, outcome JSON. Returns {number of jobs created, outbox entries}. */
const completeProcessing = `
local did, now = ARGV[2], ARGV[3]
local o = cjson.decode(ARGV[4])
local dk = P .. 'd:' .. did
local state, store = unpack(redis.call('HMGET', dk, 'state', 'store_id'))
if state ~= 'received' then return {0, queued} end
redis.call('ZREM', P .. 'received', did)
redis.call('HSET', dk, 'state', 'processed')
opt(dk, 'resource', o.resource)
opt(dk, 'resource_id', o.resourceId)
opt(dk, 'order_number', o.orderNumber)
opt(dk, 'email', o.email)
if not o.ok then
  redis.call('HSET', dk, 'error_class', 'mapping', 'error_message', o.error)
  setDStatus(did, 'dead')
  redis.call('HINCRBY', P .. 'errc:' .. store, 'mapping', 1)
  redis.call('HSET', P .. 'store:' .. store, 'last_error_at', now, 'last_error_class', 'mapping', 'last_error_message', o.error, 'last_error_delivery', did)
  return {0, queued}
end
local jobs = 0
local pk = P .. 'planned:' .. store
for _, r in ipairs(o.requests) do
  if redis.call('HSETNX', pk, r.key, '') == 1 then
    local jid = tostring(redis.call('INCR', P .. 'seq:j'))
    redis.call('HSET', pk, r.key, jid)
    local jk = P .. 'j:' .. jid
    redis.call('HSET', jk, 'delivery_id', did, 'store_id', store, 'kind', r.kind, 'key', r.key, 'body', r.body,
      'attempts', '0', 'next_at', now, 'priority', '0', 'phone_dropped', '0')
    opt(jk, 'metric', r.metric)
    jobStatus(jid, 'pending')
    queueJob(jid)
    jobs = jobs + 1
  end
end
local note = o.note
if note == cjson.null then note = nil end
if jobs == 0 and note == nil and #o.requests > 0 then note = 'Everything this delivery implies was already sent or queued.' end
opt(dk, 'note', note)
if jobs == 0 then setDStatus(did, 'skipped') else setDStatus(did, 'pending'); refreshDelivery(did) end
return {jobs, queued}
`;

/**
 * Takes a job BullMQ handed out. ARGV: prefix, job id, generation, BullMQ lock key, claim token. Returns
 * {'send', job fields and values} when the job is ours to send (marked in_flight); {'held'} when its store is
 * paused (set aside until it resumes); {'stale'} when the record is not waiting at that generation any more
 * (already done or dead, replayed since, or an outbox entry added twice); {'lost'} when the claim's lock is
 * gone. An in_flight record is taken too: BullMQ hands a job out again only after its holder's lock lapsed.
 */
const claimJob = `
local jid, gen = ARGV[2], ARGV[3]
if redis.call('GET', ARGV[4]) ~= ARGV[5] then return {'lost'} end
local jk = P .. 'j:' .. jid
local st, store, g, nx, did = unpack(redis.call('HMGET', jk, 'status', 'store_id', 'gen', 'next_at', 'delivery_id'))
if not st or g ~= gen or (st ~= 'pending' and st ~= 'retrying' and st ~= 'in_flight') then return {'stale'} end
if isPaused(store) then
  if st == 'in_flight' then jobStatus(jid, 'pending'); refreshDelivery(did) end
  hold(jid, store, nx)
  return {'held'}
end
jobStatus(jid, 'in_flight')
local row = redis.call('HGETALL', jk)
row[#row + 1] = 'id'
row[#row + 1] = jid
return {'send', row}
`;

/**
 * A send's outcome. ARGV: prefix, job id, BullMQ lock key, claim token, action (done|retry|dead|held), now,
 * response status, error class, error message, error detail, next_at, attempts to add, events cutoff.
 * A failure is recorded only under the claim's lock: a replica whose lock lapsed (the job went back to the
 * queue or to another replica) changes nothing, and repeating a call after a lost reply changes nothing.
 * "done" is recorded from anyone: the request was accepted, so the job must not be sent again.
 * Returns what to do with the BullMQ job: {'complete'}, {'delay', until} (a retry) or {'none'} (not ours).
 */
const finishJob = `
local jid, lockKey, token, action, now = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local jk = P .. 'j:' .. jid
local st, store, did, kind = unpack(redis.call('HMGET', jk, 'status', 'store_id', 'delivery_id', 'kind'))
if not st or st == 'done' then return {'complete'} end
if action ~= 'done' and redis.call('GET', lockKey) ~= token then return {'none'} end
local sk = P .. 'store:' .. store
local res = {'complete'}
if action == 'done' then
  redis.call('ZREM', P .. 'held:' .. store, jid)
  redis.call('HINCRBY', jk, 'attempts', 1)
  redis.call('HSET', jk, 'response_status', ARGV[7], 'done_at', now)
  redis.call('HDEL', jk, 'error_class', 'error_message', 'error_detail')
  jobStatus(jid, 'done')
  redis.call('HSET', sk, 'last_success_at', now)
  if kind == 'event' then
    redis.call('ZADD', P .. 'ev:' .. store, now, jid)
    redis.call('ZREMRANGEBYSCORE', P .. 'ev:' .. store, '-inf', ARGV[13])
  end
else
  opt(jk, 'response_status', ARGV[7])
  redis.call('HSET', jk, 'error_class', ARGV[8], 'error_message', ARGV[9])
  opt(jk, 'error_detail', ARGV[10])
  if action == 'dead' then
    redis.call('HINCRBY', jk, 'attempts', 1)
    jobStatus(jid, 'dead')
  else
    local at
    if action == 'retry' then
      redis.call('HINCRBY', jk, 'attempts', ARGV[12])
      redis.call('HSET', jk, 'next_at', ARGV[11])
      jobStatus(jid, 'retrying')
      at = ARGV[11]
    else
      jobStatus(jid, 'pending')
      at = redis.call('HGET', jk, 'next_at')
    end
    -- Waits in BullMQ as a delayed job, or aside while its store is paused.
    if isPaused(store) then hold(jid, store, at) else res = {'delay', at} end
  end
  redis.call('HINCRBY', P .. 'errc:' .. store, ARGV[8], 1)
  redis.call('HSET', sk, 'last_error_at', now, 'last_error_class', ARGV[8], 'last_error_message', ARGV[9], 'last_error_delivery', did)
end
refreshDelivery(did)
return res
`;

/**
 * ARGV: prefix. Moves jobs left in the queue layout of earlier versions (due:0, due:1, inflight; stop every
 * replica of such a version first) into the outbox. Returns {how many, outbox entries}.
 */
const recover = `
local n = 0
for _, pr in ipairs({'0', '1'}) do
  local dz = P .. 'due:' .. pr
  for _, jid in ipairs(redis.call('ZRANGE', dz, 0, -1)) do
    local st = redis.call('HGET', P .. 'j:' .. jid, 'status')
    if st == 'pending' or st == 'retrying' then queueJob(jid); n = n + 1 end
  end
  redis.call('DEL', dz)
end
for _, jid in ipairs(redis.call('HKEYS', P .. 'inflight')) do
  if redis.call('HGET', P .. 'j:' .. jid, 'status') == 'in_flight' then
    jobStatus(jid, 'pending')
    queueJob(jid)
    n = n + 1
  end
end
redis.call('DEL', P .. 'inflight')
return {n, queued}
`;

const REFRESH_WAITING = `
local function refreshWaiting(store)
  local seen = {}
  for _, s in ipairs({'pending', 'retrying', 'in_flight'}) do
    for _, jid in ipairs(redis.call('SMEMBERS', P .. 'sj:' .. store .. ':' .. s)) do
      local did = redis.call('HGET', P .. 'j:' .. jid, 'delivery_id')
      if did and not seen[did] then seen[did] = true; refreshDelivery(did) end
    end
  end
end
`;

/**
 * ARGV: prefix, store, paused (0|1), reason. While paused, a job of the store that BullMQ hands out is set
 * aside (claimJob); resuming re-queues the jobs set aside. Returns {1 (0: no such store), outbox entries}.
 */
const setPaused = `
local store = ARGV[2]
local sk = P .. 'store:' .. store
if redis.call('EXISTS', sk) == 0 then return {0, queued} end
redis.call('HSET', sk, 'paused', ARGV[3])
opt(sk, 'pause_reason', ARGV[4])
if ARGV[3] == '1' then
  redis.call('SADD', P .. 'paused', store)
else
  redis.call('SREM', P .. 'paused', store)
  for _, jid in ipairs(redis.call('ZRANGE', P .. 'held:' .. store, 0, -1)) do
    local st = redis.call('HGET', P .. 'j:' .. jid, 'status')
    if st == 'pending' or st == 'retrying' then queueJob(jid) end
  end
  redis.call('DEL', P .. 'held:' .. store)
end
refreshWaiting(store)
return {1, queued}
`;

/**
 * ARGV: prefix, store, delivery id, all (0|1), now. Returns {-1 for an unknown delivery, else how many were
 * replayed, outbox entries}.
 */
const replayDelivery = `
local store, did, now = ARGV[2], ARGV[3], ARGV[5]
local dk = P .. 'd:' .. did
local dstore, state, status = unpack(redis.call('HMGET', dk, 'store_id', 'state', 'status'))
if dstore ~= store then return {-1, queued} end
local allowed = {dead = true}
if ARGV[4] == '1' then allowed = {dead = true, done = true, retrying = true, pending = true} end
local n = 0
local jobs = redis.call('HGETALL', P .. 'dj:' .. did)
for i = 1, #jobs, 2 do
  local jid, st = jobs[i], jobs[i + 1]
  if allowed[st] then
    redis.call('HSET', P .. 'j:' .. jid, 'attempts', '0', 'next_at', now, 'priority', '1')
    jobStatus(jid, 'pending')
    queueJob(jid)
    n = n + 1
  end
end
if state == 'processed' and n == 0 then
  if status ~= 'dead' then return {0, queued} end
  redis.call('HSET', dk, 'state', 'received')
  redis.call('HDEL', dk, 'error_class', 'error_message')
  setDStatus(did, 'pending')
  redis.call('ZADD', P .. 'received', did, did)
  return {1, queued}
end
refreshDelivery(did)
return {n, queued}
`;

/**
 * ARGV: prefix, store, now. Replays every dead job of the store and re-maps deliveries that died in mapping.
 * Returns {how many, outbox entries}.
 */
const replayDead = `
local store, now = ARGV[2], ARGV[3]
local n = 0
for _, jid in ipairs(redis.call('SMEMBERS', P .. 'sj:' .. store .. ':dead')) do
  redis.call('HSET', P .. 'j:' .. jid, 'attempts', '0', 'next_at', now, 'priority', '1')
  jobStatus(jid, 'pending')
  queueJob(jid)
  n = n + 1
end
for _, did in ipairs(redis.call('ZRANGE', P .. 'log:' .. store .. ':dead', 0, -1)) do
  local dk = P .. 'd:' .. did
  if redis.call('HGET', dk, 'state') == 'processed' and redis.call('EXISTS', P .. 'dj:' .. did) == 0 then
    redis.call('HSET', dk, 'state', 'received')
    redis.call('HDEL', dk, 'error_class', 'error_message')
    setDStatus(did, 'pending')
    redis.call('ZADD', P .. 'received', did, did)
    n = n + 1
  end
end
refreshWaiting(store)
return {n, queued}
`;

export const SCRIPTS = {
  wckRecordDelivery: PRELUDE + recordDelivery,
  wckRecordRejection: PRELUDE + recordRejection,
  wckCompleteProcessing: PRELUDE + completeProcessing,
  wckClaimJob: PRELUDE + claimJob,
  wckFinishJob: PRELUDE + finishJob,
  wckRecover: PRELUDE + recover,
  wckSetPaused: PRELUDE + REFRESH_WAITING + setPaused,
  wckReplayDelivery: PRELUDE + replayDelivery,
  wckReplayDead: PRELUDE + REFRESH_WAITING + replayDead,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
