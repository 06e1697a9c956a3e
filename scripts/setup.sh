#!/usr/bin/env bash
# Gets a fresh Debian/Ubuntu (or Fedora/RHEL) machine with only node from nothing to a live heatmap:
# installs bpftrace when it is missing (apt-get/dnf, non-interactive), the optional native eBPF
# engine's build prerequisites (clang, libbpf), and the npm dependencies, then builds.
#   sudo scripts/setup.sh            # tracer + build prerequisites + npm ci
#   sudo scripts/setup.sh --test     # also what the tests need (tmux, strace)
# It prints every command it runs. Nothing is installed that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

run() { echo "+ $*" >&2; "$@"; }

missing=()
have() { command -v "$1" >/dev/null 2>&1; }
have bpftrace || missing+=(bpftrace)
# The native eBPF engine (optional): built at npm ci when clang and libbpf headers are present.
have clang || missing+=(clang)
have llvm-strip || missing+=(llvm)
[ -e /usr/include/bpf/libbpf.h ] || missing+=(libbpf-dev)
[ -e /usr/include/libelf.h ] || missing+=(libelf-dev)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
have bpftool || missing+=(bpftool)
if [ "$want_tests" = 1 ]; then
  have tmux || missing+=(tmux)
  have strace || missing+=(strace)
  have cc || missing+=(gcc)
  have taskset || missing+=(util-linux)
  have prometheus || missing+=(prometheus)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "heat-tracer-tui setup: missing ${missing[*]}; run this script as root (sudo) to install them" >&2
    exit 1
  fi
  if have apt-get; then
    run apt-get update -qq
    # bpftool lives in different packages across releases; do not fail the rest for it.
    pkgs=()
    for p in "${missing[@]}"; do [ "$p" = bpftool ] || pkgs+=("$p"); done
    [ ${#pkgs[@]} -gt 0 ] && run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
    if [[ " ${missing[*]} " == *" bpftool "* ]]; then
      run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bpftool \
        || echo "heat-tracer-tui setup: bpftool not installed (optional)" >&2
    fi
  elif have dnf; then
    fedora=()
    for p in "${missing[@]}"; do
      case "$p" in
        libbpf-dev) fedora+=(libbpf-devel) ;; libelf-dev) fedora+=(elfutils-libelf-devel) ;;
        zlib1g-dev) fedora+=(zlib-devel) ;; *) fedora+=("$p") ;;
      esac
    done
    run dnf install -y "${fedora[@]}"
  else
    echo "heat-tracer-tui setup: install ${missing[*]} with your package manager" >&2
    exit 1
  fi
fi

# Tracepoints are found through tracefs; minimal machines and containers may not mount it (bpftrace
# then reports every tracepoint as missing). Mount it (and debugfs, where older tools look) if absent.
if [ "$(id -u)" = 0 ]; then
  if [ -d /sys/kernel/tracing ] && ! [ -e /sys/kernel/tracing/events ]; then
    run mount -t tracefs nodev /sys/kernel/tracing || echo "heat-tracer-tui setup: could not mount tracefs" >&2
  fi
  if [ -d /sys/kernel/debug ] && ! mountpoint -q /sys/kernel/debug; then
    run mount -t debugfs nodev /sys/kernel/debug || echo "heat-tracer-tui setup: could not mount debugfs" >&2
  fi
fi

# Running as root from a user's checkout: npm ci as root works; files stay readable for the user.
run npm ci --no-audit --no-fund
