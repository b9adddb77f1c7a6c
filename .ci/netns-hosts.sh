#!/usr/bin/env bash
# Simulates several SageMaker hosts on one machine with network namespaces (needs root and iproute2).
#
#   netns-hosts.sh up N PREFIX     creates hosts PREFIX1..PREFIXN (N >= 1) and a switch PREFIXsw
#   netns-hosts.sh down PREFIX [--kill-stragglers]
#                                  deletes them; safe to run any number of times, also after a
#                                  failed or partial `up`
#
# Topology: every host namespace has one veth `eth0` whose peer sits in the switch namespace, where a
# Linux bridge joins them; nothing touches the root namespace's interfaces, routes or bridges. Host K
# gets 10.123.X.K/24, with X derived from PREFIX (override with NETNS_SUBNET_OCTET) so that clusters
# of concurrent runs have distinct subnets. /etc/netns/PREFIXK/hosts maps algo-1..algo-N, which
# `ip netns exec` mounts over /etc/hosts.
#
# `up` prints one line per host on stdout: `algo-K NAMESPACE ADDRESS`; progress goes to stderr.
# Never send traffic to these addresses from the root namespace: they are not routed locally, and the
# packets would leave the machine. Start clients inside a namespace (`ip netns exec PREFIX1 ...`).
#
# `down` only warns about processes still running in the namespaces (the caller that started them
# should end them by PID); with --kill-stragglers it sends them SIGKILL, by PID, before deleting.
set -euo pipefail

usage() {
  echo "usage: $0 up N PREFIX | down PREFIX [--kill-stragglers]" >&2
  exit 2
}

check_prefix() {
  # Ending in a non-digit keeps PREFIX1 of one cluster from being PREFIX's host 11 of another.
  if ! [[ "$1" =~ ^[A-Za-z][A-Za-z0-9_-]{0,19}[A-Za-z_-]$ ]]; then
    echo "netns-hosts: invalid prefix '$1' (2-21 chars of [A-Za-z0-9_-], starting with a letter, not ending in a digit)" >&2
    exit 2
  fi
}

# Namespaces of this cluster that exist now, one per line.
cluster_namespaces() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1([0-9]+|sw)\$" || true
}

down() {
  local prefix=$1 kill_stragglers=$2 ns pids
  for ns in $(cluster_namespaces "$prefix"); do
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ' || true)
    if [ -n "${pids// /}" ]; then
      if [ "$kill_stragglers" = yes ]; then
        echo "netns-hosts: killing processes left in $ns: $pids" >&2
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
      else
        echo "netns-hosts: warning: processes still running in $ns: $pids" >&2
      fi
    fi
    ip netns del "$ns" 2>/dev/null || echo "netns-hosts: warning: could not delete $ns" >&2
  done
  for dir in /etc/netns/"$prefix"*; do
    [ -e "$dir" ] || continue
    if [[ "$(basename "$dir")" =~ ^${prefix}([0-9]+|sw)$ ]]; then
      rm -rf -- "$dir"
    fi
  done
}

subnet_octet() {
  if [ -n "${NETNS_SUBNET_OCTET:-}" ]; then
    echo "$NETNS_SUBNET_OCTET"
  else
    echo $(( $(printf '%s' "$1" | cksum | cut -d' ' -f1) % 250 + 1 ))
  fi
}

up() {
  local n=$1 prefix=$2 octet sw k ns
  if ! [[ "$n" =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt 250 ]; then
    echo "netns-hosts: host count must be 1..250, not '$n'" >&2
    exit 2
  fi
  if [ -n "$(cluster_namespaces "$prefix")" ]; then
    echo "netns-hosts: namespaces for prefix '$prefix' already exist; run '$0 down $prefix' first" >&2
    exit 1
  fi
  octet=$(subnet_octet "$prefix")
  sw="${prefix}sw"
  # Whatever fails below, leave nothing behind.
  trap 'echo "netns-hosts: up failed, cleaning up" >&2; down "$prefix" yes' ERR

  ip netns add "$sw"
  ip -n "$sw" link set lo up
  # Without STP the ports forward at once; no forwarding delay to wait for.
  ip -n "$sw" link add br0 type bridge stp_state 0 forward_delay 0
  ip -n "$sw" link set br0 up

  local hosts_file
  hosts_file=$(printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n')
  for k in $(seq 1 "$n"); do
    hosts_file+=$(printf '\n10.123.%s.%s algo-%s' "$octet" "$k" "$k")
  done

  for k in $(seq 1 "$n"); do
    ns="${prefix}${k}"
    ip netns add "$ns"
    ip link add eth0 netns "$ns" type veth peer name "p${k}" netns "$sw"
    ip -n "$sw" link set "p${k}" master br0
    ip -n "$sw" link set "p${k}" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "10.123.${octet}.${k}/24" dev eth0
    ip -n "$ns" link set eth0 up
    mkdir -p "/etc/netns/$ns"
    printf '%s\n' "$hosts_file" > "/etc/netns/$ns/hosts"
    echo "netns-hosts: algo-$k is $ns at 10.123.${octet}.${k}" >&2
  done
  trap - ERR
  for k in $(seq 1 "$n"); do
    echo "algo-$k ${prefix}${k} 10.123.${octet}.${k}"
  done
}

[ $# -ge 1 ] || usage
case "$1" in
  up)
    [ $# -eq 3 ] || usage
    check_prefix "$3"
    up "$2" "$3"
    ;;
  down)
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    check_prefix "$2"
    kill_flag=no
    if [ $# -eq 3 ]; then
      [ "$3" = "--kill-stragglers" ] || usage
      kill_flag=yes
    fi
    down "$2" "$kill_flag"
    ;;
  *)
    usage
    ;;
esac
