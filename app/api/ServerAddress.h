#pragma once

#include <QString>
#include <QUrl>

// The server's address as an agent types it. A bare host ("liftline.example.co.za", "10.0.0.5:8443")
// means https://; http:// is taken only as written. Plain http:// to another machine would carry the
// password and every chat across the network in clear, so the console asks before using it.
namespace ServerAddress {

// The URL for `text`; invalid when it names no http(s) host.
QUrl fromUserInput(const QString &text);
// http:// to a host other than this machine.
bool isUnencryptedRemote(const QUrl &url);

} // namespace ServerAddress
