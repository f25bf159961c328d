/**
 * Lua scripts of the Redis backend. They decide nothing: the sync core computes every value (statuses, notes,
 * errors, what a replay resets) in TypeScript from what the backend read, and a script only checks that what was
 * read still holds (a compare) and then writes the computed values (a set), keeping the indexes in step. On a
 * failed compare a script changes nothing and answers 'conflict'; the caller reads again and recomputes.
 *
 * What a script compares: the delivery's version (`ver`, bumped by every script that changes the delivery or one of
 * its jobs), the store's paused flag the computation assumed, the BullMQ claim's lock token, that a delivery still
 * waits to be planned, and that no request key of a plan (and, for a plan that is not a duplicate, no earlier mapped
 * delivery with the same content) was planned meanwhile. What it keeps in step: the per-store status sets of jobs
 * and the sync-log sorted sets of deliveries (moving an id from the set of its old status to the set of the status
 * it was given), the counters, and the outbox.
 *
 * Keys are built from the prefix (ARGV[1]), so the backend needs one Redis (primary), not Redis Cluster. Numbers
 * that are written back are passed as strings from Node, never formatted by Lua (whose tostring() turns epoch
 * milliseconds into 1.7e+12).
 *
 * The job queue itself is BullMQ (./bullmq.ts). A script that creates or re-queues jobs cannot call BullMQ, so it
 * bumps the job's generation and adds `<job id>:<generation>` to the outbox in the same atomic step (a
 * transactional outbox); the replica then adds those to BullMQ and removes them from the outbox, and recovery adds
 * whatever a crashed replica left there. A BullMQ job of an older generation, or of a job that is no longer
 * waiting, is dropped when claimed, so adding twice never sends twice.
 *
 * Layout under <prefix>:
 *   seq:d, seq:j                  delivery and job id counters
 *   store:<id>                    store hash (secrets sealed); paused (set of paused store ids)
 *   d:<id>                        delivery hash (ver: its version); dj:<id> hash job id -> job status
 *   content:<store>               "<topic>|<content hash>" -> the earliest mapped delivery with that content
 *   received                      zset of deliveries stored but not yet mapped
 *   log:<store>, log:<store>:<s>  zsets (score = id) of the sync log, all and by delivery status
 *   planned:<store>               request key -> job id: what was ever planned (exactly-once lifecycle events)
 *   j:<id>                        job hash (gen: its generation in the queue); sj:<store>:<status> sets (all
 *                                 but done); jdone hash store -> count
 *   outbox                        set of "<job id>:<gen>" still to be added to BullMQ
 *   held:<store>                  zset of jobs of a paused store, set aside until it resumes
 *   hold:<store>:<source>         zset (score = id) of deliveries held because <source> sent them (sync/sources.ts);
 *                                 holds:<store> hash source -> how many of them are held
 *   bull:klaviyo:*                BullMQ's queue (due, delayed and claimed jobs; <bull job id>:lock = claim token)
 *   ev:<store>                    zset of sent events (score = done_at), for events per minute
 *   errc:<store>                  hash error class -> count
 *   prune:d                       retention: the last delivery id whose body was cleared (or skipped)
 *   key_check                     a value sealed with the secret key of the first replica that started
 *   cred                          hash store id -> SHA-256 (hex) of the store's credential
 *   cc:<hash>                     a connection code by its SHA-256: store_id, expires_at, used_at, revoked_at
 *                                 (expires a day after the code does); ccs:<store> set of its codes' hashes
 *   consent:<store>:<email>       consent of a profile: n:<channel> = "<at>|<status>" (the newest record, as the sync
 *                                 core computed it), r:<channel>|<status>|<at> = the record kept (JSON; first wins)
 *   totals:<store>:<email>        profile totals: v = the state's version, s = the state (JSON, as the sync core computed it)
 *   kunsub:<store>:<email>        <channel> -> when the periodic sync saw Klaviyo unsubscribe it; csync hash store -> cursor
 */

