namespace HelmSentinel.TestSupport;

/// <summary>Waiting for a cluster condition in tests, with a bound and a message that says what never happened.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms; throws a <see cref="TimeoutException"/> naming
    /// <paramref name="what"/> after <paramref name="patience"/> (default 30 s).</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? patience = null) =>
        WaitUntilAsync(condition, () => what, patience);

    /// <summary>As above; <paramref name="what"/> is asked when it never happened, so it can say what was seen instead.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> what, TimeSpan? patience = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("gave up waiting until " + what());
            }

            await Task.Delay(100);
        }
    }
}
