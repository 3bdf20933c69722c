#!/usr/bin/env bash
# The main job on one machine: installs what is missing, builds, and runs liftline-server on its
# embedded PostgreSQL with demo data. It prints the address and a one-time password for the 'demo' agent.
# Extra arguments go to liftline-server (for example --listen 0.0.0.0:8080).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

"$root/packaging/dev/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIFTLINE_BUILD_TESTS=OFF
cmake --build "$root/build" --target liftline-server
exec "$root/build/server/liftline-server" --demo "$@"