const PRELUDE = `
local P = ARGV[1] .. ':'

-- Index upkeep: a job's status as given, moved between the store's status sets (done jobs are only counted).
local function jobStatus(jid, new)
  local jk = P .. 'j:' .. jid
  local old, store, did = unpack(redis.call('HMGET', jk, 'status', 'store_id', 'delivery_id'))
  if old == new then return end
  if old == 'done' then redis.call('HINCRBY', P .. 'jdone', store, -1)
  elseif old then redis.call('SREM', P .. 'sj:' .. store .. ':' .. old, jid) end
  if new == 'done' then redis.call('HINCRBY', P .. 'jdone', store, 1)
  else redis.call('SADD', P .. 'sj:' .. store .. ':' .. new, jid) end
  redis.call('HSET', jk, 'status', new)
  redis.call('HSET', P .. 'dj:' .. did, jid, new)
end

-- Index upkeep: a delivery's status as given, moved between the sync log's status sets.
local function deliveryStatus(did, new)
  local dk = P .. 'd:' .. did
  local old, store = unpack(redis.call('HMGET', dk, 'status', 'store_id'))
  if old == new then return end
  if old then redis.call('ZREM', P .. 'log:' .. store .. ':' .. old, did) end
  redis.call('ZADD', P .. 'log:' .. store .. ':' .. new, did, did)
  redis.call('HSET', dk, 'status', new)
end

local function version(did)
  return redis.call('HGET', P .. 'd:' .. did, 'ver') or '0'
end

local function bump(did)
  redis.call('HINCRBY', P .. 'd:' .. did, 'ver', 1)
end

local function pausedFlag(store)
  return tostring(redis.call('SISMEMBER', P .. 'paused', store))
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

-- Field values from a JSON object: a string is written, null deletes the field.
local function setFields(key, fields)
  if not fields or fields == cjson.null then return end
  for f, v in pairs(fields) do
    if v == cjson.null then redis.call('HDEL', key, f) else redis.call('HSET', key, f, v) end
  end
end

local function given(v)
  return v ~= nil and v ~= cjson.null
end

local function opt(key, field, v)
  if v == '' then redis.call('HDEL', key, field) else redis.call('HSET', key, field, v) end
end
`;

/**
 * Ingress: one append, no read. ARGV: prefix, store, status, into the received index (1|0), an error class to
 * count ('' none), then the delivery's field/value pairs. Returns the new id.
 */
const append = `
local P = ARGV[1] .. ':'
local store, status = ARGV[2], ARGV[3]
local id = tostring(redis.call('INCR', P .. 'seq:d'))
redis.call('HSET', P .. 'd:' .. id, 'store_id', store, 'status', status, unpack(ARGV, 6))
redis.call('ZADD', P .. 'log:' .. store, id, id)
redis.call('ZADD', P .. 'log:' .. store .. ':' .. status, id, id)
if ARGV[4] == '1' then redis.call('ZADD', P .. 'received', id, id) end
if ARGV[5] ~= '' then redis.call('HINCRBY', P .. 'errc:' .. store, ARGV[5], 1) end
return id
`;

/**
 * Ingress of a delivery another site sent: the same append, into the source's hold index instead of the received
 * one. ARGV: prefix, store, status, source, then the delivery's field/value pairs. Returns the new id.
 */
const hold = `
local P = ARGV[1] .. ':'
local store, status, source = ARGV[2], ARGV[3], ARGV[4]
local id = tostring(redis.call('INCR', P .. 'seq:d'))
redis.call('HSET', P .. 'd:' .. id, 'store_id', store, 'status', status, 'held_source', source, unpack(ARGV, 5))
redis.call('ZADD', P .. 'log:' .. store, id, id)
redis.call('ZADD', P .. 'log:' .. store .. ':' .. status, id, id)
redis.call('ZADD', P .. 'hold:' .. store .. ':' .. source, id, id)
redis.call('HINCRBY', P .. 'holds:' .. store, source, 1)
return id
`;

