namespace Alerting.Simulation;

/// <summary>Writes generated chat as JSON Lines in arrival order: the <c>replay --input</c> format (CONTRACTS.md §3).</summary>
public static class ChatLogFile
{
    /// <summary>Writes one CONTRACTS.md §1 object per line (UTF-8, <c>\n</c>); returns how many were written.</summary>
    public static long Write(Stream output, IEnumerable<SimulatedMessage> messages)
    {
        long n = 0;
        foreach (var m in messages)
        {
            output.Write(m.Utf8Json);
            output.WriteByte((byte)'\n');
            n++;
        }
        return n;
    }

    public static long Write(string path, IEnumerable<SimulatedMessage> messages)
    {
        using var file = File.Create(path);
        return Write(file, messages);
    }
}
