using Alerting.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Alerting.IntegrationTests.Redis;

/// <summary>The retry/circuit policy alone, on fake time (no Redis needed).</summary>
public sealed class RedisResilienceTests
{
    private static RedisResilience Create(FakeTimeProvider time, int maxRetries = int.MaxValue) => new("test", new RedisAlertingOptions
    {
        MaxRetryAttempts = maxRetries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
        RetryMaxDelay = TimeSpan.FromSeconds(1),
        BreakerMinimumThroughput = 4,
        BreakerBreakDuration = TimeSpan.FromSeconds(5),
    }, NullLogger.Instance, time);

    /// <summary>Advances fake time in small steps until the task finishes (bounded).</summary>
    private static async Task<T> DriveAsync<T>(FakeTimeProvider time, Task<T> task)
    {
        for (var i = 0; i < 10_000 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            // Let the pipeline's continuations (thread pool) catch up before time moves on; a bare
            // Task.Yield let 10,000 steps race past a loaded machine's scheduler.
            await Task.WhenAny(task, Task.Delay(2));
        }
        Assert.True(task.IsCompleted, "operation did not finish within 1000 s of fake time");
        return await task;
    }

    [Fact]
    public async Task Execute_WhenRedisDown_RetriesThroughOpenCircuitUntilItAnswers()
    {
        var time = new FakeTimeProvider();
        var resilience = Create(time);
        var calls = 0;
        var sawOpen = false;

        var task = resilience.Pipeline.ExecuteAsync(_ =>
        {
            sawOpen |= resilience.CircuitState == CircuitState.HalfOpen;
            return ++calls <= 20
                ? ValueTask.FromException<int>(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "down"))
                : ValueTask.FromResult(42);
        }).AsTask();

        Assert.Equal(42, await DriveAsync(time, task));
        Assert.True(sawOpen, "circuit should have opened and let probes through");
        Assert.Equal(21, calls);
        Assert.True(resilience.FailedAttempts >= 20);
        Assert.True(resilience.IsHealthy);
    }

    [Fact]
    public async Task Execute_NonTransientServerError_IsNotRetried()
    {
        var time = new FakeTimeProvider();
        var resilience = Create(time);
        var calls = 0;

        var task = resilience.Pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new RedisServerException("WRONGTYPE Operation against a key holding the wrong kind of value");
        }).AsTask();

        await Assert.ThrowsAsync<RedisServerException>(() => DriveAsync(time, task));
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData("LOADING Redis is loading the dataset in memory", true)]
    [InlineData("BUSY Redis is busy running a script", true)]
    [InlineData("READONLY You can't write against a read only replica.", true)]
    [InlineData("OOM command not allowed when used memory > 'maxmemory'.", true)]
    [InlineData("ERR syntax error", false)]
    public void IsTransient_ServerErrors_ClassifiedByPrefix(string message, bool transient)
        => Assert.Equal(transient, RedisResilience.IsTransient(new RedisServerException(message)));

    [Fact]
    public async Task Execute_BoundedRetries_ThrowsLastErrorWhenExhausted()
    {
        var time = new FakeTimeProvider();
        var resilience = Create(time, maxRetries: 3);
        var calls = 0;

        var task = resilience.Pipeline.ExecuteAsync<int>(_ =>
        {
            calls++;
            throw new RedisTimeoutException("timeout", CommandStatus.Sent);
        }).AsTask();

        await Assert.ThrowsAsync<RedisTimeoutException>(() => DriveAsync(time, task));
        Assert.Equal(4, calls);
    }
}
