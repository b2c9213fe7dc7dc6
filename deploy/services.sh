# PostgreSQL and Redis on this machine, started if they are down (sourced by .ci/run and by
# `make prodlike`, deploy/prodlike/). `lavka_services_up` returns non-zero with the reason on stderr.
# PGHOST/PGPORT and LAVKA_REDIS_HOST/LAVKA_REDIS_PORT name what to check; the defaults are Debian's.

lavka_services_up() {
  local pghost="${PGHOST:-127.0.0.1}" pgport="${PGPORT:-5432}"
  local redis_host="${LAVKA_REDIS_HOST:-127.0.0.1}" redis_port="${LAVKA_REDIS_PORT:-6379}"
  if ! pg_isready -h "$pghost" -p "$pgport" -q 2>/dev/null; then
    echo "PostgreSQL is down; starting it"
    command -v pg_ctlcluster >/dev/null || { echo "PostgreSQL is not installed (pg_ctlcluster missing)" >&2; return 1; }
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start \
      || { echo "could not start PostgreSQL" >&2; return 1; }
    for _ in $(seq 1 30); do pg_isready -h "$pghost" -p "$pgport" -q && break; sleep 1; done
    pg_isready -h "$pghost" -p "$pgport" -q || { echo "PostgreSQL did not come up on $pghost:$pgport" >&2; return 1; }
  fi
  if ! redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1; then
    echo "Redis is down; starting it"
    command -v redis-server >/dev/null || { echo "Redis is not installed (redis-server missing)" >&2; return 1; }
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || { echo "could not start Redis" >&2; return 1; }
    for _ in $(seq 1 20); do redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.5; done
    redis-cli -h "$redis_host" -p "$redis_port" ping >/dev/null 2>&1 \
      || { echo "Redis did not come up on $redis_host:$redis_port" >&2; return 1; }
  fi
}
