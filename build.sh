#!/usr/bin/env bash
# ZkDashboard build entry point.
#   ./build.sh demo [--port 5000] [--servers 3]   real ZooKeeper sandbox with demo data + the dashboard
#   ./build.sh test                                every test project, one after another; ends with "N passed, N failed"
#   ./build.sh bench [names...]                    benchmark programs against a fresh sandbox
set -euo pipefail
cd "$(dirname "$0")"
ROOT="$PWD"
CONFIG=Release
TFM=net10.0

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

usage() {
  cat >&2 <<'EOF'
usage: ./build.sh demo [--port 5000] [--servers 3]
       ./build.sh test
       ./build.sh bench [names...]
EOF
  exit 2
}

# ---------------------------------------------------------------------------------------------------------------
# Prerequisites: Debian packages, installed when missing (as root), otherwise the exact commands are printed.
# ---------------------------------------------------------------------------------------------------------------
need_zookeeper() { [[ -n "${ZOOKEEPER_HOME:-}" ]] || [[ -f /usr/share/java/zookeeper.jar && -x "$(command -v java || true)" ]]; }
need_chromium() { [[ -n "${ZKDASHBOARD_CHROMIUM:-}" ]] || [[ -x /usr/bin/chromium ]]; }
need_kazoo() { [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import kazoo' 2>/dev/null; }
need_postgresql() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
need_slapd() { [[ -x /usr/sbin/slapd ]]; }
need_ldap_utils() { [[ -x /usr/bin/ldapadd ]]; }

ensure_prerequisites() {
  local missing=()
  for want in "$@"; do
    case "$want" in
      zookeeper) need_zookeeper || missing+=(zookeeper) ;;
      chromium) need_chromium || missing+=(chromium) ;;
      python3-kazoo) need_kazoo || missing+=(python3-kazoo) ;;
      postgresql) need_postgresql || missing+=(postgresql) ;;
      slapd) need_slapd || missing+=(slapd) ;;
      ldap-utils) need_ldap_utils || missing+=(ldap-utils) ;;
    esac
  done
  command -v dotnet >/dev/null || die "the .NET 10 SDK is missing (dotnet not on PATH). Install it: https://dotnet.microsoft.com/download/dotnet/10.0 (or use the docker path: docker compose -f docker/compose.yaml up --build)"
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]}"
    if [[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null)" ]]; then
      apt-get update
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; then
      apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
  else
    printf 'missing: %s. Install them with:\n  sudo apt-get update && sudo apt-get install -y %s\n' "${missing[*]}" "${missing[*]}" >&2
    printf 'or run the dashboard with docker: docker compose -f docker/compose.yaml up --build\n' >&2
    exit 1
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# test
# ---------------------------------------------------------------------------------------------------------------
trx_count() { # trx_count FILE ATTRIBUTE -> number from the <Counters .../> element
  local counters
  counters=$(grep -o '<Counters [^>]*>' "$1" | head -n1 || true)
  [[ "$counters" =~ [[:space:]]$2=\"([0-9]+)\" ]] && echo "${BASH_REMATCH[1]}" || echo 0
}

sandbox_leftovers() { # PIDs of processes whose command line names our sandbox root
  local pid
  for pid in $(pgrep -f -- "$SANDBOX_ROOT" || true); do
    [[ "$pid" != "$$" ]] && echo "$pid"
  done
}

cmd_test() {
  ensure_prerequisites zookeeper chromium python3-kazoo postgresql slapd ldap-utils
  export ZKDASHBOARD_SANDBOX_ROOT="$ROOT/.sandbox/test-$$"
  SANDBOX_ROOT="$ZKDASHBOARD_SANDBOX_ROOT"
  mkdir -p "$SANDBOX_ROOT"
  local results="$ROOT/artifacts/test-results"
  rm -rf "$results"
  mkdir -p "$results"

  local started=$SECONDS
  log "building ZkDashboard.sln ($CONFIG)"
  if ! dotnet build ZkDashboard.sln -c "$CONFIG" -nologo; then
    echo "build failed" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
  log "build took $((SECONDS - started)) s"

  shopt -s nullglob
  local projects=(tests/*.Tests/*.csproj tests/ZkDashboard.E2E/*.csproj)
  shopt -u nullglob
  [[ ${#projects[@]} -gt 0 ]] || die "no test projects found (tests/*.Tests/*.csproj, tests/ZkDashboard.E2E/*.csproj)"

  local passed=0 failed=0 skipped=0 proj name trx t0 rc p f s
  local report=()
  for proj in "${projects[@]}"; do
    name=$(basename "$proj" .csproj)
    trx="$results/$name.trx"
    log "testing $name"
    t0=$SECONDS
    rc=0
    dotnet test "$proj" -c "$CONFIG" --no-build --nologo \
      --logger "trx;LogFileName=$trx" \
      --blame-hang-timeout 20m --blame-hang-dump-type none || rc=$?
    if [[ -f "$trx" ]]; then
      p=$(trx_count "$trx" passed)
      f=$(( $(trx_count "$trx" failed) + $(trx_count "$trx" error) + $(trx_count "$trx" timeout) + $(trx_count "$trx" aborted) ))
      s=$(trx_count "$trx" notExecuted)
      if [[ $rc -ne 0 && $f -eq 0 ]]; then
        f=1 # the run failed without a failed test (crash, hang, host abort): count it
      fi
    else
      p=0 f=1 s=0
      echo "$name produced no test results (exit code $rc)" >&2
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    report+=("$(printf '%-28s %4d passed %3d failed %3d skipped %5d s' "$name" "$p" "$f" "$s" "$((SECONDS - t0))")")
  done

  local leftovers
  leftovers=$(sandbox_leftovers)
  if [[ -n "$leftovers" ]]; then
    echo "leftover sandbox processes after the tests (killed): $(echo $leftovers)" >&2
    # shellcheck disable=SC2086
    kill -9 $leftovers 2>/dev/null || true
    failed=$((failed + 1))
  fi
  rm -rf "$SANDBOX_ROOT"
  rmdir "$ROOT/.sandbox" 2>/dev/null || true

  printf '\n' >&2
  printf '%s\n' "${report[@]}" >&2
  log "total $((SECONDS - started)) s; TRX files in ${results#"$ROOT"/}"
  local summary="$passed passed, $failed failed"
  [[ $skipped -gt 0 ]] && summary+=", $skipped skipped"
  echo "$summary"
  [[ $failed -eq 0 && $passed -gt 0 ]]
}

http_ok() { # http_ok URL: true when the URL answers 2xx/3xx
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null "$1" 2>/dev/null
  else
    local hostport=${1#http://} path
    path=/${hostport#*/}
    hostport=${hostport%%/*}
    exec 5<>"/dev/tcp/${hostport%:*}/${hostport#*:}" 2>/dev/null || return 1
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&5
    local status
    read -r _ status _ <&5 || true
    exec 5>&-
    [[ "$status" =~ ^[23] ]]
  fi
}

# ---------------------------------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------------------------------
cmd_demo() {
  local port="${PORT:-5000}" servers=3
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || die "--port needs a number"; port=$2; shift 2 ;;
      --servers) [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die "--servers needs a number >= 1"; servers=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  ensure_prerequisites zookeeper
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use on 127.0.0.1; choose another with --port"
  fi

  log "building ($CONFIG)"
  dotnet build src/ZkDashboard.Sandbox -c "$CONFIG" -nologo -v quiet
  dotnet build src/ZkDashboard.Web -c "$CONFIG" -nologo -v quiet

  local run_dir
  run_dir=$(mktemp -d "${TMPDIR:-/tmp}/zkdashboard-demo.XXXXXX")
  local connect_file="$run_dir/connect-string" fifo="$run_dir/sandbox-stdin"
  mkfifo "$fifo"
  SANDBOX_PID="" WEB_PID=""
  cleanup() {
    trap - EXIT INT TERM
    [[ -n "$WEB_PID" ]] && kill -TERM "$WEB_PID" 2>/dev/null || true
    exec 4>&- || true # EOF on the sandbox's stdin: it stops its servers
    [[ -n "$SANDBOX_PID" ]] && kill -TERM "$SANDBOX_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$run_dir"
    log "stopped"
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  log "starting a $servers-server ZooKeeper sandbox with demo data"
  # Reconfig for the admin: the sandbox runs with reconfigEnabled=true; it grants a digest user of this run write on
  # /zookeeper/config (as the ZooKeeper super user), and the dashboard's session authenticates as that user. The password
  # is fresh per run and only travels in the environment of those two processes (never on a command line or the screen).
  local reconfig_user=dashboard reconfig_password
  reconfig_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')
  # The sandbox reads its stdin until EOF: this shell holds the only writer (fd 4), so if this script dies
  # for any reason the sandbox stops and takes its java servers with it.
  ZKDASHBOARD_DEMO_RECONFIG_DIGEST="$reconfig_user:$reconfig_password" \
    dotnet "src/ZkDashboard.Sandbox/bin/$CONFIG/$TFM/ZkDashboard.Sandbox.dll" run --demo --servers "$servers" \
    --connect-file "$connect_file" <"$fifo" &
  SANDBOX_PID=$!
  exec 4>"$fifo"
  local deadline=$((SECONDS + 180))
  until [[ -s "$connect_file" ]]; do
    kill -0 "$SANDBOX_PID" 2>/dev/null || die "the sandbox exited before it was ready (see its messages above)"
    [[ $SECONDS -lt $deadline ]] || die "the sandbox was not ready within 180 s"
    sleep 0.2
  done
  local cs
  cs=$(<"$connect_file")

  # Demo accounts with fresh random passwords (and one admin API token) in the dashboard's own store, and the two
  # bindings of the access contract on top of appsettings.json's local group admins -> admin. The operator's writes to
  # /configs/checkout need approval (four-eyes): they become change requests that the admin approves on /changes.
  export ZkDashboard__Ensembles__0__Name=sandbox ZkDashboard__Ensembles__0__ConnectString="$cs"
  export ZkDashboard__Ensembles__0__Digest__User="$reconfig_user" ZkDashboard__Ensembles__0__Digest__Password="$reconfig_password"
  export ZkDashboard__Access__Bindings__1__Subject=group:operators ZkDashboard__Access__Bindings__1__Provider=local \
    ZkDashboard__Access__Bindings__1__Role=operator ZkDashboard__Access__Bindings__1__Ensembles=sandbox \
    ZkDashboard__Access__Bindings__1__Paths='/**' ZkDashboard__Access__Bindings__1__RequireApproval__0=/configs/checkout
  export ZkDashboard__Access__Bindings__2__Subject=group:viewers ZkDashboard__Access__Bindings__2__Provider=local \
    ZkDashboard__Access__Bindings__2__Role=viewer ZkDashboard__Access__Bindings__2__Ensembles='*' \
    ZkDashboard__Access__Bindings__2__Paths='/**'
  # Tracked subtree: every version of the demo configs is recorded (History tab, /history/sandbox/changes).
  export ZkDashboard__Tracking__Subtrees__0__Ensemble=sandbox ZkDashboard__Tracking__Subtrees__0__Glob='/configs/**'
  local logins
  logins=$(dotnet "src/ZkDashboard.Web/bin/$CONFIG/$TFM/ZkDashboard.Web.dll" demo-accounts 4>&-) \
    || die "could not create the demo accounts (see the messages above)"
  logins=$(grep -E '^(Login|API token): ' <<<"$logins") || die "the demo-accounts step printed no logins"

  log "starting the dashboard on http://127.0.0.1:$port"
  dotnet "src/ZkDashboard.Web/bin/$CONFIG/$TFM/ZkDashboard.Web.dll" --urls "http://127.0.0.1:$port" 4>&- &
  WEB_PID=$!
  deadline=$((SECONDS + 120))
  until http_ok "http://127.0.0.1:$port/healthz"; do
    kill -0 "$WEB_PID" 2>/dev/null || die "the dashboard exited during start (see its messages above)"
    [[ $SECONDS -lt $deadline ]] || die "the dashboard did not answer within 120 s"
    sleep 0.3
  done

  cat <<EOF

  ZkDashboard:  http://127.0.0.1:$port
$logins
  Ensemble:     sandbox = $cs
  Try zkCli:    /usr/share/zookeeper/bin/zkCli.sh -server $cs
  Demo ACLs:    digest admin:admin-secret (/secure/digest-protected)
  Reconfig:     admin, on /e/sandbox/health (the dashboard's session is digest user '$reconfig_user' with write on /zookeeper/config)
  Tracked:      /configs/** (History tab of each node; http://127.0.0.1:$port/history/sandbox/changes?path=/configs)
  Ctrl+C stops the dashboard and the ZooKeeper servers.

EOF
  # Either child ending ends the demo.
  wait -n "$WEB_PID" "$SANDBOX_PID" || true
}

# ---------------------------------------------------------------------------------------------------------------
# bench
# ---------------------------------------------------------------------------------------------------------------
cmd_bench() {
  ensure_prerequisites zookeeper
  dotnet run -c "$CONFIG" --project tests/ZkDashboard.Benchmarks -- "$@"
}

case "${1:-}" in
  test) shift; cmd_test "$@" ;;
  demo) shift; cmd_demo "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  *) usage ;;
esac
