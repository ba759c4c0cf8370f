using System.Net.Http.Headers;
using System.Text;

namespace HelmSentinel;

/// <summary>The JSON REST requests the Azure Repos reporter and the GitOps clients send: a bearer token when there is
/// one, JSON accepted, a JSON body when there is one. A new message for each attempt: a sent one cannot be sent again.</summary>
internal static class JsonHttp
{
    /// <summary>A request to <paramref name="uri"/>.</summary>
    /// <param name="method">The method.</param>
    /// <param name="uri">Where.</param>
    /// <param name="bearerToken">The token, or null for none.</param>
    /// <param name="json">The body as JSON text, or null for none.</param>
    public static HttpRequestMessage Request(HttpMethod method, Uri uri, string? bearerToken, string? json)
    {
        var request = new HttpRequestMessage(method, uri);
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }
}
