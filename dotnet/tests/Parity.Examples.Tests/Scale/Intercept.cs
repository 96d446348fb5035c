using System.Reflection;
using StackExchange.Redis;

namespace Parity.Examples.Tests.Scale;

/// <summary>
/// An IDatabase that runs a step of the test's own just before one named method, then forwards
/// every call: how a test puts another client's command between two of a worker's, in order.
/// </summary>
public class Intercept : DispatchProxy
{
    private IDatabase _inner = null!;
    private string _method = string.Empty;
    private Func<Task>? _before;

    public static IDatabase Before(IDatabase inner, string method, Func<Task> before)
    {
        var proxy = Create<IDatabase, Intercept>();
        var self = (Intercept)(object)proxy;
        (self._inner, self._method, self._before) = (inner, method, before);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == _method && Interlocked.Exchange(ref _before, null) is { } step)
        {
            step().GetAwaiter().GetResult(); // once, before the call it guards
        }
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }
}