/**
 * Releases or discards up to `limit` held deliveries of a source. ARGV: prefix, store, source, limit, then the state,
 * status and note ('' deletes it) the sync core gives them, and whether they go into the received index (1|0).
 * Compares: each is still held (one that is not only leaves the index). Returns {changed, left in the index}.
 */
const takeHeld = `
local store, source, limit = ARGV[2], ARGV[3], tonumber(ARGV[4])
local hk = P .. 'hold:' .. store .. ':' .. source
local ids = redis.call('ZRANGE', hk, 0, limit - 1)
local n = 0
for _, did in ipairs(ids) do
  local dk = P .. 'd:' .. did
  if redis.call('HGET', dk, 'state') == 'held' then
    redis.call('HSET', dk, 'state', ARGV[5])
    opt(dk, 'note', ARGV[7])
    redis.call('HDEL', dk, 'held_source')
    deliveryStatus(did, ARGV[6])
    if ARGV[8] == '1' then redis.call('ZADD', P .. 'received', did, did) end
    bump(did)
    n = n + 1
  end
  redis.call('ZREM', hk, did)
end
local left = redis.call('ZCARD', hk)
if left == 0 then redis.call('HDEL', P .. 'holds:' .. store, source)
else redis.call('HSET', P .. 'holds:' .. store, source, left) end
return {n, left}
`;

/**
 * A plan, if what it was computed from still holds. ARGV: prefix, delivery id, paused flag assumed (0|1), the plan
 * is a duplicate (1|0), the plan as JSON: { delivery: fields, status, jobs: [{ key, status, fields }],
 * store: fields, countError, consent?: { email, assumed, newest: channel -> "<at>|<status>" or '', rows: [{ field,
 * value }] }, totals?: { email, assumed, version, state } }. Compares: the delivery still waits to be planned ('gone'
 * if not), the store's paused flag, none of the new keys planned, the newest consent record per channel is the one
 * assumed, the profile's totals state has the version assumed ('0': none yet), and for a plan that is not a duplicate
 * no earlier mapped delivery holding its content. Returns {'applied', outbox entries} | {'conflict'} | {'gone'}.
 */
const applyPlan = `
local did = ARGV[2]
local dk = P .. 'd:' .. did
local state, store, topic, hash = unpack(redis.call('HMGET', dk, 'state', 'store_id', 'topic', 'content_hash'))
if state ~= 'received' then return {'gone'} end
if pausedFlag(store) ~= ARGV[3] then return {'conflict'} end
local plan = cjson.decode(ARGV[5])
local pk = P .. 'planned:' .. store
for _, j in ipairs(plan.jobs) do
  if redis.call('HEXISTS', pk, j.key) == 1 then return {'conflict'} end
end
local consent = plan.consent
local csk
if type(consent) == 'table' then
  csk = P .. 'consent:' .. store .. ':' .. consent.email
  for ch, assumed in pairs(consent.assumed) do
    if (redis.call('HGET', csk, 'n:' .. ch) or '') ~= assumed then return {'conflict'} end
  end
end
local totals = plan.totals
local tk
if type(totals) == 'table' then
  tk = P .. 'totals:' .. store .. ':' .. totals.email
  if (redis.call('HGET', tk, 'v') or '0') ~= totals.assumed then return {'conflict'} end
end
if ARGV[4] ~= '1' and hash then
  local ck, cf = P .. 'content:' .. store, topic .. '|' .. hash
  local holder = redis.call('HGET', ck, cf)
  local earlier = holder and holder ~= did and tonumber(holder) < tonumber(did)
  if earlier and redis.call('HGET', P .. 'd:' .. holder, 'state') == 'processed' then return {'conflict'} end
  redis.call('HSET', ck, cf, did)
end
redis.call('ZREM', P .. 'received', did)
setFields(dk, plan.delivery)
deliveryStatus(did, plan.status)
for _, j in ipairs(plan.jobs) do
  local jid = tostring(redis.call('INCR', P .. 'seq:j'))
  redis.call('HSET', pk, j.key, jid)
  redis.call('HSET', P .. 'j:' .. jid, 'delivery_id', did, 'store_id', store)
  setFields(P .. 'j:' .. jid, j.fields)
  jobStatus(jid, j.status)
  queueJob(jid)
end
setFields(P .. 'store:' .. store, plan.store)
if given(plan.countError) then redis.call('HINCRBY', P .. 'errc:' .. store, plan.countError, 1) end
if given(plan.recordVersion) then redis.call('HSETNX', P .. 'seen:' .. store, plan.recordVersion, did) end
if csk then
  for _, r in ipairs(consent.rows) do redis.call('HSETNX', csk, r.field, r.value) end
  for ch, n in pairs(consent.newest) do
    if n ~= '' then redis.call('HSET', csk, 'n:' .. ch, n) end
  end
end
if tk then redis.call('HSET', tk, 'v', totals.version, 's', totals.state) end
bump(did)
return {'applied', queued}
`;

