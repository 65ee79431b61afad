namespace Alerting.Simulation;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Used instead of <see cref="Random"/> so that a seed gives
/// the same stream on every .NET release and platform (the byte-identical-output promise); only
/// integer arithmetic and basic IEEE operations are used, never Math.Log/Exp (which may differ by
/// an ulp between platforms' C runtimes).
/// </summary>
internal sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    private SimRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>An independent stream for (<paramref name="seed"/>, <paramref name="stream"/>, <paramref name="index"/>).</summary>
    public static SimRandom Create(int seed, ulong stream, long index)
    {
        ulong x = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ stream * 0xBF58476D1CE4E5B9UL ^ (ulong)index * 0x94D049BB133111EBUL);
        x = unchecked(x + (ulong)index + (stream << 32));
        return new SimRandom(x);
    }

    private static ulong SplitMix(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>); unbiased (rejection sampling).</summary>
    public long NextLong(long maxExclusive)
    {
        if (maxExclusive <= 1) return 0;
        var bound = (ulong)maxExclusive;
        var limit = ulong.MaxValue - (ulong.MaxValue % bound);
        ulong r;
        do { r = NextUInt64(); } while (r >= limit);
        return (long)(r % bound);
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="maxInclusive"/>].</summary>
    public long Between(long min, long maxInclusive) => maxInclusive <= min ? min : min + NextLong(maxInclusive - min + 1);

    public int Next(int maxExclusive) => (int)NextLong(maxExclusive);

    public int Between(int min, int maxInclusive) => (int)Between((long)min, maxInclusive);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => probability > 0 && NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Exponentially distributed with the given mean, via a platform-independent logarithm.</summary>
    public double Exponential(double mean)
    {
        var u = 1.0 - NextDouble(); // (0, 1]
        return -Ln(u) * mean;
    }

    /// <summary>
    /// Natural logarithm from basic IEEE operations only (deterministic everywhere): reduce to
    /// m in [0.5, 1) with x = m·2^k, then ln m = 2·atanh((m−1)/(m+1)) by its series (|z| ≤ 1/3,
    /// 30 terms is far below double precision).
    /// </summary>
    internal static double Ln(double x)
    {
        if (x <= 0) return double.NegativeInfinity;
        int k = 0;
        while (x < 0.5) { x *= 2; k--; }
        while (x >= 1.0) { x /= 2; k++; }
        double z = (x - 1) / (x + 1), z2 = z * z, term = z, sum = 0;
        for (int n = 1; n < 60; n += 2)
        {
            sum += term / n;
            term *= z2;
        }
        const double Ln2 = 0.69314718055994530942;
        return 2 * sum + k * Ln2;
    }
}
