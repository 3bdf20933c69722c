#!/usr/bin/env bash
# The main job on one machine: installs what is missing, builds, and runs liftline-server on its
# embedded PostgreSQL with demo data, and the console when a display is present. It prints the address and a one-time password for the 'demo' agent.
# Extra arguments go to liftline-server (for example --listen 0.0.0.0:8080).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

"$root/packaging/dev/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFTLINE_BUILD_TESTS=OFF
cmake --build "$root/build" --target liftline-server liftline-console
# The console beside it when there is a screen: sign in as 'demo' with the password the server prints.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    "$root/build/app/liftline-console" --server http://127.0.0.1:8080 --user demo &
else
    echo "No display: open the console elsewhere with build/app/liftline-console --server http://127.0.0.1:8080 --user demo"
fi
exec "$root/build/server/liftline-server" --demo "$@"
