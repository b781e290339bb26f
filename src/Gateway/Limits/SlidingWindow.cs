namespace FrontierGateway.Gateway.Limits;

/// <summary>
/// A rolling window split into segments (the scheme of <c>SlidingWindowRateLimiter</c>): the count is the
/// sum of the segments still inside the window. Not thread-safe: the counter store holds a lock.
/// </summary>
internal sealed class SlidingWindow(TimeSpan window, int segments)
{
    private readonly long segmentTicks = window.Ticks / segments;
    private readonly long[] counts = new long[segments];
    private readonly long[] numbers = new long[segments];

    public static SlidingWindow PerSecond() => new(TimeSpan.FromSeconds(1), 10);

    public static SlidingWindow PerMinute() => new(TimeSpan.FromMinutes(1), 60);

    /// <summary>
    /// The reservations held on a DAY counter: each leaves <paramref name="ttl"/> after it was made, and one never settled
    /// then counts as used (<see cref="TakeLapsed"/>).
    /// </summary>
    public static SlidingWindow Reservations(TimeSpan ttl) => new(ttl, 60);

    public long Sum(DateTime now)
    {
        var current = now.Ticks / segmentTicks;
        long sum = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (numbers[i] > current - counts.Length)
            {
                sum += counts[i];
            }
        }
        return sum;
    }

    public void Add(DateTime now, long amount)
    {
        var number = now.Ticks / segmentTicks;
        var slot = (int)(number % counts.Length);
        if (numbers[slot] != number)
        {
            numbers[slot] = number;
            counts[slot] = 0;
        }
        counts[slot] += amount;
    }

    /// <summary>
    /// Takes <paramref name="amount"/> back from the segment of <paramref name="at"/>, where it was added; nothing
    /// when that segment has left the window (its count no longer counts, and its slot starts again at zero).
    /// </summary>
    public void Remove(DateTime at, long amount)
    {
        var number = at.Ticks / segmentTicks;
        var slot = (int)(number % counts.Length);
        if (numbers[slot] == number)
        {
            counts[slot] -= amount;
        }
    }

    /// <summary>
    /// Empties the segments that have left the window still holding a count, and answers the count of those that began
    /// on <paramref name="day"/>: of a DAY counter's reservations, the ones never settled.
    /// </summary>
    public long TakeLapsed(DateTime now, DateOnly day)
    {
        var current = now.Ticks / segmentTicks;
        long lapsed = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] != 0 && numbers[i] <= current - counts.Length)
            {
                if (counts[i] > 0 && DateOnly.FromDateTime(new DateTime(numbers[i] * segmentTicks)) == day)
                {
                    lapsed += counts[i];
                }
                counts[i] = 0;
            }
        }
        return lapsed;
    }

    /// <summary>How long until the window's count drops to at most <paramref name="allowed"/>.</summary>
    public TimeSpan TimeUntil(DateTime now, long allowed)
    {
        var current = now.Ticks / segmentTicks;
        var sum = Sum(now);
        for (var number = current - counts.Length + 1; number <= current && sum > allowed; number++)
        {
            var slot = (int)(number % counts.Length);
            if (numbers[slot] == number)
            {
                sum -= counts[slot];
            }
            if (sum <= allowed)
            {
                return TimeSpan.FromTicks((number + counts.Length) * segmentTicks - now.Ticks);
            }
        }
        return sum <= allowed ? TimeSpan.Zero : TimeSpan.FromTicks(segmentTicks * counts.Length);
    }
}
