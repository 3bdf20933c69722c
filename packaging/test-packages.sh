#!/usr/bin/env bash
# Installs the freshly built Debian packages on this machine, runs the installed server as its service
# account (from its unit where systemd runs, directly otherwise) on its embedded PostgreSQL, posts a
# signed webhook and reads it back over the API, tries the shipped nginx site in front of it, runs the
# installed console, then purges both packages and checks that nothing is left: no process, no account,
# no data. Needs root. Usage: test-packages.sh BUILD_DIR
set -euo pipefail
# Output is matched from a captured string, never through "| grep -q" or "| head": with pipefail, the
# reader leaving early makes the writer fail on SIGPIPE, and a right answer would fail the test.
build="$(cd "${1:?usage: test-packages.sh BUILD_DIR}" && pwd)"
secret="package-test-app-secret"
admin="package-test-admin-token-0123456789"
log="$(mktemp)"
server_pid=""
edge=""

cleanup() {
    set +e
    if [ -n "$edge" ] && [ -f "$edge/nginx.pid" ]; then
        nginx -c "$edge/nginx.conf" -p "$edge" -s stop
        rm -rf "$edge"
    fi
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
    fi
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq liftline-server liftline-console >/dev/null 2>&1
    rm -f "$log"
}
trap cleanup EXIT

fail() {
    echo "package test: $*" >&2
    [ -s "$log" ] && tail -n 30 "$log" >&2
    exit 1
}