/**
 * Takes a job BullMQ handed out. ARGV: prefix, job id, generation, BullMQ lock key, claim token, then the job
 * statuses that wait to be sent. Marks it in_flight if the claim's lock is ours, the record waits at that
 * generation and its store is not paused. Returns {'send', job fields and values}; {'lost'} (the lock is gone);
 * {'stale'} (the record is not waiting at that generation: done, dead, replayed since, an entry added twice);
 * {'paused', status, delivery id, next_at} (nothing changed: the caller sets the job aside).
 */
const claim = `
local jid, gen = ARGV[2], ARGV[3]
if redis.call('GET', ARGV[4]) ~= ARGV[5] then return {'lost'} end
local jk = P .. 'j:' .. jid
local st, store, g, did, nx = unpack(redis.call('HMGET', jk, 'status', 'store_id', 'gen', 'delivery_id', 'next_at'))
local waiting = false
for i = 6, #ARGV do if st == ARGV[i] then waiting = true end end
if not st or g ~= gen or not waiting then return {'stale'} end
if pausedFlag(store) == '1' then return {'paused', st, did, nx or '0'} end
jobStatus(jid, 'in_flight')
bump(did)
local row = redis.call('HGETALL', jk)
row[#row + 1] = 'id'
row[#row + 1] = jid
return {'send', row}
`;

/**
 * A send's outcome as the sync core settled it. ARGV: prefix, job id, delivery id, store, the delivery's version
 * read, the paused flag read, BullMQ lock key ('' for an accepted request: recorded from anyone), claim token, job
 * status, attempts to add, next_at ('' keep), response status ('' none), error class ('' clears the error), error
 * message, error detail ('' none), done_at ('' keep), delivery status ('' keep), last_success_at ('' keep), last
 * error at ('' keep), its class, message and delivery, error class to count ('' none), event sent at ('' none),
 * events cutoff, held set (add|remove|''), held score, clear the job's body (1|''). Returns 'ok' | 'conflict' | 'lost'.
 */
