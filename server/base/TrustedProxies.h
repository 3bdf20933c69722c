#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <utility>

// The proxies in front of the server (LIFTLINE_TRUSTED_PROXIES), and the client address they report.
// Behind a trusted proxy the client is the right-most address of X-Forwarded-For that is not itself a
// trusted proxy: each proxy appends the address it was connected from (nginx's
// $proxy_add_x_forwarded_for), so anything further left is the client's own claim and is not believed.
// A connection from anywhere else is its own client, whatever headers it sends.
class TrustedProxies {
public:
    TrustedProxies() = default;

    // "127.0.0.1, ::1, 10.0.0.0/8": addresses and CIDR ranges, comma-separated; false with *error for
    // an entry that is neither.
    static bool parse(const QString &list, TrustedProxies *out, QString *error);

    bool isEmpty() const { return m_ranges.isEmpty(); }
    bool isTrusted(const QHostAddress &address) const;
    // The client's address, as text, for a connection from `peer` carrying `forwardedFor` (all
    // X-Forwarded-For values, comma-joined).
    QString clientAddress(const QHostAddress &peer, const QByteArray &forwardedFor) const;

private:
    QList<std::pair<QHostAddress, int>> m_ranges;
};
