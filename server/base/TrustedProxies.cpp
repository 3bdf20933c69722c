#include "TrustedProxies.h"

namespace {

// An IPv4 address mapped into IPv6 (::ffff:10.0.0.1) as the IPv4 address it is.
QHostAddress plain(const QHostAddress &address)
{
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    return mapped ? QHostAddress(v4) : address;
}

} // namespace

bool TrustedProxies::parse(const QString &list, TrustedProxies *out, QString *error)
{
    TrustedProxies parsed;
    const QStringList entries = list.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &raw : entries) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            continue;
        std::pair<QHostAddress, int> range;
        if (entry.contains(QLatin1Char('/'))) {
            range = QHostAddress::parseSubnet(entry);
        } else {
            const QHostAddress address(entry);
            range = {address, address.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32};
        }
        if (range.first.isNull() || range.second < 0) {
            *error = QStringLiteral("LIFTLINE_TRUSTED_PROXIES: '%1' is neither an IP address nor a range "
                                    "such as 10.0.0.0/8")
                         .arg(entry);
            return false;
        }
        parsed.m_ranges.append(range);
    }
    *out = parsed;
    return true;
}

bool TrustedProxies::isTrusted(const QHostAddress &address) const
{
    const QHostAddress a = plain(address);
    for (const auto &range : m_ranges)
        if (a.isInSubnet(range))
            return true;
    return false;
}

QString TrustedProxies::clientAddress(const QHostAddress &peer, const QByteArray &forwardedFor) const
{
    QHostAddress client = plain(peer);
    if (forwardedFor.isEmpty() || !isTrusted(client))
        return client.toString();
    const QList<QByteArray> hops = forwardedFor.split(',');
    for (qsizetype i = hops.size() - 1; i >= 0; --i) {
        QByteArray hop = hops.at(i).trimmed();
        if (hop.startsWith('[') && hop.contains(']')) // [v6]:port
            hop = hop.mid(1, hop.indexOf(']') - 1);
        else if (hop.count(':') == 1) // v4:port
            hop = hop.left(hop.indexOf(':'));
        const QHostAddress address(QString::fromLatin1(hop));
        if (address.isNull())
            break; // not an address: the last hop that was one stands
        client = plain(address);
        if (!isTrusted(client))
            break;
    }
    return client.toString();
}
