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
/// reservations' lifetime (<see cref="SlidingWindow.Reservations"/>), kept apart from the day's total so that the total
/// holds what calls used; a reservation never settled (its host died) moves into the total as used when its segment
/// leaves that window (<c>lapse</c>), so a lost settlement never lets a caller past a daily limit.
/// Times are in microseconds: exact in Lua's doubles for the next 280 years.
/// </remarks>
internal static partial class CounterScripts
{
    /// <summary>How long a day counter lives after its day's first write: its day, and the next for late readers.</summary>
    public const int DaySeconds = 2 * 24 * 60 * 60;

    /// <summary>
    /// Settles the calls this host ended since its last script on the tree (see settle above), then refuses a revoked
    /// caller, then checks every rule of a policy (a call over several is refused by the one that frees last) and, when
    /// all have room, counts the call on every REQUEST window and
    /// on the REQUEST day counter of every group of its chain, and reserves its tokens on every TOKEN counter; a refused
    /// call counts nowhere. A TOKEN rule has room when its use, the reservations it holds and this reservation fit under
    /// the threshold.
    /// KEYS: the settled calls' keys, then the rules' counters in order, the reservations of each DAY TOKEN rule (in rule
    /// order), the REQUEST day counters, then the revocation markers of the caller's groups and key. ARGV: clock offset,
    /// reservations' segment, tokens to reserve, the settled calls, then rule count, reservation-window count,
    /// day-counter count, then per rule its unit (S, M, D), type (R, T) and threshold.
    /// Answers {-1, 0, day} for a revoked caller; else {refusing rule (1-based) or 0, Retry-After, day, then for REQUEST
    /// and for TOKEN: the tightest rule (1-based, 0 for none), its remaining headroom and the time until it resets, then
    /// the time of the reservation}.
    /// </summary>
    public static readonly RedisScript Admit = new(Clock + """
        local reserve = tonumber(ARGV[3])
        local k, a = settle(1, 4)
        local n, p, d = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
        local markers = k + n + p + d
        if #KEYS >= markers and redis.call('EXISTS', unpack(KEYS, markers, #KEYS)) > 0 then
          return finish({ -1, 0, day })
        end
        local rules = {}
        local reservations = n
        local tightest = { R = { index = 0, remaining = 0 }, T = { index = 0, remaining = 0 } }
        -- Refused by the full rule that frees last: retrying once an earlier one frees would not help.
        local refused, refused_wait = 0, 0
        for i = 1, n do
          local at = a + 3 * i
          local rule = { unit = ARGV[at], kind = ARGV[at + 1] }
          local threshold = tonumber(ARGV[at + 2])
          local used
          if rule.unit == 'D' then
            if rule.kind == 'T' then
              -- Read before the day total: a reservation that lapses now moves into it (lapse).
              reservations = reservations + 1
              rule.window = window(KEYS[k + reservations - 1], 'R')
            end
            used = tonumber(redis.call('HGET', KEYS[k + i - 1], today) or '0')
            if rule.window then used = used + rule.window.sum end
          else
            rule.window = window(KEYS[k + i - 1], rule.unit)
            used = rule.window.sum
          end
          rules[i] = rule
          -- A request needs room for itself; a call with no tokens to reserve, for one token.
          local asking = 1
          if rule.kind == 'T' then asking = reserve end
          if used + math.max(asking, 1) > threshold then
            local w = retry_after(rule, threshold, asking)
            -- A call larger than a whole threshold never fits, and says so at once.
            if asking > threshold then return finish({ i, w, day }) end
            if refused == 0 or w > refused_wait then refused, refused_wait = i, w end
          else
            local remaining = threshold - used - asking
            local best = tightest[rule.kind]
            if best.index == 0 or remaining < best.remaining then
              best.index, best.remaining = i, remaining
            end
          end
        end
        if refused > 0 then return finish({ refused, refused_wait, day }) end
        for i = 1, n do
          local rule = rules[i]
          if rule.window then
            if rule.kind == 'R' then add_to_window(rule.window, 1)
            elseif reserve > 0 then add_to_window(rule.window, reserve)
            else touch(rule.window) end
          end
        end
        for j = n + p, n + p + d - 1 do add_to_day(KEYS[k + j], 1) end
        local reply = { 0, 0, day }
        for _, kind in ipairs({ 'R', 'T' }) do
          local best = tightest[kind]
          table.insert(reply, best.index)
          table.insert(reply, best.remaining)
          table.insert(reply, best.index > 0 and wait(rules[best.index], 0) or 0)
        end
        table.insert(reply, now)
        return finish(reply)
        """);

    /// <summary>
    /// Settles calls without admitting one: the calls a host ended that no admission on their tree has taken along
    /// within <see cref="RedisSettlements.DefaultDelay"/>, and a call whose tokens passed its reservation (see settle above).
    /// KEYS and ARGV: clock offset, reservations' segment, then the calls as the admission script takes them. Answers
    /// the day.
    /// </summary>
    public static readonly RedisScript Settle = new(Clock + """
        settle(1, 3)
        return finish(day)
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
