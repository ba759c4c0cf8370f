using k8s.Authentication;

namespace HelmSentinel.Kubernetes;

/// <summary>
/// Plain HTTP to the API server a kubeconfig names, with its credentials and certificates, for requests the typed client
/// does not model with their status and body: the service and pod proxy (<c>/api/v1/namespaces/NS/services/NAME:PORT/proxy/...</c>),
/// which reaches an application in the cluster without a network route from the runner into it.
/// </summary>
public sealed class ApiServerHttp : IDisposable
{
    private readonly k8s.Kubernetes _client;

    private ApiServerHttp(k8s.Kubernetes client, HttpMessageHandler handler, ServiceClientCredentials? credentials)
    {
        _client = client;
        BaseUri = client.BaseUri;
        Http = new HttpClient(new Authenticating(new HttpMessageInvoker(handler, disposeHandler: false), credentials))
        {
            // Each request has its own timeout (the check's); this one only bounds a caller that gave none.
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    /// <summary>The API server's root, as the kubeconfig's cluster names it (a path prefix included).</summary>
    public Uri BaseUri { get; }

    /// <summary>Sends with the kubeconfig's credentials (token, basic, exec or client certificate) and its CA.</summary>
    public HttpClient Http { get; }

    /// <summary>Connects as helm and kubectl would with this kubeconfig and context.</summary>
    /// <param name="kubeconfig">Path of the kubeconfig; null = the default.</param>
    /// <param name="context">Kubeconfig context; null = the current one.</param>
    /// <exception cref="k8s.Exceptions.KubeConfigException">The kubeconfig cannot be loaded.</exception>
    public static ApiServerHttp Create(string? kubeconfig, string? context)
    {
        var config = KubeconfigLoader.ClientConfiguration(kubeconfig, context);

        // The typed client sets up its innermost handler from the kubeconfig (CA, client certificate, skip-verify); that
        // handler, owned by the client, carries these requests too.
        HttpMessageHandler? handler = null;
        var setup = config.FirstMessageHandlerSetup;
        config.FirstMessageHandlerSetup = h =>
        {
            setup?.Invoke(h);
            handler = h;
        };
        var client = new k8s.Kubernetes(config);
        return new ApiServerHttp(client, handler ?? throw new InvalidOperationException("the Kubernetes client set up no HTTP handler"), k8s.Kubernetes.CreateCredentials(config));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Http.Dispose();
        _client.Dispose();
    }

    // The typed client applies its credentials per request, outside its handler pipeline; so does this.
    private sealed class Authenticating(HttpMessageInvoker inner, ServiceClientCredentials? credentials) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (credentials is not null)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken);
            }

            return await inner.SendAsync(request, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
