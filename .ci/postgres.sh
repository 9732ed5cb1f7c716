# Sourced by .ci/run: starts a throwaway PostgreSQL cluster in a temp directory for the store's
# contract suite, exports PYQBOT_TEST_POSTGRES_URL, and stops it when the shell exits.
# Installs PostgreSQL from the distribution's packages when its server binaries are missing.

pg_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

bindir=$(pg_bindir)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "ci: installing PostgreSQL (apt-get install postgresql) for the store's PostgreSQL suite"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bindir=$(pg_bindir)
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "ci: PostgreSQL server binaries not found after installing (looked at pg_config --bindir and /usr/lib/postgresql/*/bin)" >&2
  exit 1
fi

# The server refuses to run as root: run it as the postgres user (created by the package).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pgdir=$(mktemp -d /tmp/pyqbot-ci-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres:postgres "$pgdir"
pgport=${PYQBOT_CI_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
stop_postgres() {
  as_pg "$bindir/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap stop_postgres EXIT

as_pg "$bindir/initdb" -D "$pgdir/data" -A trust -U postgres >"$pgdir/initdb.log" 2>&1 ||
  { cat "$pgdir/initdb.log" >&2; exit 1; }
# fsync off: a throwaway cluster for tests, nothing to keep across a power cut. max_connections is
# raised because every test opens its own pool (two per cross-process test).
as_pg "$bindir/pg_ctl" -D "$pgdir/data" -w -l "$pgdir/server.log" \
  -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null || { cat "$pgdir/server.log" >&2; exit 1; }

export PYQBOT_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pgport/postgres?sslmode=disable"
export PYQBOT_REQUIRE_POSTGRES=1
echo "ci: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$pgport ($pgdir)"
