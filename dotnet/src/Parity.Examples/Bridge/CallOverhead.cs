namespace Parity.Examples.Bridge;

/// <summary>bridge.call-overhead: methods that do nearly nothing, so timing them times the crossing.</summary>
public static class CallOverhead
{
    // <calls>
    public static long Identity(long value) => value;

    public static int Length(long[] values) => values.Length;
    // </calls>
}
