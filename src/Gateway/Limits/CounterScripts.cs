namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// The Lua scripts of <see cref="RedisCounterStore"/>. Each runs atomically in Redis, so a check and the counting
/// after it see no other call in between, whichever host sent it. All keys of one call share the hash tag of the
/// group tree's root, so a script touches one cluster slot.
/// </summary>
/// <remarks>
/// The windows are those of <see cref="SlidingWindow"/>, segment for segment: SECOND is 10 segments of 100 ms, MINUTE
/// 60 of 1 s, and a window's key is a hash of absolute segment number to count, of which the segments still inside
/// the window count (older ones are deleted when the window is next written). A day counter's key is a hash of
/// UTC day number (days since 1970-01-01) to total: the key does not name the day, because only the script knows
/// the day (from Redis's clock) and every key must be named before the script runs. The reservations held on a DAY
/// TOKEN counter are a window of their own (<c>...:TOKEN:DAY:reserved</c>), 60 segments of a sixtieth of the
/// reservations' lifetime (<see cref="SlidingWindow.Reservations"/>), kept apart from the day's total so that a
/// reservation never settled stops counting when its segment leaves that window.
/// Times are in microseconds: exact in Lua's doubles for the next 280 years.
/// </remarks>
internal static class CounterScripts
{
    /// <summary>How long a day counter lives after its day's first write: its day, and the next for late readers.</summary>
    public const int DaySeconds = 2 * 24 * 60 * 60;

