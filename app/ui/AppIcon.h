#pragma once

#include <QIcon>

// The console's icon, drawn rather than loaded (no image plug-in needed), with an optional count badge:
// the tray shows waiting requests and unread messages on it.
namespace AppIcon {

QIcon make(int badge = 0);

} // namespace AppIcon
