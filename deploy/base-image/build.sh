#!/usr/bin/env bash
# Assembles the local base image of the fitmon images as a docker-save tarball, from the JDK of
# this machine: a jlink runtime in /opt/java, the shared libraries it links against, a nonroot
# user (65532) and the directories the services write to. Needs no registry.
#
#   build.sh OUT_DIR      writes OUT_DIR/fitmon-base.tar and OUT_DIR/extra (files added to every image)
#
# Kept when already built from this script's current inputs. Several Maven modules call it; a lock
# keeps parallel builds from writing at once.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
java_home=${FITMON_BASE_JDK:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,java.xml.crypto,jdk.charsets,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

exec 9>"$out/.lock"
flock 9
stamp=$( (cat "$here/build.sh" "$here/image_tar.py" "$here/HealthProbe.java"; echo "$java_home $modules"; "$java_home/bin/java" -version 2>&1) | sha256sum | cut -c1-16)
if [ -f "$out/fitmon-base.tar" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "base image up to date: $out/fitmon-base.tar"
  exit 0
fi
rm -rf "$out/rootfs" "$out/extra" "$out/fitmon-base.tar" "$out/stamp"
root=$out/rootfs

"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$root/opt/java"
# a JDK whose cacerts is a link to the system store: take the store itself
if [ -L "$java_home/lib/security/cacerts" ] || [ ! -s "$root/opt/java/lib/security/cacerts" ]; then
  rm -f "$root/opt/java/lib/security/cacerts"
  cp -L "$java_home/lib/security/cacerts" "$root/opt/java/lib/security/cacerts"
fi

# every shared library the runtime links against, at the path the loader finds it, plus the loader
{ echo "$root/opt/java/bin/java"; find "$root/opt/java" -name '*.so'; } | while read -r f; do
  ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
done | sort -u | while read -r lib; do
  case "$lib" in "$root"/*) continue ;; esac
  cp -L --parents "$lib" "$root"
done
mkdir -p "$root/etc"
printf '%s\n' /opt/java/lib /opt/java/lib/server /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib /usr/lib > "$root/etc/ld.so.conf"
ldconfig -r "$root" 2>/dev/null || true
"$root/opt/java/bin/java" -version >/dev/null 2>&1 || { echo "the assembled runtime does not start" >&2; exit 1; }

printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
mkdir -p "$root/tmp" "$root/home/nonroot" "$root/var/lib/fitmon/data" "$root/var/lib/fitmon/keys" \
  "$root/var/lib/fitmon/bootstrap"

# added to every image by Jib, whatever the base: the health check the compose file runs
mkdir -p "$out/extra/opt/fitmon/health"
"$java_home/bin/javac" --release 17 -d "$out/extra/opt/fitmon/health" "$here/HealthProbe.java"

python3 "$here/image_tar.py" "$root" "$out/fitmon-base.tar"
rm -rf "$root"
echo "$stamp" > "$out/stamp"
echo "base image: $out/fitmon-base.tar"
