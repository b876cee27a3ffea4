#!/usr/bin/env python3
"""Rewrites the file lists in k8s/ from routes/*.camel.yaml and templates/<subfolder>/.

Kustomize cannot take a directory and a ConfigMap is flat, so every route file and every template
folder is named in several manifests. After adding a route file or a template (folder), run

    python3 k8s/sync-files.py

and commit the result; K8sManifestsTest fails and names what is missing if you forget.
Only the generated blocks are rewritten; everything else in the files is left as it is.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
K8S = ROOT / "k8s"
routes = sorted(p.name for p in (ROOT / "routes").glob("*.camel.yaml"))
folders = sorted(p.name for p in (ROOT / "templates").iterdir() if p.is_dir())
templates = {f: sorted(p.name for p in (ROOT / "templates" / f).iterdir() if p.is_file()) for f in folders}


def replace_block(text, start_pattern, end_pattern, new_block, path):
    """Replaces the text between a line matching start_pattern and the next line matching end_pattern."""
    m = re.search(start_pattern, text, re.M)
    if not m:
        raise SystemExit(f"{path}: no line matching {start_pattern!r}")
    e = re.compile(end_pattern, re.M).search(text, m.end())
    if not e:
        raise SystemExit(f"{path}: no end after {start_pattern!r}")
    return text[:m.end()] + new_block + text[e.start():]


def generator_files(prefix, first=()):
    return "".join(f"      - {f}\n" for f in first) + "".join(f"      - ../../routes/{r}\n" for r in routes)


def template_generators(name_prefix, fixed_name):
    out = []
    for f in folders:
        out.append(f"  - name: {name_prefix}-{f}\n    files:\n")
        out.extend(f"      - ../../templates/{f}/{t}\n" for t in templates[f])
        if fixed_name:
            out.append("    options:\n      disableNameSuffixHash: true\n")
    return "".join(out)


def sync_kustomization(path, routes_name, first, templates_prefix, fixed_name):
    text = path.read_text()
    text = replace_block(text, rf"^  - name: {routes_name}\n    files:\n", r"^  (- name|#)", generator_files("", first), path)
    # the template generators are the last block of the configMapGenerator list
    start = re.search(rf"^  - name: {templates_prefix}-", text, re.M)
    end = re.compile(r"^\S", re.M).search(text, start.start())
    text = text[:start.start()] + template_generators(templates_prefix, fixed_name) + ("\n" + text[end.start():] if end else "")
    path.write_text(text)


def sync_workload(path):
    text = path.read_text()
    # drop the generated template mounts and volumes, then put them back after the routes ones
    text = re.sub(r"^ *# templates/<subfolder>.*\n", "", text, flags=re.M)
    text = re.sub(r"^            - name: templates-\S+\n              mountPath: [^\n]+\n              readOnly: true\n", "", text, flags=re.M)
    text = re.sub(r"^        - name: templates-\S+\n          configMap:\n            name: [^\n]+\n", "", text, flags=re.M)
    mounts = "            # templates/<subfolder>, one ConfigMap each (the image's templates/ stays beneath them)\n" + "".join(
        f"            - name: templates-{f}\n              mountPath: /app/templates/{f}\n              readOnly: true\n" for f in folders)
    routes_mount = "            - name: routes\n              mountPath: /app/routes\n              readOnly: true\n"
    routes_volume = "        - name: routes\n          configMap:\n            name: storeganise-hub-routes\n"
    if routes_mount not in text or routes_volume not in text:
        raise SystemExit(f"{path}: the routes mount or volume is not where expected")
    text = text.replace(routes_mount, routes_mount + mounts)
    volumes = "".join(f"        - name: templates-{f}\n          configMap:\n            name: storeganise-hub-templates-{f}\n" for f in folders)
    text = text.replace(routes_volume, routes_volume + volumes)
    path.write_text(text)


def sync_integration(path):
    text = path.read_text()
    sources = "".join(f"    - name: {r}\n      contentRef: storeganise-hub-camel-k-sources\n      contentKey: {r}\n" for r in routes)
    text = replace_block(text, r"^      contentKey: infrastructure\.camel\.yaml\n", r"^  \S", sources, path)
    resources = "".join(f'        - "configmap:storeganise-hub-camel-k-templates-{f}@/deployments/templates/{f}"\n' for f in folders)
    text = replace_block(text, r"^      resources:\n", r"^    \S", resources, path)
    path.write_text(text)


def sync_kamel_run(path):
    lines = [l for l in path.read_text().splitlines(keepends=True)
             if "--resource configmap:storeganise-hub-camel-k-templates-" not in l]
    at = next(i for i, l in enumerate(lines) if l.lstrip().startswith("--dependency"))
    new = [f"  --resource configmap:storeganise-hub-camel-k-templates-{f}@/deployments/templates/{f} \\\n" for f in folders]
    path.write_text("".join(lines[:at] + new + lines[at:]))


sync_kustomization(K8S / "base/kustomization.yaml", "storeganise-hub-routes", (), "storeganise-hub-templates", False)
sync_kustomization(K8S / "camel-k/kustomization.yaml", "storeganise-hub-camel-k-sources", ("infrastructure.camel.yaml",),
                   "storeganise-hub-camel-k-templates", True)
sync_workload(K8S / "base/deployment.yaml")
sync_workload(K8S / "overlays/single/statefulset.yaml")
sync_integration(K8S / "camel-k/integration.yaml")
sync_kamel_run(K8S / "camel-k/kamel-run.sh")
print(f"{len(routes)} route files, template folders: {', '.join(folders)}")
