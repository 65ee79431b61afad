using Alerting.Core.Config;

namespace Alerting.Core.Pipeline;

/// <summary>
/// A partition's event time: one <see cref="StoreClock"/> per store it holds, and the partition's shared clock — the
/// second-highest store clock, i.e. the furthest point two different stores have reached. Every store's timers also
/// fire on the shared clock, so a quiet store on a busy partition is not held back by its own silence, yet no single
/// store — whatever its records say — can move it. Mutated only by the partition's pipeline thread.
/// </summary>
internal sealed class StoreClocks(ConversationStore store, IRulesSource rules, TimeProvider wallClock, bool checkWallClock)
{
    private readonly Dictionary<string, StoreClock> _stores = new(StringComparer.Ordinal);
    /// <summary>The store whose clock is furthest ahead, and that clock.</summary>
    private string? _topStore;
    private DateTimeOffset _top = DateTimeOffset.MinValue;
    private DateTimeOffset _progress = DateTimeOffset.MinValue;

    /// <summary>The shared clock (see the class summary); MinValue until two stores have a clock.</summary>
    public DateTimeOffset Shared { get; private set; } = DateTimeOffset.MinValue;

    public int Count => _stores.Count;

    public IEnumerable<StoreClock> All => _stores.Values;

    /// <summary>
    /// The partition's progress: the lowest deadline clock of its stores (the shared clock when that is ahead), so every
    /// wait outcome before it is decided. Only moves forward.
    /// </summary>
    public DateTimeOffset Progress
    {
        get
        {
            if (_stores.Count == 0) return _progress;
            var lowest = DateTimeOffset.MaxValue;
            foreach (var store in _stores.Values)
                if (store.Watermark < lowest) lowest = store.Watermark;
            if (Shared > lowest) lowest = Shared;
            if (lowest > _progress) _progress = lowest;
            return _progress;
        }
    }

    /// <summary>The clock of a store the partition holds (every conversation's store has one).</summary>
    public StoreClock this[string shopId] => _stores[shopId];

    /// <summary>The store's clock, started (with its interned id) on the store's first record.</summary>
    public StoreClock Of(string shopId)
    {
        if (_stores.TryGetValue(shopId, out var clock)) return clock;
        clock = new StoreClock(store.Intern(shopId));
        _stores.Add(clock.ShopId, clock);
        return clock;
    }

    /// <summary>A store's deadline clock in force: its own, or the shared clock when that is ahead.</summary>
    public DateTimeOffset ClockFor(StoreClock clock) => clock.Watermark > Shared ? clock.Watermark : Shared;

    /// <summary>Keeps the highest store clock and the second highest (<see cref="Shared"/>) up to date; clocks only grow.</summary>
    public void Track(StoreClock clock)
    {
        var to = clock.Watermark;
        // Live, no store's records can carry the shared clock past now (less the disorder allowance): two stores
        // dated a few minutes ahead, within the skew check, must not fire a third store's deadlines early.
        if (checkWallClock && wallClock.GetUtcNow() - rules.Current.AllowedDisorder is var now && to > now) to = now;
        if (string.Equals(clock.ShopId, _topStore, StringComparison.Ordinal))
        {
            if (to > _top) _top = to;
        }
        else if (to > _top)
        {
            Shared = _top;
            _top = to;
            _topStore = clock.ShopId;
        }
        else if (to > Shared)
        {
            Shared = to;
        }
    }

    /// <summary>
    /// Sets every store's next eviction point a minute ahead of its clock, and forgets each store with nothing left
    /// whose clock is more than <paramref name="idleAfter"/> behind the furthest one (its next record starts a new clock).
    /// </summary>
    public void ForgetIdleStores(TimeSpan idleAfter)
    {
        var highest = DateTimeOffset.MinValue;
        foreach (var clock in _stores.Values)
            if (clock.Watermark > highest) highest = clock.Watermark;
        List<string>? gone = null;
        foreach (var clock in _stores.Values)
        {
            clock.NextEviction = clock.Watermark + TimeSpan.FromMinutes(1);
            if (clock.Conversations == 0 && clock.Watermark < highest - idleAfter) (gone ??= []).Add(clock.ShopId);
        }
        if (gone is not null)
            foreach (var shop in gone) _stores.Remove(shop);
    }
}
