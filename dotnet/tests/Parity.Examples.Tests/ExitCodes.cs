namespace Parity.Examples.Tests;

/// <summary>Exit codes the tests expect of a child that ends in a known way.</summary>
public static class ExitCodes
{
    /// <summary>What Process.Kill() leaves: SIGKILL seen as 128 + 9 on Unix, -1 on Windows.</summary>
    public static int Killed => OperatingSystem.IsWindows() ? -1 : 128 + 9;
}
