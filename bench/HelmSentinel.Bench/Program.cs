using HelmSentinel.Bench;

var (options, error) = BenchOptions.Parse(args);
if (options is null)
{
    await Console.Error.WriteLineAsync(error);
    return 3;
}

await using var runner = new BenchRunner(options, Console.Out);
return await runner.RunAsync();