const settle = `
local jid, did, store = ARGV[2], ARGV[3], ARGV[4]
if ARGV[7] ~= '' and redis.call('GET', ARGV[7]) ~= ARGV[8] then return 'lost' end
if version(did) ~= ARGV[5] or pausedFlag(store) ~= ARGV[6] then return 'conflict' end
local jk = P .. 'j:' .. jid
if ARGV[10] ~= '0' then redis.call('HINCRBY', jk, 'attempts', ARGV[10]) end
if ARGV[11] ~= '' then redis.call('HSET', jk, 'next_at', ARGV[11]) end
opt(jk, 'response_status', ARGV[12])
if ARGV[13] == '' then redis.call('HDEL', jk, 'error_class', 'error_message', 'error_detail')
else
  redis.call('HSET', jk, 'error_class', ARGV[13], 'error_message', ARGV[14])
  opt(jk, 'error_detail', ARGV[15])
end
if ARGV[16] ~= '' then redis.call('HSET', jk, 'done_at', ARGV[16]) end
jobStatus(jid, ARGV[9])
if ARGV[17] ~= '' then deliveryStatus(did, ARGV[17]) end
local sk = P .. 'store:' .. store
if ARGV[18] ~= '' then redis.call('HSET', sk, 'last_success_at', ARGV[18]) end
if ARGV[19] ~= '' then
  redis.call('HSET', sk, 'last_error_at', ARGV[19], 'last_error_class', ARGV[20], 'last_error_message', ARGV[21], 'last_error_delivery', ARGV[22])
end
if ARGV[23] ~= '' then redis.call('HINCRBY', P .. 'errc:' .. store, ARGV[23], 1) end
if ARGV[24] ~= '' then
  redis.call('ZADD', P .. 'ev:' .. store, ARGV[24], jid)
  redis.call('ZREMRANGEBYSCORE', P .. 'ev:' .. store, '-inf', ARGV[25])
end
if ARGV[26] == 'add' then redis.call('ZADD', P .. 'held:' .. store, ARGV[27], jid)
elseif ARGV[26] == 'remove' then redis.call('ZREM', P .. 'held:' .. store, jid) end
if ARGV[28] == '1' then redis.call('HSET', jk, 'body', '{}') end
bump(did)
return 'ok'
`;

/**
 * Changes of several deliveries and their jobs, each applied only if its delivery's version and its store's paused
 * flag are still the ones read (replay, statuses after a pause or resume, a job set aside, moving the earlier queue
 * layout over, an erasure). ARGV: prefix, JSON [{ id, store, ver, paused, status?, fields?, received?, unreceived?,
 * unhold? (a held source whose index it leaves), jobs: [{ id, status, fields?, queue?, hold? }] }]. Returns {ids of the deliveries that conflicted, outbox entries}.
 */
const patch = `
local conflicts = {}
for _, it in ipairs(cjson.decode(ARGV[2])) do
  if version(it.id) ~= it.ver or pausedFlag(it.store) ~= it.paused then
    conflicts[#conflicts + 1] = it.id
  else
    for _, j in ipairs(it.jobs) do
      setFields(P .. 'j:' .. j.id, j.fields)
      jobStatus(j.id, j.status)
      if j.queue then queueJob(j.id) end
      if given(j.hold) then redis.call('ZADD', P .. 'held:' .. it.store, j.hold, j.id) end
    end
    setFields(P .. 'd:' .. it.id, it.fields)
    if given(it.status) then deliveryStatus(it.id, it.status) end
    if it.received then redis.call('ZADD', P .. 'received', it.id, it.id) end
    if it.unreceived then redis.call('ZREM', P .. 'received', it.id) end
    if given(it.unhold) then
      local hk = P .. 'hold:' .. it.store .. ':' .. it.unhold
      redis.call('ZREM', hk, it.id)
      redis.call('HDEL', P .. 'd:' .. it.id, 'held_source')
      local left = redis.call('ZCARD', hk)
      if left == 0 then redis.call('HDEL', P .. 'holds:' .. it.store, it.unhold)
      else redis.call('HSET', P .. 'holds:' .. it.store, it.unhold, left) end
    end
    bump(it.id)
  end
end
return {conflicts, queued}
`;

/**
 * ARGV: prefix, store, paused (0|1), reason. Sets the flag; resuming re-queues the jobs set aside (the claim drops
 * any that no longer wait). Returns {1 (0: no such store), outbox entries}. The deliveries' statuses follow in
 * their own compare-and-set (RedisStores.setPaused).
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
  for _, jid in ipairs(redis.call('ZRANGE', P .. 'held:' .. store, 0, -1)) do queueJob(jid) end
  redis.call('DEL', P .. 'held:' .. store)
end
return {1, queued}
`;

/**
 * Retention. ARGV: prefix, the cursor to set, then the delivery ids the sync core's pruneVerdict said to prune.
 * Compares: each is still mapped (not back to 'received' by a replay meanwhile); sets: body and headers cleared,
 * and the request body of each of its jobs that is done (a dead one keeps it, for its replay).
 */
