"""Writes a directory as a one-layer image in the `docker save` tarball layout (manifest.json,
config, layer.tar), with fixed owners and times so equal inputs give equal bytes. Owner rules:
everything root:root except /tmp (1777) and /home/nonroot, /var/lib/fitmon (65532:65532)."""
import hashlib
import io
import json
import os
import sys
import tarfile

NONROOT = 65532
OWNED = ("home/nonroot", "var/lib/fitmon")


def layer_bytes(root):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for directory, dirs, files in os.walk(root):
            dirs.sort()
            for name in sorted(dirs) + sorted(files):
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, root)
                info = tar.gettarinfo(path, arcname=relative)
                info.mtime = 0
                info.uname = info.gname = ""
                owned = any(relative == p or relative.startswith(p + "/") for p in OWNED)
                info.uid = info.gid = NONROOT if owned else 0
                if relative == "tmp":
                    info.mode = 0o1777
                elif info.isdir():
                    info.mode = 0o750 if owned else 0o755
                if info.isfile():
                    with open(path, "rb") as content:
                        tar.addfile(info, content)
                else:
                    tar.addfile(info)
    return buffer.getvalue()


def main(root, target):
    layer = layer_bytes(root)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": ["PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
            "User": "65532:65532",
            "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "fitmon deploy/base-image/build.sh: jlink runtime and its libraries"}],
    }
    config_bytes = json.dumps(config, sort_keys=True).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    manifest = [{"Config": config_name, "RepoTags": ["fitmon/base:local"], "Layers": ["layer.tar"]}]
    with tarfile.open(target, mode="w") as out:
        for name, data in (("layer.tar", layer), (config_name, config_bytes),
                           ("manifest.json", json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            out.addfile(info, io.BytesIO(data))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
