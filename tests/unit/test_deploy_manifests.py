"""``deploy/``: the Compose file and the Kubernetes manifests checked against their schemas.

No container engine runs here: the Compose file is validated against the Compose
specification's JSON schema (deploy/schemas/compose-spec.json) and each Kubernetes
manifest against the schemas ``kubernetes-validate`` ships (strict: no unknown field),
offline. Then what docs/scaling.md promises of them: probes, secret files 0400,
disruption budgets, CPU autoscaling, Redis behind Sentinel.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from proxy.stores.connection import SENTINEL_SCHEME, parse_redis_url

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES_VERSION = "1.30.0"
MANIFESTS = sorted((DEPLOY / "kubernetes").glob("*.yaml"))
# the schema's "$schema" says draft 2019-09 (with a URI jsonschema does not know as is)
COMPOSE_DRAFT = jsonschema.Draft201909Validator


def kubernetes_documents() -> list[dict]:
    return [document for path in MANIFESTS
            for document in yaml.safe_load_all(path.read_text()) if document]


def of_kind(kind: str) -> list[dict]:
    return [document for document in kubernetes_documents() if document["kind"] == kind]


@pytest.mark.parametrize("document", kubernetes_documents(),
                         ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_each_kubernetes_manifest_matches_its_schema(document):
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_a_manifest_with_an_unknown_field_is_refused():
    deployment = dict(of_kind("Deployment")[0], replica=3)  # a typo of "replicas"

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_every_deployment_is_probed_mounts_its_secrets_0400_and_is_budgeted_and_scaled():
    budgets = {d["spec"]["selector"]["matchLabels"]["role"] for d in of_kind("PodDisruptionBudget")}
    scaled = {d["spec"]["scaleTargetRef"]["name"]: d for d in of_kind("HorizontalPodAutoscaler")}
    deployments = of_kind("Deployment")

    assert {d["metadata"]["name"] for d in deployments} == {"proxy", "pix"}
    for deployment in deployments:
        pod = deployment["spec"]["template"]["spec"]
        container = pod["containers"][0]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        secrets = [v["secret"] for v in pod["volumes"] if "secret" in v]
        assert secrets
        assert all(secret["defaultMode"] == 0o400 for secret in secrets)
        name = deployment["metadata"]["name"]
        assert name in budgets
        metric = scaled[name]["spec"]["metrics"][0]["resource"]
        assert metric["name"] == "cpu"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_schema() -> dict:
    return yaml.safe_load((DEPLOY / "schemas" / "compose-spec.json").read_text())


def test_the_compose_file_matches_the_compose_specification():
    COMPOSE_DRAFT(compose_schema()).validate(compose())


def test_a_compose_file_with_an_unknown_service_field_is_refused():
    broken = compose()
    broken["services"]["proxy1"] = {**broken["services"]["proxy1"], "replica": 2}

    with pytest.raises(jsonschema.ValidationError):
        COMPOSE_DRAFT(compose_schema()).validate(broken)


def test_one_academy_runs_two_of_each_server_behind_haproxy_with_sentinel_and_postgres():
    services = compose()["services"]

    assert {"haproxy", "proxy1", "proxy2", "pix1", "pix2", "redis-master", "redis-replica",
            "sentinel1", "sentinel2", "sentinel3", "postgres"} <= set(services)
    for name in ("proxy1", "proxy2", "pix1", "pix2"):
        service = services[name]
        assert parse_redis_url(service["environment"]["REDIS_URL"]).scheme == SENTINEL_SCHEME
        assert service["healthcheck"]["test"] == ["CMD", "pixgar", "health"]
        for secret in service["secrets"]:
            if not secret["source"].endswith(".crt"):
                assert secret["mode"] == 0o400, (name, secret)
        for variable, value in service["environment"].items():
            if variable.endswith(("_KEY", "_SECRET", "_SALT", "_KEYS", "PASSWORD")):
                pytest.fail(f"{name}: {variable} given in clear; use {variable}_FILE")
            assert "password" not in str(value).lower()