    // ARGV[1] of the clock-reading scripts: microseconds added to Redis's TIME, zero outside tests; ARGV[2]: the
    // microseconds of one segment of a DAY counter's reservations window.
    private static readonly string Clock = $$"""
        local DAY = 86400000000
        local RESERVATION_SEGMENT = tonumber(ARGV[2])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2]) + tonumber(ARGV[1])
        local day = math.floor(now / DAY)
        local today = string.format('%d', day)

        -- A window's hash holds its segments (number to count) and two fields of its own: 'at', the segment it was
        -- last brought up to (older segments deleted), and 'sum', the count of the window as of then. While the
        -- current segment is 'at' (every call of a segment but its first), a call reads those two fields, not every
        -- segment; the segments are read (load) only when the segment changed or a wait must be computed.
        local function load(w)
          w.counts, w.stale, w.synced = {}, {}, false
          local sum = 0
          local flat = redis.call('HGETALL', w.key)
          for i = 1, #flat, 2 do
            local number = tonumber(flat[i])
            if number == nil then
              -- 'at' and 'sum'
            elseif number > w.current - w.segments then
              local count = tonumber(flat[i + 1])
              w.counts[number] = (w.counts[number] or 0) + count
              sum = sum + count
            else
              table.insert(w.stale, flat[i])
            end
          end
          w.sum = sum
        end

        local function window(key, unit)
          local w = { key = key }
          if unit == 'S' then w.size, w.segments = 100000, 10
          elseif unit == 'M' then w.size, w.segments = 1000000, 60
          else w.size, w.segments = RESERVATION_SEGMENT, 60 end
          w.current = math.floor(now / w.size)
          local meta = redis.call('HMGET', key, 'at', 'sum')
          if meta[1] and tonumber(meta[1]) == w.current then
            w.sum, w.synced = tonumber(meta[2]), true
          else
            load(w)
          end
          return w
        end

        -- Writes what changed of a window's own fields: the change of its sum, or (after a load) 'at' and 'sum' anew,
        -- deleting the segments that left the window. A window that holds nothing is deleted (every count is positive).
        local function save(w, change)
          if w.sum <= 0 then
            redis.call('DEL', w.key)
            w.counts, w.stale, w.synced = {}, {}, false
            return
          end
          if w.synced then
            if change ~= 0 then redis.call('HINCRBY', w.key, 'sum', change) end
            return
          end
          if #w.stale > 0 then redis.call('HDEL', w.key, unpack(w.stale)) end
          redis.call('HSET', w.key, 'at', string.format('%d', w.current), 'sum', string.format('%d', w.sum))
          -- Set when 'at' moves to the current segment: a window and a segment more from then, so the key outlives
          -- every segment it holds; the segment's later writes need not move it.
          redis.call('PEXPIRE', w.key, math.ceil(w.size * (w.segments + 1) / 1000))
          w.stale, w.synced = {}, true
        end

        local function prune(w)
          save(w, 0)
        end

        local function add_to_window(w, amount)
          local change = tonumber(amount)
          redis.call('HINCRBY', w.key, string.format('%d', w.current), amount)
          if w.counts then w.counts[w.current] = (w.counts[w.current] or 0) + change end
          w.sum = w.sum + change
          if change > 0 then w.added = true end
          save(w, change)
        end

        -- A day's first write keeps yesterday (the usage writer may still read it) and drops older days.
        local function add_to_day(key, amount)
          if redis.call('HINCRBY', key, today, amount) == tonumber(amount) then
            for _, field in ipairs(redis.call('HKEYS', key)) do
              if tonumber(field) < day - 1 then redis.call('HDEL', key, field) end
            end
            redis.call('EXPIRE', key, {{DaySeconds}})
          end
        end

        -- Microseconds until the counter holds at most `allowed` (SlidingWindow.TimeUntil); a day ends at midnight UTC.
        local function wait(rule, allowed)
          if rule.unit == 'D' then return (day + 1) * DAY - now end
          local w = rule.window
          if allowed < 0 then allowed = 0 end
          if w.sum <= allowed then return 0 end
          -- Every segment's count is positive: after this call's count the window is empty when its segment leaves.
          if allowed == 0 and w.added then return (w.current + w.segments) * w.size - now end
          if not w.counts then load(w) end
          local sum = w.sum
          for number = w.current - w.segments + 1, w.current do
            sum = sum - (w.counts[number] or 0)
            if sum <= allowed then return (number + w.segments) * w.size - now end
          end
          return w.size * w.segments
        end

        -- A refused call waits until the rule has room for what it asks; one that asks for more than the whole threshold
        -- (no wait makes it fit), for the rule's whole period.
        local function retry_after(rule, threshold, asking)
          if asking > threshold and rule.unit ~= 'D' then return rule.window.size * rule.window.segments end
          return wait(rule, threshold - math.max(asking, 1))
        end

        -- Takes `amount` back from the segment of the reservation's time, where it was added, if still in the window.
        -- A segment left at zero or below is deleted: what it held is what was taken back.
        local function give_back(w, at, amount)
          local number = math.floor(at / w.size)
          local taken = 0
          if amount > 0 and number > w.current - w.segments then
            local field = string.format('%d', number)
            local left = redis.call('HINCRBY', w.key, field, string.format('%d', -amount))
            taken = amount
            if left <= 0 then
              redis.call('HDEL', w.key, field)
              taken = amount + left
            end
            if w.counts then
              w.counts[number] = (w.counts[number] or 0) - taken
              if w.counts[number] <= 0 then w.counts[number] = nil end
            end
          end
          w.sum = w.sum - taken
          save(w, -taken)
        end

        """;

