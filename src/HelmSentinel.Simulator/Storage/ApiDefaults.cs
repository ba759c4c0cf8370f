using System.Text.Json.Nodes;

namespace HelmSentinel.Simulator.Storage;

/// <summary>
/// The defaults a real apiserver fills on create and update. Only missing fields are filled, so
/// objects written by controllers keep what they set. Helm 3 dereferences some of them (spec.replicas).
/// </summary>
internal sealed class ApiDefaults
{
    private int _nextClusterIp = 10;
    private int _nextNodePort = 30000;

    public void Apply(ResourceType type, JsonObject obj, JsonObject? previous)
    {
        var meta = obj.Obj("metadata");
        if (type == ResourceTypes.Namespaces)
        {
            meta.Obj("labels").Default("kubernetes.io/metadata.name", meta.Text("name") ?? string.Empty);
            obj.Obj("spec").Default("finalizers", new JsonArray("kubernetes"));
            obj.Obj("status").Default("phase", "Active");
        }
        else if (type == ResourceTypes.Secrets)
        {
            obj.Default("type", "Opaque");
        }
        else if (type == ResourceTypes.Services)
        {
            ServiceDefaults(obj, previous);
        }
        else if (type == ResourceTypes.Pods)
        {
            PodSpecDefaults(obj.Obj("spec"));
            var status = obj.Obj("status");
            status.Default("phase", "Pending");
            status.Default("qosClass", "BestEffort");
        }
        else if (type == ResourceTypes.PersistentVolumeClaims)
        {
            obj.Obj("spec").Default("volumeMode", "Filesystem");
            obj.Obj("status").Default("phase", "Pending");
        }
        else if (type == ResourceTypes.Deployments)
        {
            var spec = obj.Obj("spec");
            spec.Default("replicas", 1);
            spec.Default("revisionHistoryLimit", 10);
            spec.Default("progressDeadlineSeconds", 600);
            var strategy = spec.Obj("strategy");
            strategy.Default("type", "RollingUpdate");
            if (strategy.Text("type") == "RollingUpdate")
            {
                var rolling = strategy.Obj("rollingUpdate");
                rolling.Default("maxUnavailable", "25%");
                rolling.Default("maxSurge", "25%");
            }

            TemplateDefaults(spec);
        }
        else if (type == ResourceTypes.ReplicaSets)
        {
            var spec = obj.Obj("spec");
            spec.Default("replicas", 1);
            TemplateDefaults(spec);
        }
        else if (type == ResourceTypes.StatefulSets)
        {
            var spec = obj.Obj("spec");
            spec.Default("replicas", 1);
            spec.Default("podManagementPolicy", "OrderedReady");
            spec.Default("revisionHistoryLimit", 10);
            var strategy = spec.Obj("updateStrategy");
            strategy.Default("type", "RollingUpdate");
            if (strategy.Text("type") == "RollingUpdate")
            {
                strategy.Obj("rollingUpdate").Default("partition", 0);
            }

            var retention = spec.Obj("persistentVolumeClaimRetentionPolicy");
            retention.Default("whenDeleted", "Retain");
            retention.Default("whenScaled", "Retain");
            TemplateDefaults(spec);
        }
        else if (type == ResourceTypes.DaemonSets)
        {
            var spec = obj.Obj("spec");
            spec.Default("revisionHistoryLimit", 10);
            var strategy = spec.Obj("updateStrategy");
            strategy.Default("type", "RollingUpdate");
            if (strategy.Text("type") == "RollingUpdate")
            {
                var rolling = strategy.Obj("rollingUpdate");
                rolling.Default("maxUnavailable", 1);
                rolling.Default("maxSurge", 0);
            }

            TemplateDefaults(spec);
        }
        else if (type == ResourceTypes.Jobs)
        {
            JobDefaults(obj);
        }
    }

    private static void TemplateDefaults(JsonObject spec)
    {
        var template = spec.Obj("template");
        template.Obj("metadata");
        PodSpecDefaults(template.Obj("spec"));
    }