const pruneBodies = `
local P = ARGV[1] .. ':'
local n = 0
for i = 3, #ARGV do
  local k = P .. 'd:' .. ARGV[i]
  local state = redis.call('HGET', k, 'state')
  if state and state ~= 'received' then
    redis.call('HSET', k, 'body', '', 'headers', '{}')
    local dj = redis.call('HGETALL', P .. 'dj:' .. ARGV[i])
    for j = 1, #dj, 2 do
      if dj[j + 1] == 'done' then redis.call('HSET', P .. 'j:' .. dj[j], 'body', '{}') end
    end
    n = n + 1
  end
end
local cur = tonumber(redis.call('GET', P .. 'prune:d') or '0')
if tonumber(ARGV[2]) > cur then redis.call('SET', P .. 'prune:d', ARGV[2]) end
return n
`;

/**
 * ARGV: prefix, code hash, now. Takes a connection code: marks it used unless it was used or revoked, and answers
 * its fields as they were before (nil for an unknown code). It decides nothing about expiry (the caller does).
 */
const takeCode = `
local P = ARGV[1] .. ':'
local k = P .. 'cc:' .. ARGV[2]
local r = redis.call('HMGET', k, 'store_id', 'expires_at', 'used_at', 'revoked_at')
if not r[1] then return false end
if not r[3] and not r[4] then redis.call('HSET', k, 'used_at', ARGV[3]) end
return r
`;

/**
 * ARGV: prefix, store, now. Removes a store: its hash and credential are deleted, its connection codes revoked.
 * Returns how many of the hash and the credential existed.
 */
const removeStore = `
local P = ARGV[1] .. ':'
local store = ARGV[2]
local n = redis.call('DEL', P .. 'store:' .. store) + redis.call('HDEL', P .. 'cred', store)
redis.call('SREM', P .. 'paused', store)
for _, h in ipairs(redis.call('SMEMBERS', P .. 'ccs:' .. store)) do
  local ck = P .. 'cc:' .. h
  if redis.call('EXISTS', ck) == 1 and not redis.call('HGET', ck, 'revoked_at') then redis.call('HSET', ck, 'revoked_at', ARGV[3]) end
end
return n
`;

/** ARGV: prefix, store, expected version, version, state, run JSON. 1 when saved, 0 when the version moved on. */
/** Gap repair's check: `gap:<store>` (version `v`, the check as JSON `s`), set only over the version read. */
const saveGapCheck = `
local k = ARGV[1] .. ':gap:' .. ARGV[2]
if tonumber(redis.call('HGET', k, 'v') or '0') ~= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', k, 'v', ARGV[4], 's', ARGV[5])
return 1
`;
const saveHistory = `
local P = ARGV[1] .. ':'
local k = P .. 'history:' .. ARGV[2]
if tonumber(redis.call('HGET', k, 'v') or '0') ~= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', k, 'v', ARGV[4], 's', ARGV[6])
if ARGV[5] == 'running' then redis.call('SADD', P .. 'history:running', ARGV[2]) else redis.call('SREM', P .. 'history:running', ARGV[2]) end
return 1
`;

export const SCRIPTS = {
  wckSaveHistory: saveHistory,
  wckSaveGapCheck: saveGapCheck,
  wckTakeCode: takeCode,
  wckRemoveStore: removeStore,
  wckAppend: append,
  wckHold: hold,
  wckTakeHeld: PRELUDE + takeHeld,
  wckPruneBodies: pruneBodies,
  wckApplyPlan: PRELUDE + applyPlan,
  wckClaim: PRELUDE + claim,
  wckSettle: PRELUDE + settle,
  wckPatch: PRELUDE + patch,
  wckSetPaused: PRELUDE + setPaused,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
