#!/usr/bin/env bash
# Run a command with a throwaway MariaDB and Redis on loopback (data in a temp dir).
# Installs mariadb-server, redis-server, chromium, chromium-driver and ffmpeg with apt when missing.
# Exports METSKIN_TEST_MYSQL_URL and METSKIN_TEST_REDIS_URL for the command.
set -euo pipefail

need_install=()
command -v mariadbd >/dev/null 2>&1 || need_install+=(mariadb-server)
command -v redis-server >/dev/null 2>&1 || need_install+=(redis-server)
command -v chromium >/dev/null 2>&1 || need_install+=(chromium)           # web app browser tests
command -v chromedriver >/dev/null 2>&1 || need_install+=(chromium-driver)
command -v ffmpeg >/dev/null 2>&1 || need_install+=(ffmpeg)  # AVIF as ffmpeg codes it (tests/analysis)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "with-services: installing ${need_install[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_install[@]}" >/dev/null
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

DATA=$(mktemp -d /tmp/metskin-services.XXXXXX)
MYSQL_PORT=$(free_port)
REDIS_PORT=$(free_port)
MYSQL_PID=""

cleanup() {
  [ -n "$MYSQL_PID" ] && kill "$MYSQL_PID" 2>/dev/null && wait "$MYSQL_PID" 2>/dev/null || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT INT TERM

mkdir -p "$DATA/mysql"
mariadb-install-db --no-defaults --datadir="$DATA/mysql" --auth-root-authentication-method=normal \
  --skip-test-db --user=root >"$DATA/install.log" 2>&1
mariadbd --no-defaults --datadir="$DATA/mysql" --socket="$DATA/mysql.sock" --port="$MYSQL_PORT" \
  --bind-address=127.0.0.1 --user=root --character-set-server=utf8mb4 \
  --collation-server=utf8mb4_unicode_ci --max-connections=500 --innodb-flush-log-at-trx-commit=2 \
  --skip-log-bin --log-error="$DATA/mysql.err" &
MYSQL_PID=$!
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --logfile "$DATA/redis.log" --dir "$DATA"

for _ in $(seq 1 100); do
  mariadb --no-defaults -h127.0.0.1 -P"$MYSQL_PORT" -uroot -e 'select 1' >/dev/null 2>&1 && break
  sleep 0.2
done
mariadb --no-defaults -h127.0.0.1 -P"$MYSQL_PORT" -uroot -e 'select 1' >/dev/null \
  || { echo "with-services: MariaDB did not start" >&2; cat "$DATA/mysql.err" >&2; exit 1; }
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

export METSKIN_TEST_MYSQL_URL="mysql+pymysql://root@127.0.0.1:$MYSQL_PORT/"
export METSKIN_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
echo "with-services: MariaDB on $MYSQL_PORT, Redis on $REDIS_PORT" >&2
set +e
"$@"
status=$?
set -e
exit $status
