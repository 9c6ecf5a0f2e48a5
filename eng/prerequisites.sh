#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK: Debian's openssl (s_server / s_client peers) and
# libssl3 (the real libssl.so.3 the OpenSSL shutdown driver is tested against).
set -euo pipefail
missing=()
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
ldconfig -p 2>/dev/null | grep -q 'libssl.so.3 ' || missing+=(libssl3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
