namespace Parity.Examples.Tests.Fault;

/// <summary>A fact that runs only on Linux; elsewhere xunit reports it skipped, with the reason.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that runs only on Unix (Linux, macOS); on Windows xunit reports it skipped, with the reason.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute(string reason)
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that runs only on Windows; elsewhere xunit reports it skipped, with the reason.</summary>
public sealed class WindowsFactAttribute : FactAttribute
{
    public WindowsFactAttribute(string reason)
    {
        if (!OperatingSystem.IsWindows())
        {
            Skip = reason;
        }
    }
}
