#!/usr/bin/env bash
# The main job on one machine: installs what is missing, builds, runs liftline-server on its embedded
# PostgreSQL with demo data in sandbox mode, opens the console signed in as the 'demo' agent when a display
# is present (otherwise prints how to open it), and prints the command that plays a technician asking for an
# agent. Extra arguments go to liftline-server (for example --listen 0.0.0.0:8080). Ctrl+C stops it all.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

"$root/packaging/dev/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFTLINE_BUILD_TESTS=OFF
cmake --build "$root/build" --target liftline-server liftline-console

log="$(mktemp)"
"$root/build/server/liftline-server" --demo "$@" > >(tee "$log") 2>&1 &
server=$!
console=""
stop() {
    [ -n "$console" ] && kill "$console" 2>/dev/null || true
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -f "$log"
}
trap stop EXIT INT TERM

url=""
password=""
for _ in $(seq 1 240); do
    url="$(grep -o 'listening on http://[^ ]*' "$log" | head -n1 | cut -d' ' -f3 || true)"
    password="$(grep -o "one-time password [^ ]*" "$log" | head -n1 | cut -d' ' -f3 || true)"
    [ -n "$url" ] && [ -n "$password" ] && break
    kill -0 "$server" 2>/dev/null || exit 1
    sleep 0.25
done
[ -n "$url" ] && [ -n "$password" ] || { echo "The server did not start; see above." >&2; exit 1; }

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    printf '%s\n' "$password" |
        "$root/build/app/liftline-console" --server "$url" --user demo --password-stdin &
    console=$!
    echo "The console is opening, signed in as 'demo'."
else
    echo "No display here. On a machine with one, open the console with"
    echo "  $root/build/app/liftline-console --server $url --user demo"
    echo "and sign in with the one-time password above."
fi
echo
echo "Play a technician asking for an agent (from another shell):"
echo "  $root/build/server/liftline-server simulate $* --from 27820000003 \"Agent, we are stuck at Block C\""
echo
wait "$server"