    /// <summary>
    /// Refuses a revoked caller, then checks every rule of a policy and, when all have room, counts the call on every
    /// REQUEST window and on the REQUEST day counter of every group of its chain, and reserves its tokens on every
    /// TOKEN counter; a refused call counts nowhere. A TOKEN rule has room when its use, the reservations it holds
    /// and this reservation fit under the threshold.
    /// KEYS: the rules' counters in order, the reservations of each DAY TOKEN rule (in rule order), the REQUEST day
    /// counters, then the revocation markers of the caller's groups and key. ARGV: clock offset, reservations'
    /// segment, tokens to reserve, rule count, reservation-window count, day-counter count, then per rule its unit
    /// (S, M, D), type (R, T) and threshold.
    /// Answers {-1} for a revoked caller; else {refusing rule (1-based) or 0, Retry-After, day, then for REQUEST and for
    /// TOKEN: the tightest rule (1-based, 0 for none), its remaining headroom and the time until it resets, then the
    /// time of the reservation}.
    /// </summary>
    public static readonly RedisScript Admit = new(Clock + """
        local reserve = tonumber(ARGV[3])
        local n, p, d = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
        if #KEYS > n + p + d and redis.call('EXISTS', unpack(KEYS, n + p + d + 1, #KEYS)) > 0 then
          return { -1 }
        end
        local rules = {}
        local reservations = n
        local tightest = { R = { index = 0, remaining = 0 }, T = { index = 0, remaining = 0 } }
        for i = 1, n do
          local rule = { unit = ARGV[3 * i + 4], kind = ARGV[3 * i + 5] }
          local threshold = tonumber(ARGV[3 * i + 6])
          local used
          if rule.unit == 'D' then
            used = tonumber(redis.call('HGET', KEYS[i], today) or '0')
            if rule.kind == 'T' then
              reservations = reservations + 1
              rule.window = window(KEYS[reservations], 'R')
              used = used + rule.window.sum
            end
          else
            rule.window = window(KEYS[i], rule.unit)
            used = rule.window.sum
          end
          rules[i] = rule
          -- A request needs room for itself; a call with no tokens to reserve, for one token.
          local asking = 1
          if rule.kind == 'T' then asking = reserve end
          if used + math.max(asking, 1) > threshold then
            return { i, retry_after(rule, threshold, asking), day }
          end
          local remaining = threshold - used - asking
          local best = tightest[rule.kind]
          if best.index == 0 or remaining < best.remaining then
            best.index, best.remaining = i, remaining
          end
        end
        for i = 1, n do
          local rule = rules[i]
          if rule.window then
            if rule.kind == 'R' then add_to_window(rule.window, '1')
            elseif reserve > 0 then add_to_window(rule.window, ARGV[3])
            else prune(rule.window) end
          end
        end
        for k = n + p + 1, n + p + d do add_to_day(KEYS[k], '1') end
        local reply = { 0, 0, day }
        for _, kind in ipairs({ 'R', 'T' }) do
          local best = tightest[kind]
          table.insert(reply, best.index)
          table.insert(reply, best.remaining)
          table.insert(reply, best.index > 0 and wait(rules[best.index], 0) or 0)
        end
        table.insert(reply, now)
        return reply
        """);

    /// <summary>
    /// Settles a call: its tokens replace its reservation. On a TOKEN window the difference is counted: what was not
    /// used goes back to the segment it was reserved in (if that is still in the window), what was used beyond it
    /// counts now. A DAY TOKEN counter's reservation leaves its reservations window, and the tokens count on the TOKEN
    /// day counter of every group of the chain.
    /// KEYS: the TOKEN windows, the reservations of each DAY TOKEN rule, then the TOKEN day counters. ARGV: clock
    /// offset, reservations' segment, tokens, tokens reserved, the reservation's time, window count, reservation-window
    /// count, then each window's unit (S, M). Answers the day.
    /// </summary>
    public static readonly RedisScript Settle = new(Clock + """
        local tokens, reserved, at = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        local n, p = tonumber(ARGV[6]), tonumber(ARGV[7])
        for i = 1, n do
          local w = window(KEYS[i], ARGV[7 + i])
          if tokens > reserved then add_to_window(w, string.format('%d', tokens - reserved))
          else give_back(w, at, reserved - tokens) end
        end
        for i = n + 1, n + p do give_back(window(KEYS[i], 'R'), at, reserved) end
        if tokens > 0 then
          for k = n + p + 1, #KEYS do add_to_day(KEYS[k], ARGV[3]) end
        end
        return day
        """);

    /// <summary>
    /// Raises one day counter to at least a total stored in the database; a counter never goes down.
    /// KEYS: the day counter. ARGV: the day number, the total. Answers 1 when it raised the counter.
    /// </summary>
    public static readonly RedisScript RaiseDay = new($$"""
        local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        if current < tonumber(ARGV[2]) then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
          redis.call('EXPIRE', KEYS[1], {{DaySeconds}})
          return 1
        end
        return 0
        """);
}