shopt -s nullglob
debs=("$build"/liftline-server_*.deb "$build"/liftline-console_*.deb)
[ ${#debs[@]} -eq 2 ] || fail "expected the two packages in $build (run cpack -G DEB there first)"

echo "== lintian"
lintian --fail-on error --suppress-tags no-manual-page "${debs[@]}" 2>&1 | grep -v 'root privileges' ||
    true
lintian --fail-on error "${debs[@]}" >/dev/null 2>&1 || fail "lintian reports errors on the packages"

echo "== install ${debs[*]##*/}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[@]}" >/dev/null
getent passwd liftline >/dev/null || fail "the liftline account was not created"
[ "$(stat -c '%U:%G %a' /etc/liftline/server.conf)" = "root:liftline 640" ] || fail "server.conf is not root:liftline 0640"

echo "== the unit's sandbox: systemd-analyze's exposure at most 3.0 (its --threshold counts tenths)"
systemd-analyze security --offline=true --threshold=30 /lib/systemd/system/liftline-server.service >/dev/null 2>&1 ||
    fail "the unit is exposed more than 3.0: $(systemd-analyze security --offline=true \
        /lib/systemd/system/liftline-server.service 2>&1 | tail -n1)"
[ "$(stat -c '%U:%G %a' /run/liftline)" = "liftline:liftline 750" ] || fail "/run/liftline is not liftline's 0750"

echo "== start the installed server as liftline"
if [ -d /run/systemd/system ]; then
    fail "systemd runs here: this script starts the server directly and expects no unit to be running"
fi
runuser -u liftline -- env WHATSAPP_APP_SECRET="$secret" ADMIN_TOKEN="$admin" \
    /usr/bin/liftline-server --config /etc/liftline/server.conf --listen 127.0.0.1:0 >"$log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 120); do
    url="$(grep -o 'listening on http://[0-9.:]*' "$log" | head -n1 | cut -d' ' -f3 || true)"
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || fail "the server stopped"
    sleep 0.5
done
[ -n "$url" ] || fail "the server did not start listening"
for _ in $(seq 1 60); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -fsS "$url/readyz" >/dev/null || fail "/readyz did not answer 200"
[ -d /var/lib/liftline/pgdata ] || fail "the embedded database is not under /var/lib/liftline"
[ "$(sed -n 5p /var/lib/liftline/pgdata/postmaster.pid)" = "/run/liftline" ] ||
    fail "the cluster's socket is not in /run/liftline"

echo "== commands as root beside the running service: they attach, and backups are 0600"
/usr/bin/liftline-server --config /etc/liftline/server.conf agent list >/dev/null ||
    fail "agent list as root did not reach the running cluster"
backup_dir="$(mktemp -d)"
(umask 022 && /usr/bin/liftline-server --config /etc/liftline/server.conf backup "$backup_dir/liftline.dump") >/dev/null ||
    fail "backup as root did not work beside the running server"
[ "$(stat -c '%a' "$backup_dir/liftline.dump")" = "600" ] || fail "the backup is not 0600"
rm -rf "$backup_dir"

echo "== a signed webhook in (a fixture: a number no ticket knows), read back over the API"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
body="$(cat "$root/tests/data/whatsapp/text_unknown_sender.json")"
signature="sha256=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | sed 's/^.* //')"
status="$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "X-Hub-Signature-256: $signature" --data-binary "$body" "$url/webhooks/whatsapp")"
[ "$status" = "200" ] || fail "the webhook answered $status"
found=""
for _ in $(seq 1 40); do
    if grep -q 'is this the lift hotline' <<<"$(curl -fsS -H "X-Admin-Token: $admin" "$url/api/chat/unassigned" || true)"; then
        found=yes
        break
    fi
    sleep 0.5
done
[ -n "$found" ] || fail "the message did not come back from /api/chat/unassigned"

echo "== the installed server signs exports: its key made on first use, the service's own, mode 0600"
signing="$(curl -fsS "$url/api/chat/signing-key" || true)"
grep -q '"algorithm":"ed25519"' <<<"$signing" || fail "GET /api/chat/signing-key answered: $signing"
[ "$(stat -c '%U %a' /var/lib/liftline/signing.key 2>/dev/null)" = "liftline 600" ] ||
    fail "the signing key is not /var/lib/liftline/signing.key, the service's, mode 600: $(ls -l /var/lib/liftline/ 2>&1)"

echo "== the installed server draws an incident's PDF (its GUI library on the offscreen platform, its fonts)"
registry="$(mktemp --suffix=.csv)"
printf 'lift_msisdn,site_name,building,contact_name,contact_msisdn,contact_email,relation\n27710000099,Package Test Site,Block P,Pat Tester,27820000099,,technician\n' >"$registry"
chmod 644 "$registry"
/usr/bin/liftline-server --config /etc/liftline/server.conf import-registry "$registry" >/dev/null ||
    fail "import-registry failed"
opened="$(/usr/bin/liftline-server --config /etc/liftline/server.conf ticket open --lift 27710000099 || true)"
ticket="$(grep -o 'Opened ticket [0-9]*' <<<"$opened" | grep -o '[0-9]*$' || true)"
[ -n "$ticket" ] || fail "ticket open answered: $opened"
pdf="$(mktemp --suffix=.pdf)"
status="$(curl -sS -o "$pdf" -w '%{http_code}' -H "X-Admin-Token: $admin" "$url/api/chat/$ticket/export?format=pdf" || true)"
[ "$status" = 200 ] || fail "GET /api/chat/$ticket/export?format=pdf answered $status: $(head -c 300 "$pdf")"
[ "$(head -c 5 "$pdf")" = "%PDF-" ] || fail "the export is not a PDF: $(head -c 100 "$pdf")"
if grep -q 'XDG_RUNTIME_DIR\|QBasicTimer\|QFont' "$log"; then
    fail "the server's log has Qt warnings: $(grep 'XDG_RUNTIME_DIR\|QBasicTimer\|QFont' "$log" | head -3)"
fi
rm -f "$registry" "$pdf"

echo "== the shipped nginx site in front of it (Debian's nginx, a self-signed certificate made here)"
edge="$(mktemp -d)"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=liftline.test" \
    -keyout "$edge/key.pem" -out "$edge/cert.pem" >/dev/null 2>&1 || fail "openssl could not make a certificate"
port="${url##*:}"
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 30000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}
tls_port="$(free_port)"
plain_port="$(free_port)"
# The site as installed, with this test's ports and certificate: nothing else of it is changed.
sed -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$port;#" \
    -e "s#listen 443 ssl http2;#listen 127.0.0.1:$tls_port ssl http2;#" -e "/listen \[::\]:443/d" \
    -e "s#listen 80;#listen 127.0.0.1:$plain_port;#" -e "/listen \[::\]:80;/d" \
    -e "s#/etc/letsencrypt/live/liftline.example.co.za/fullchain.pem#$edge/cert.pem#" \
    -e "s#/etc/letsencrypt/live/liftline.example.co.za/privkey.pem#$edge/key.pem#" \
    /usr/share/liftline/nginx/liftline.conf >"$edge/site.conf"
mkdir -p "$edge/logs"
cat >"$edge/nginx.conf" <<NGINX
pid $edge/nginx.pid;
error_log $edge/logs/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $edge/body;
    proxy_temp_path $edge/proxy;
    include $edge/site.conf;
}
NGINX
nginx -t -c "$edge/nginx.conf" -p "$edge" >/dev/null 2>&1 || fail "nginx refuses the shipped site: $(nginx -t -c "$edge/nginx.conf" -p "$edge" 2>&1 | tail -n 3)"
nginx -c "$edge/nginx.conf" -p "$edge" || fail "nginx did not start"
edge_url="https://127.0.0.1:$tls_port"
# Every request comes from 127.0.0.2, so that "the server sees the client's address" can fail.
through() { curl -sS -k --interface 127.0.0.2 --max-time 10 "$@"; }
grep -q alive <<<"$(through -fsS "$edge_url/healthz" || true)" || fail "no TLS answer through nginx"
[ "$(through -o /dev/null -w '%{http_code}' "$edge_url/metrics")" = "404" ] || fail "/metrics is public through nginx"
[ "$(through -o /dev/null -w '%{http_code}' "$edge_url/readyz")" = "404" ] || fail "/readyz is public through nginx"
status="$(through -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -H "X-Hub-Signature-256: $signature" --data-binary "$body" "$edge_url/webhooks/whatsapp")"
[ "$status" = "200" ] || fail "the webhook through nginx answered $status"
big="$(mktemp)"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$big"
status="$(through -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$big" "$edge_url/webhooks/whatsapp")"
rm -f "$big"
[ "$status" = "413" ] || fail "a 2 MB body through nginx answered $status, not 413"
# The server sees 127.0.0.2: a wrong password through nginx is counted against that address.
status="$(through -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data '{"username":"edgetest","password":"not the password"}' "$edge_url/api/auth/login")"
[ "$status" = "401" ] || fail "a wrong password through nginx answered $status"
grep -q '"client":"127.0.0.2"' <<<"$(curl -fsS -H "X-Admin-Token: $admin" "$url/api/admin/agents/edgetest/throttle" || true)" ||
    fail "the server did not see the client's address through nginx: $(curl -sS -H "X-Admin-Token: $admin" "$url/api/admin/agents/edgetest/throttle")"
