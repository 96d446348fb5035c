using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parity.Benchmarks;

/// <summary>
/// The HTTP server of the fan-out benchmark: Kestrel on 127.0.0.1, an ephemeral port, one GET
/// route answering "ok" with a Content-Length (no chunked encoding, so the Python keep-alive
/// client reads a body as simply as HttpClient). One server for both languages' clients, in its
/// own process, so the clients are what differs. Prints its URL, serves until stdin closes.
/// </summary>
public static class LoopbackServer
{
    private static readonly byte[] Body = "ok"u8.ToArray();

    public static async Task<int> ServeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // 1,000 connections arrive at once: a backlog above that avoids SYN retries (1 s each).
        builder.WebHost.UseSockets(options => options.Backlog = 4096);
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.MapGet("/", (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine(address);
        Console.Out.Flush();
        _ = await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }
}
