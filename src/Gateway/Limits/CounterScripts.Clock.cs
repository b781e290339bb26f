namespace FrontierGateway.Gateway.Limits;

/// <summary>The part every clock-reading script of <see cref="CounterScripts"/> begins with: its clock and its helpers.</summary>
internal static partial class CounterScripts
{
    // ARGV[1] of the clock-reading scripts: microseconds added to Redis's TIME, zero outside tests; ARGV[2]: the
    // microseconds of one segment of a DAY counter's reservations window.
    private static string Clock => $$"""
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
        -- A script reads each window once (windows, by key) and writes its own fields once, at the end (finish).
        local windows, touched = {}, {}

        -- Marks a window to be written by finish: its counts changed, or a load found segments to delete.
        local function touch(w)
          if not w.touched then
            w.touched = true
            table.insert(touched, w)
          end
        end

        -- A day's first write keeps yesterday (the usage writer may still read it) and drops older days.
        local function add_to_day(key, amount)
          if redis.call('HINCRBY', key, today, amount) == amount then
            for _, field in ipairs(redis.call('HKEYS', key)) do
              if tonumber(field) < day - 1 then redis.call('HDEL', key, field) end
            end
            redis.call('EXPIRE', key, {{DaySeconds}})
          end
        end

        -- A reservation still held on a DAY TOKEN counter when its segment leaves the reservations window was never
        -- settled: its host died holding the call's settlement (RedisSettlements) or during the call. It counts from then
        -- on as used, on the day total of the day it was made (w.day, the counter's own key), so that a lost settlement
        -- counts against the caller (the reservation less what the call used), never for it. Yesterday's total keeps its
        -- key's expiry; an older day's is gone.
        local function lapse(w, number, count)
          if count <= 0 then return end
          local made = math.floor(number * w.size / DAY)
          if made == day then
            add_to_day(w.day, count)
          elseif made == day - 1 then
            redis.call('HINCRBY', w.day, string.format('%d', made), count)
            if redis.call('TTL', w.day) < 0 then redis.call('EXPIRE', w.day, {{DaySeconds}}) end
          end
        end

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
              if w.day then
                lapse(w, number, tonumber(flat[i + 1]))
                -- Deleted by finish in this script, so that no later script counts it again.
                touch(w)
              end
            end
          end
          w.sum = sum
        end

        local function window(key, unit)
          local w = windows[key]
          if w then return w end
          w = { key = key, change = 0 }
          if unit == 'S' then w.size, w.segments = 100000, 10
          elseif unit == 'M' then w.size, w.segments = 1000000, 60
          else
            -- A DAY TOKEN counter's reservations: the key is its day total's (KEYS too) with ':reserved' added.
            w.size, w.segments, w.day = RESERVATION_SEGMENT, 60, string.sub(key, 1, -10)
          end
          w.current = math.floor(now / w.size)
          local meta = redis.call('HMGET', key, 'at', 'sum')
          if meta[1] and tonumber(meta[1]) == w.current then
            w.sum, w.synced = tonumber(meta[2]), true
          else
            load(w)
          end
          windows[key] = w
          return w
        end

        -- Writes what changed of each touched window's own fields, then answers `reply`: the change of its sum, or
        -- (after a load) 'at' and 'sum' anew, deleting the segments that left the window. A window that holds nothing
        -- is deleted (every count is positive).
        local function finish(reply)
          for _, w in ipairs(touched) do
            if w.sum <= 0 then
              redis.call('DEL', w.key)
            elseif w.synced then
              if w.change ~= 0 then redis.call('HINCRBY', w.key, 'sum', w.change) end
            else
              if #w.stale > 0 then redis.call('HDEL', w.key, unpack(w.stale)) end
              redis.call('HSET', w.key, 'at', string.format('%d', w.current), 'sum', string.format('%d', w.sum))
              -- Set when 'at' moves to the current segment: a window and a segment more from then, so the key outlives
              -- every segment it holds; the segment's later writes need not move it. Reservations as long as a day
              -- total, so that one never settled is still there to count as used when the next script comes (lapse).
              if w.day then
                redis.call('EXPIRE', w.key, {{DaySeconds}})
              else
                redis.call('PEXPIRE', w.key, math.ceil(w.size * (w.segments + 1) / 1000))
              end
            end
          end
          return reply
        end

        local function add_to_window(w, amount)
          redis.call('HINCRBY', w.key, string.format('%d', w.current), amount)
          if w.counts then w.counts[w.current] = (w.counts[w.current] or 0) + amount end
          w.sum = w.sum + amount
          w.change = w.change + amount
          if amount > 0 then w.added = true end
          touch(w)
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

        -- Takes `amount` back from segment `number`, where it was added, if still in the window. A segment left at zero
        -- or below is deleted: what it held is what was taken back.
        local function give_back(w, number, amount)
          if amount <= 0 or number <= w.current - w.segments then return end
          local field = string.format('%d', number)
          local left = redis.call('HINCRBY', w.key, field, -amount)
          local taken = amount
          if left <= 0 then
            redis.call('HDEL', w.key, field)
            taken = amount + left
          end
          if w.counts then
            w.counts[number] = (w.counts[number] or 0) - taken
            if w.counts[number] <= 0 then w.counts[number] = nil end
          end
          w.sum = w.sum - taken
          w.change = w.change - taken
        end

        -- Settles calls (their tokens replace their reservations), from KEYS[k] and ARGV[a] on: ARGV[a] is the number of
        -- policies, then each policy's TOKEN window, reservation-window and TOKEN day-counter counts (n, p, d), each TOKEN
        -- window's unit (S, M), its number of calls, and each call's tokens, tokens reserved and reservation time; KEYS,
        -- each policy's TOKEN windows, reservation windows and TOKEN day counters. On a TOKEN window what a call did not
        -- use goes back to the segment it was reserved in (if that is still in the window), what it used beyond its
        -- reservation counts now; a DAY TOKEN rule's reservation leaves its reservations window, and the tokens count on
        -- every TOKEN day counter. A policy's calls are added up per segment before they are written: every take-back
        -- first, then the excess, so that no call's excess is taken back by another call.
        -- Answers the next k and a.
        local function settle(k, a)
          local policies = tonumber(ARGV[a])
          a = a + 1
          for _ = 1, policies do
            local n, p, d = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
            local units = a + 3
            local calls = tonumber(ARGV[units + n])
            local first = units + n + 1
            for i = 0, n + p - 1 do
              local w = window(KEYS[k + i], i < n and ARGV[units + i] or 'R')
              local back, excess = {}, 0
              for c = first, first + 3 * (calls - 1), 3 do
                local returned = tonumber(ARGV[c + 1])
                if i < n then returned = returned - tonumber(ARGV[c]) end
                if returned > 0 then
                  local number = math.floor(tonumber(ARGV[c + 2]) / w.size)
                  back[number] = (back[number] or 0) + returned
                else
                  excess = excess - returned
                end
              end
              touch(w)
              for number, amount in pairs(back) do give_back(w, number, amount) end
              if excess > 0 then add_to_window(w, excess) end
            end
            local used = 0
            for c = first, first + 3 * (calls - 1), 3 do used = used + tonumber(ARGV[c]) end
            if used > 0 then
              for i = n + p, n + p + d - 1 do add_to_day(KEYS[k + i], used) end
            end
            k, a = k + n + p + d, first + 3 * calls
          end
          return k, a
        end

        """;
}
