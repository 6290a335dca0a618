#!/usr/bin/env bash
# Starts the servers the store matrix needs, only where they are not already answering:
# Redis at 127.0.0.1:6379 and PostgreSQL at 127.0.0.1:5432 (trust auth, database "test").
# On a machine without them, installs the Debian packages first (root and apt-get required).
# Also installs haproxy, which the load-balanced cluster test runs itself (on free ports).
set -euo pipefail

log() { echo "ensure-services: $*"; }

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

install_packages() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "cannot install $* (needs root and apt-get); install them yourself"
    return 1
  fi
  log "installing $*"
  # Bounded: a stuck mirror ends this script with a message instead of holding CI until its limit.
  timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  timeout 300 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if command -v haproxy >/dev/null; then
  log "haproxy is installed ($(haproxy -v | head -n 1 | cut -d' ' -f3))"
else
  install_packages haproxy
  # The Debian package may start a service of its own; the tests only need the binary.
  log "haproxy installed"
fi

if redis_up; then
  log "Redis already answers at 127.0.0.1:6379"
else
  command -v redis-server >/dev/null || install_packages redis-server redis-tools
  # A Debian package install may have started its own server already.
  if ! redis_up; then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  for _ in $(seq 1 50); do redis_up && break; sleep 0.2; done
  redis_up || { log "Redis did not come up; see /var/log/redis/ci.log"; exit 1; }
  log "Redis started at 127.0.0.1:6379"
fi

if postgres_up; then
  log "PostgreSQL already answers at 127.0.0.1:5432"
else
  fresh=false
  if ! command -v pg_ctlcluster >/dev/null; then
    install_packages postgresql
    fresh=true
  fi
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  if [ "$fresh" = true ]; then
    # A fresh cluster asks for passwords over TCP; the tests connect as postgres with trust.
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$hba"
  fi
  if postgres_up; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  else
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  for _ in $(seq 1 50); do postgres_up && break; sleep 0.2; done
  postgres_up || { log "PostgreSQL did not come up"; exit 1; }
  log "PostgreSQL $version started at 127.0.0.1:5432"
fi

# The tests use the database "test"; create it where it is missing.
if ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc 'create database test' && log 'created database "test"'
fi
