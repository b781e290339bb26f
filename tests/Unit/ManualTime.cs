namespace FrontierGateway.Tests.Unit;

/// <summary>
/// A clock that moves only when the test moves it. Its timers (what <c>PeriodicTimer</c>, <c>Task.Delay</c> and a
/// <c>CancellationTokenSource</c> with a delay use when given this clock) fire only when <see cref="Advance"/>
/// passes their due time, and a test can await the moment code under test starts one.
/// </summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    /// <summary>A whole second, so that seconds-based buckets line up with the test's arithmetic.</summary>
    public static readonly DateTimeOffset Start = new(2026, 5, 13, 12, 0, 0, TimeSpan.Zero);

    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private readonly List<TimeSpan> started = [];
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Signal)> waiters = [];

    public ManualTime() : this(Start)
    {
    }

    /// <summary>The time; setting it moves the clock without firing timers (<see cref="Advance"/> fires them).</summary>
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (gate)
        {
            Now += by;
            due = timers.FindAll(t => t.Due <= Now);
            foreach (var timer in due)
            {
                // A periodic timer fires once however far the clock jumps, as a late system timer would.
                timer.Due = timer.Period > TimeSpan.Zero && timer.Period != Timeout.InfiniteTimeSpan ? Now + timer.Period : null;
            }
        }
        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    public void AdvanceSeconds(double seconds) => Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>Completes once a timer has been started (or changed) to fire <paramref name="dueTime"/> from then.</summary>
    public Task TimerStartedAsync(TimeSpan dueTime)
    {
        lock (gate)
        {
            if (started.Contains(dueTime))
            {
                return Task.CompletedTask;
            }
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((dueTime, signal));
            return signal.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        List<TaskCompletionSource> signals;
        lock (gate)
        {
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : Now + dueTime;
            timer.Period = period;
            if (!timers.Contains(timer))
            {
                timers.Add(timer);
            }
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }
            started.Add(dueTime);
            signals = waiters.Where(w => w.DueTime == dueTime).Select(w => w.Signal).ToList();
            waiters.RemoveAll(w => w.DueTime == dueTime);
        }
        signals.ForEach(s => s.SetResult());
    }

    private void Remove(ManualTimer timer)
    {
        lock (gate)
        {
            timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualTime clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan Period { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Schedule(this, dueTime, period);
            return true;
        }

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
