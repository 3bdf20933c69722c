#!/usr/bin/env bash
# Installs the Debian 12 packages Liftline builds, runs and tests with, when any is missing.
# Runs apt-get as root, or through sudo for another account.
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config git
    qt6-base-dev qt6-multimedia-dev qt6-websockets-dev qt6-httpserver-dev libqt6sql6-psql qt6-l10n-tools qt6-tools-dev
    libsodium-dev libpq-dev qtkeychain-qt6-dev libboost-dev
    libgstreamer1.0-dev gstreamer1.0-plugins-base qt6-image-formats-plugins
    clang-14 libfuzzer-14-dev libclang-rt-14-dev
    postgresql postgresql-client
    clang-format xvfb xauth dbus-bin librsvg2-bin curl openssl lintian nginx
    fonts-dejavu-core poppler-utils
)

missing=()
for p in "${packages[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "These packages are missing and this account cannot install them: ${missing[*]}" >&2
        echo "Install them as root (apt-get install ${missing[*]}), then run this again." >&2
        exit 1
    fi
    as_root=(sudo)
fi
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
