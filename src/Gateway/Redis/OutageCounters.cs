using System.Runtime.CompilerServices;
using FrontierGateway.Data.Entities;
using FrontierGateway.Gateway.Limits;
using FrontierGateway.Gateway.Snapshot;
using Microsoft.Extensions.Options;

namespace FrontierGateway.Gateway.Redis;

/// <summary>
/// What one host counts while Redis is down, from the first failure until Redis is back and caught up:
/// <list type="bullet">
/// <item>the day use of the calls it admitted and the tokens they used, by counter, added to Redis's day counters when
/// it is back (so that no call made meanwhile is missing from a daily limit, nor from the table they are stored in);</item>
/// <item>under <c>Degraded</c>, counters of its own (an <see cref="InMemoryCounterStore"/>, fresh for the outage) checked
/// against its share of each limit: the threshold divided by <see cref="Hosts"/>, and for a DAY limit what was left of
/// it at the last stored total, divided the same way. So the hosts together stay within each limit while their count
/// is right.</item>
/// </list>
/// </summary>
internal sealed class OutageCounters(int hosts, Task<IReadOnlyDictionary<DailyKey, long>> stored)
{
    private readonly Lock gate = new();
    private readonly Dictionary<DailyKey, Counted> counted = [];
    // Nothing is reserved on these counters (TOKEN use is debited as calls settle), so the reservations' settings do not matter.
    private readonly InMemoryCounterStore local = new(new DailyTotals(), Options.Create(new LimitsOptions()));
    private readonly ConditionalWeakTable<SlugPolicy, SlugPolicy> shares = [];

    /// <summary>Reservations made in Redis before the outage by calls settled during it: given back when it ends.</summary>
    private readonly List<(SlugPolicy Policy, Reservation Reservation)> reserved = [];
    private bool closed;

    /// <summary>The hosts alive as last seen before the outage: what each limit is divided by.</summary>
    public int Hosts { get; } = Math.Max(1, hosts);

    /// <summary>
    /// Counts <paramref name="amount"/> on the day counters of the call's groups; false once Redis is back (the
    /// counts were handed over), when the caller counts in Redis instead.
    /// </summary>
    public bool TryCount(SlugPolicy policy, LimitType type, long amount, DateOnly day)
    {
        lock (gate)
        {
            if (closed)
            {
                return false;
            }
            Count(policy, type, amount, day);
            return true;
        }
    }

    private void Count(SlugPolicy policy, LimitType type, long amount, DateOnly day)
    {
        foreach (var group in policy.DailyGroups)
        {
            var key = new DailyKey(group, policy.Slug, type, day);
            counted[key] = new Counted(policy.RootGroupId, counted.GetValueOrDefault(key).Amount + amount);
        }
    }

    /// <summary>
    /// Counts a settled call's <paramref name="tokens"/> as <see cref="TryCount"/> does, and keeps the reservation it made
    /// in Redis before the outage (if any) to be given back when Redis is back (<see cref="TakeReservations"/>): left
    /// there, it would count as used once it lapsed, on top of the tokens counted here.
    /// </summary>
    public bool TrySettle(SlugPolicy policy, Reservation reservation, long tokens, DateOnly day)
    {
        lock (gate)
        {
            if (closed)
            {
                return false;
            }
            Count(policy, LimitType.Token, tokens, day);
            if (reservation.Tokens > 0)
            {
                reserved.Add((policy, reservation));
            }
            return true;
        }
    }

    /// <summary>The reservations kept by <see cref="TrySettle"/>, once: to be settled to nothing in Redis.</summary>
    public List<(SlugPolicy Policy, Reservation Reservation)> TakeReservations()
    {
        lock (gate)
        {
            List<(SlugPolicy Policy, Reservation Reservation)> taken = [.. reserved];
            reserved.Clear();
            return taken;
        }
    }

    /// <summary>This host's count of one day counter during the outage.</summary>
    public long CountOf(DailyKey key)
    {
        lock (gate)
        {
            return counted.GetValueOrDefault(key).Amount;
        }
    }

    /// <summary>Hands over the counts so far and starts again from zero; the outage goes on.</summary>
    public IReadOnlyList<KeyValuePair<DailyKey, Counted>> Drain()
    {
        lock (gate)
        {
            IReadOnlyList<KeyValuePair<DailyKey, Counted>> taken = [.. counted];
            counted.Clear();
            return taken;
        }
    }

    /// <summary>Ends the outage's counting and hands over what is left; later counts go to Redis.</summary>
    public IReadOnlyList<KeyValuePair<DailyKey, Counted>> Close()
    {
        lock (gate)
        {
            closed = true;
            return [.. counted];
        }
    }

    /// <summary>Takes back counts that could not be added to Redis (it failed again while they were being added).</summary>
    public void Keep(IEnumerable<KeyValuePair<DailyKey, Counted>> left)
    {
        lock (gate)
        {
            foreach (var (key, count) in left)
            {
                counted[key] = count with { Amount = counted.GetValueOrDefault(key).Amount + count.Amount };
            }
        }
    }

    /// <summary>The <c>Degraded</c> verdict: this host's counters against its share of every limit.</summary>
    public async ValueTask<Admission> AdmitAsync(SlugPolicy policy, DateTime now)
    {
        var totals = await stored;
        var share = shares.GetValue(policy, p => Share(p, totals, DateOnly.FromDateTime(now)));
        return (await local.TryAdmitAsync(share, "", 0, now)) with { Mode = LimitsMode.Degraded };
    }

    /// <summary>Debits a call's tokens on this host's counters (calls admitted before the outage have no share yet).</summary>
    public ValueTask AddTokensAsync(SlugPolicy policy, long tokens, DateTime now) =>
        shares.TryGetValue(policy, out var share) ? local.SettleAsync(share, Reservation.None, tokens, now) : ValueTask.CompletedTask;

    private SlugPolicy Share(SlugPolicy policy, IReadOnlyDictionary<DailyKey, long> totals, DateOnly today) => policy with
    {
        Rules = [.. policy.Rules.Select(rule => rule with
        {
            Threshold = rule.Unit == LimitUnit.Day
                ? Math.Max(0, rule.Threshold - totals.GetValueOrDefault(new DailyKey(rule.Counter.GroupId, policy.Slug, rule.Type, today))) / Hosts
                : rule.Threshold / Hosts,
        })],
    };

    /// <summary>A day counter's count during the outage, with its tree's root (where Redis keeps it).</summary>
    public readonly record struct Counted(string Root, long Amount);
}
