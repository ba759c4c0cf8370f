namespace HelmSentinel.Plan;

/// <summary>A ConfigMap or Secret a pod template refers to.</summary>
/// <param name="Kind"><c>ConfigMap</c> or <c>Secret</c>.</param>
/// <param name="Namespace">Where the pods run (the object's namespace).</param>
/// <param name="Name">The referenced object's name.</param>
/// <param name="Key">The key an <c>env.valueFrom</c> or a volume's <c>items</c> needs; null for the whole object.</param>
/// <param name="Optional">Marked <c>optional: true</c>: the pods start without it.</param>
/// <param name="PullSecret">An <c>imagePullSecrets</c> entry: the kubelet pulls without it (and fails only for a private image).</param>
/// <param name="Owner">The workload whose pod template refers to it.</param>
/// <param name="Path">Where in that workload.</param>
public sealed record PodReference(string Kind, string Namespace, string Name, string? Key, bool Optional, bool PullSecret, ObjectKey Owner, string Path);
