"""API groups of configuration files a client reads, which no API server serves.

The checker owes them no metadata.name; tools/cluster_dry_run and tools/apiserver_check send
them to no server. This module imports nothing, so that the CI cluster job, which installs
only PyYAML, can import it.
"""

# Read by a client (kind, kubeadm, kubelet, kubectl plugins), never sent to an API server.
CLIENT_CONFIG_GROUPS = frozenset(
    {
        "kind.x-k8s.io",
        "kubeadm.k8s.io",
        "kubelet.config.k8s.io",
        "kubeproxy.config.k8s.io",
        "apiserver.config.k8s.io",
        "kustomize.config.k8s.io",
        "client.authentication.k8s.io",
        "audit.k8s.io",
    }
)
