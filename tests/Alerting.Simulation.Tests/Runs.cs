using Alerting.Core.Messages;

namespace Alerting.Simulation.Tests;

/// <summary>A fully enumerated run, for assertions (small runs only).</summary>
internal sealed record CompletedRun(SimulationOptions Options, ChatTrafficGenerator Generator, List<SimulatedMessage> Messages, List<ExpectedAlert> Expected, SimulationRun Run)
{
    public static CompletedRun Of(SimulationOptions options)
    {
        var generator = new ChatTrafficGenerator(options);
        var run = generator.CreateRun();
        var messages = run.Messages.ToList();
        Assert.True(run.IsComplete);
        return new CompletedRun(options, generator, messages, run.ExpectedAlerts.ToList(), run);
    }

    public Dictionary<string, SimulatedMessage> ById() => Messages.ToDictionary(m => m.Message.MessageId, StringComparer.Ordinal);

    public IEnumerable<SimulatedMessage> AgentMessages => Messages.Where(m => m.Message.Sender == SenderKind.Agent && m.Message.Event == ChatEventKind.Message);
}
