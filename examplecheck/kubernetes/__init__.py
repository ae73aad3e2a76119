"""The Kubernetes checks: ``check.py`` runs them; ``engines/`` validate against the schemas
(kubeconform, or the in-process engine where its binary is absent); ``rules/`` are the API
server's and the example sets' rules; the rest reads documents (Lists, keys, line mapping)."""