    private static void PodSpecDefaults(JsonObject podSpec)
    {
        podSpec.Default("restartPolicy", "Always");
        podSpec.Default("terminationGracePeriodSeconds", 30);
        podSpec.Default("dnsPolicy", "ClusterFirst");
        podSpec.Default("schedulerName", "default-scheduler");
        podSpec.Default("securityContext", new JsonObject());
        foreach (var list in new[] { "containers", "initContainers" })
        {
            foreach (var container in podSpec.Items(list))
            {
                var image = container.Text("image") ?? string.Empty;
                var lastSegment = image[(image.LastIndexOf('/') + 1)..];
                var latest = !lastSegment.Contains(':', StringComparison.Ordinal) && !image.Contains('@', StringComparison.Ordinal)
                    || lastSegment.EndsWith(":latest", StringComparison.Ordinal);
                container.Default("imagePullPolicy", latest ? "Always" : "IfNotPresent");
                container.Default("terminationMessagePath", "/dev/termination-log");
                container.Default("terminationMessagePolicy", "File");
                container.Default("resources", new JsonObject());
                foreach (var port in container.Items("ports"))
                {
                    port.Default("protocol", "TCP");
                }

                foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
                {
                    if (container[probe] is JsonObject p)
                    {
                        p.Default("timeoutSeconds", 1);
                        p.Default("periodSeconds", 10);
                        p.Default("successThreshold", 1);
                        p.Default("failureThreshold", 3);
                        if (p["httpGet"] is JsonObject http)
                        {
                            http.Default("scheme", "HTTP");
                        }
                    }
                }
            }
        }
    }

    private void ServiceDefaults(JsonObject obj, JsonObject? previous)
    {
        var spec = obj.Obj("spec");
        spec.Default("type", "ClusterIP");
        spec.Default("sessionAffinity", "None");
        var type = spec.Text("type");
        if (type != "ExternalName")
        {
            if (spec["clusterIP"] is null && previous.Text("spec.clusterIP") is { } kept)
            {
                spec["clusterIP"] = kept;
            }

            // An update that empties an allocated clusterIP gets no new one: validation refuses it ("can not be unset").
            var unset = spec.Text("clusterIP") == string.Empty && previous.Text("spec.clusterIP") is { Length: > 0 };
            if (!unset && (spec["clusterIP"] is null || spec.Text("clusterIP") == string.Empty))
            {
                var n = Interlocked.Increment(ref _nextClusterIp);
                spec["clusterIP"] = $"10.96.{n / 256}.{n % 256}";
            }

            if (!unset)
            {
                spec.Default("clusterIPs", new JsonArray(spec.Text("clusterIP")));
            }

            spec.Default("ipFamilies", new JsonArray("IPv4"));
            spec.Default("ipFamilyPolicy", "SingleStack");
            spec.Default("internalTrafficPolicy", "Cluster");
        }

        var previousPorts = previous?.At("spec") is JsonObject ps ? ps.Items("ports").ToList() : [];
        foreach (var port in spec.Items("ports"))
        {
            port.Default("protocol", "TCP");
            if (type != "ExternalName")
            {
                port.Default("targetPort", port["port"]?.DeepClone() ?? 0);
            }

            if (type is "NodePort" or "LoadBalancer" && port["nodePort"] is null)
            {
                var old = previousPorts.FirstOrDefault(p => p.Long("port") == port.Long("port"))?.Long("nodePort");
                port["nodePort"] = old ?? Interlocked.Increment(ref _nextNodePort);
            }
        }

        obj.Obj("status").Default("loadBalancer", new JsonObject());
    }

    private static void JobDefaults(JsonObject obj)
    {
        var spec = obj.Obj("spec");
        spec.Default("backoffLimit", 6);
        spec.Default("completions", 1);
        spec.Default("parallelism", 1);
        spec.Default("completionMode", "NonIndexed");
        spec.Default("suspend", false);
        spec.Default("podReplacementPolicy", "TerminatingOrFailed");
        var uid = obj.Text("metadata.uid") ?? string.Empty;
        var name = obj.Text("metadata.name") ?? string.Empty;
        if (spec.Text("manualSelector") != "true")
        {
            spec.Obj("selector").Obj("matchLabels").Default("batch.kubernetes.io/controller-uid", uid);
            var labels = spec.Obj("template").Obj("metadata").Obj("labels");
            labels.Default("batch.kubernetes.io/controller-uid", uid);
            labels.Default("batch.kubernetes.io/job-name", name);
            labels.Default("controller-uid", uid);
            labels.Default("job-name", name);
        }

        TemplateDefaults(spec);
    }
}
