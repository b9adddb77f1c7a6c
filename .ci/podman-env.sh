# Sourced by the .ci/podman-*, registry-* and images-* scripts: one place for the settings that make podman
# work on this kind of machine (../shared/notes/environment.md) without touching /etc.
#   SMTK_IMAGES_STATE  where configs, sockets, logs, the registry's data and pid files live (kept across runs)
smtk_state=${SMTK_IMAGES_STATE:-/var/tmp/smtk-images}
mkdir -p "$smtk_state"

# crun cannot set RLIMIT_NOFILE here and rejects the hybrid cgroup layout: runc + cgroupfs + fixed ulimits.
cat > "$smtk_state/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
# The test registry speaks plain HTTP on 127.0.0.1 only; nothing else is trusted without TLS.
cat > "$smtk_state/registries.conf" <<'CONF'
unqualified-search-registries = []
[[registry]]
location = "127.0.0.1:5000"
insecure = true
CONF
export CONTAINERS_CONF="$smtk_state/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$smtk_state/registries.conf"

smtk_registry=127.0.0.1:5000
smtk_podman_socket="$smtk_state/podman.sock"

# True when a live process has the pid in the given pid file.
smtk_alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}