# nginx's own rate limit on sign-in: 10 a minute with a burst of 5, whoever the account.
limited=""
for i in $(seq 1 20); do
    code="$(through -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data "{\"username\":\"flood$i\",\"password\":\"not the password\"}" "$edge_url/api/auth/login")"
    [ "$code" = "429" ] && { limited=yes; break; }
done
[ -n "$limited" ] || fail "nginx did not rate-limit 20 sign-ins in a row"
# The stream's upgrade through nginx: an admin token is a principal the stream accepts.
upgrade="$(through -i -N --http1.1 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Version: 13' \
    -H "X-Admin-Token: $admin" --max-time 3 "$edge_url/api/chat/stream" 2>/dev/null || true)"
# The first line is taken without a pipe: the stream may have sent more than a pipe holds in 3 s, and
# head leaving early would fail the pipeline (pipefail) although the answer was right.
upgrade_status="${upgrade%%$'\n'*}"
upgrade_status="${upgrade_status%$'\r'}"
[[ "$upgrade_status" == "HTTP/1.1 101"* ]] || fail "the stream's upgrade through nginx: $upgrade_status"
nginx -c "$edge/nginx.conf" -p "$edge" -s stop
rm -rf "$edge"
edge=""

echo "== the installed console signs in and goes live (offscreen)"
grep -q "Liftline\|liftline" <<<"$(QT_QPA_PLATFORM=offscreen /usr/bin/liftline-console --version || true)" ||
    fail "liftline-console --version did not run"
printf 'package-test-password\n' | runuser -u liftline -- /usr/bin/liftline-server --config /etc/liftline/server.conf \
    agent add pkgtest --name "Package Test Agent" >/dev/null 2>&1 || fail "agent add did not work on the installed server"
console_home="$(mktemp -d)"
printf 'package-test-password\n' | HOME="$console_home" QT_QPA_PLATFORM=offscreen \
    timeout 30 /usr/bin/liftline-console --server "$url" --user pkgtest --password-stdin >/dev/null 2>&1 &
console_pid=$!
live=""
for _ in $(seq 1 50); do
    grep -q "console live: Package Test Agent" "$log" && { live=yes; break; }
    sleep 0.5
done
kill "$console_pid" 2>/dev/null || true
wait "$console_pid" 2>/dev/null || true
rm -rf "$console_home"
[ -n "$live" ] || fail "the installed console did not sign in and go live"
[ -f /usr/share/applications/liftline-console.desktop ] || fail "no desktop entry"
[ -f /usr/share/icons/hicolor/48x48/apps/liftline-console.png ] || fail "no 48x48 icon"

echo "== stop, purge, and nothing left"
kill -TERM "$server_pid"
for _ in $(seq 1 120); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$server_pid" 2>/dev/null && fail "the server did not stop within 60 s"
server_pid=""
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq liftline-server liftline-console >/dev/null
# PostgreSQL's last backends may take a moment to leave on a loaded machine: wait up to 10 s, then name them.
for _ in $(seq 1 20); do
    pgrep -u liftline >/dev/null 2>&1 || pgrep -f /var/lib/liftline >/dev/null 2>&1 || break
    sleep 0.5
done
if pgrep -u liftline >/dev/null 2>&1 || pgrep -f /var/lib/liftline >/dev/null 2>&1; then
    ps -o pid,user,etime,args -p "$( (pgrep -u liftline; pgrep -f /var/lib/liftline) | sort -u | paste -sd, -)" >&2 || true
    fail "processes of the liftline account are still running"
fi
getent passwd liftline >/dev/null && fail "the liftline account is still there"
[ -e /var/lib/liftline ] && fail "/var/lib/liftline is still there"
[ -e /etc/liftline ] && fail "/etc/liftline is still there"
[ -e /run/liftline ] && fail "/run/liftline is still there"
echo "packages: installed, served a webhook, purged clean"
