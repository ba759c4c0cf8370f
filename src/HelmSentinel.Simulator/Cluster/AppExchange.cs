namespace HelmSentinel.Simulator.Cluster;

/// <summary>A request the API server's proxy hands to a simulated app.</summary>
/// <param name="Method">The HTTP method, as sent.</param>
/// <param name="Port">The port on the pod it was sent to.</param>
/// <param name="Path">The path on the app, from <c>/</c> (the part after <c>/proxy</c>).</param>
/// <param name="Query">The query string as sent, without <c>?</c>; empty when there is none.</param>
public sealed record AppRequest(string Method, int Port, string Path, string Query);

/// <summary>A simulated app's answer.</summary>
/// <param name="Code">The HTTP status code.</param>
/// <param name="ContentType">The <c>Content-Type</c> header.</param>
/// <param name="Body">The body (not sent for HEAD).</param>
public sealed record AppAnswer(int Code, string ContentType, string Body);
