#include "MessageModel.h"

#include "WireTime.h"

#include <QJsonArray>
#include <QLocale>

#include <cmath>

MessageModel::MessageModel(QObject *parent)
    : QAbstractListModel(parent)
{}

namespace {
// Every version of every row has its own number: the delegate's layout cache is keyed by it.
quint64 nextRevision()
{
    static quint64 revisions = 0;
    return ++revisions;
}
} // namespace

MessageModel::Row MessageModel::makeRow(const QJsonObject &json)
{
    Row r;
    r.revision = nextRevision();
    r.json = json;
    r.id = json.value(QStringLiteral("id")).toInteger();
    r.time = WireTime::parse(json.value(QStringLiteral("wa_timestamp")).toString());
    if (!r.time.isValid())
        r.time = WireTime::parse(json.value(QStringLiteral("created_at")).toString());
    if (!r.time.isValid())
        r.time = QDateTime::currentDateTimeUtc();
    r.localDay = r.time.toLocalTime();
    return r;
}

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

bool MessageModel::showDay(int row) const
{
    return row == 0 || m_rows.at(row).localDay.date() != m_rows.at(row - 1).localDay.date();
}

bool MessageModel::showAuthor(int row) const
{
    if (showDay(row))
        return true;
    const QJsonObject &a = m_rows.at(row - 1).json;
    const QJsonObject &b = m_rows.at(row).json;
    return a.value(QStringLiteral("direction")) != b.value(QStringLiteral("direction")) ||
           a.value(QStringLiteral("agent_name")) != b.value(QStringLiteral("agent_name")) ||
           m_rows.at(row - 1).time.secsTo(m_rows.at(row).time) > 5 * 60;
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const Row &r = m_rows.at(row);
    const auto text = [&r](const char *key) { return r.json.value(QLatin1String(key)).toString(); };
    const bool outbound = text("direction") == QLatin1String("outbound");
    switch (role) {
    case TextRole:
        return text("message");
    case Qt::DisplayRole:
    case DisplayTextRole:
        return displayText(r.json);
    case MessageIdRole:
        return r.id;
    case OutboundRole:
        return outbound;
    case AuthorRole: {
        if (outbound) {
            // The server's own messages (the confirmation that an agent has the request) are no agent's.
            if (r.json.value(QStringLiteral("automatic")).toBool())
                return tr("Sent automatically");
            const QString agent = text("agent_name");
            return agent.isEmpty() ? tr("Liftline") : agent;
        }
        return m_technician.isEmpty() ? text("from_number") : m_technician;
    }
    case TimeRole:
        return r.time;
    case StatusRole:
        return text("status");
    case ErrorRole: {
        const QJsonObject error = r.json.value(QStringLiteral("error")).toObject();
        return error.value(QStringLiteral("message")).toString();
    }
    case KindRole:
        return text("kind");
    case ClientMessageIdRole:
        return text("client_message_id");
    case ShowDayRole:
        return showDay(row);
    case DayLabelRole: {
        const QDate day = r.localDay.date();
        const QDate today = QDate::currentDate();
        if (day == today)
            return tr("Today");
        if (day == today.addDays(-1))
            return tr("Yesterday");
        return QLocale().toString(day, QLocale::LongFormat);
    }
    case ShowAuthorRole:
        return showAuthor(row);
    case UnconfirmedRole:
        return r.json.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString() ==
               QLatin1String("unconfirmed");
    case MessageRole:
        return r.json;
    case RevisionRole:
        return r.revision;
    case MediaRole:
        return r.json.value(QStringLiteral("media")).toObject();
    case MediaIdRole: {
        const QJsonObject media = r.json.value(QStringLiteral("media")).toObject();
        return media.value(QStringLiteral("status")).toString() == QLatin1String("stored")
                   ? media.value(QStringLiteral("id")).toInteger()
                   : qint64(0);
    }
    case MediaLabelRole:
        return mediaLabel(r.json);
    case EditedRole:
        return r.json.value(QStringLiteral("edits")).toInt() > 0 &&
               r.json.value(QStringLiteral("revoked_at")).isNull();
    case RevokedRole:
        return !r.json.value(QStringLiteral("revoked_at")).toString().isEmpty();
    case ReactionsRole: {
        QStringList emoji;
        const QJsonArray reactions = r.json.value(QStringLiteral("reactions")).toArray();
        for (const QJsonValue &v : reactions)
            emoji << v.toObject().value(QStringLiteral("emoji")).toString();
        return emoji.join(QLatin1Char(' '));
    }
    case LocationRole:
        return r.json.value(QStringLiteral("location")).toObject();
    case ContactsRole:
        return r.json.value(QStringLiteral("contacts")).toArray();
    case Qt::AccessibleTextRole:
        return tr("%1 at %2: %3")
            .arg(data(index, AuthorRole).toString(),
                 QLocale().toString(r.localDay.time(), QLocale::ShortFormat), displayText(r.json));
    default:
        return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{MessageIdRole, "messageId"},
                  {TextRole, "text"},
                  {DisplayTextRole, "displayText"},
                  {OutboundRole, "outbound"},
                  {AuthorRole, "author"},
                  {TimeRole, "time"},
                  {StatusRole, "status"},
                  {ErrorRole, "error"},
                  {KindRole, "kind"},
                  {ClientMessageIdRole, "clientMessageId"},
                  {ShowDayRole, "showDay"},
                  {DayLabelRole, "dayLabel"},
                  {ShowAuthorRole, "showAuthor"},
                  {UnconfirmedRole, "unconfirmed"},
                  {MessageRole, "message"},
                  {MediaRole, "media"},
                  {MediaIdRole, "mediaId"},
                  {MediaLabelRole, "mediaLabel"},
                  {EditedRole, "edited"},
                  {RevokedRole, "revoked"},
                  {ReactionsRole, "reactions"},
                  {LocationRole, "location"},
                  {ContactsRole, "contacts"}});
    return names;
}

void MessageModel::reset(const QJsonArray &messages, bool hasMore, bool keepLocal)
{
    QList<Row> local;
    for (const Row &r : std::as_const(m_rows))
        if (keepLocal && r.id == 0)
            local.append(r);
    beginResetModel();
    m_rows.clear();
    for (const QJsonValue &v : messages)
        m_rows.append(makeRow(v.toObject()));
    for (const Row &r : std::as_const(local)) {
        const QString cid = r.json.value(QStringLiteral("client_message_id")).toString();
        if (rowOfClientId(cid) < 0)
            m_rows.append(r);
    }
    m_hasMore = hasMore;
    endResetModel();
}

void MessageModel::prependOlder(const QJsonArray &messages, bool hasMore)
{
    m_hasMore = hasMore;
    const qint64 oldest = oldestId();
    QList<Row> older;
    for (const QJsonValue &v : messages) {
        Row r = makeRow(v.toObject());
        if (oldest == 0 || (r.id > 0 && r.id < oldest))
            older.append(std::move(r));
    }
    if (older.isEmpty())
        return;
    beginInsertRows({}, 0, int(older.size()) - 1);
    m_rows = older + m_rows;
    endInsertRows();
    neighboursChanged(int(older.size()));
}

qint64 MessageModel::oldestId() const
{
    for (const Row &r : m_rows)
        if (r.id > 0)
            return r.id;
    return 0;
}

int MessageModel::rowOfClientId(const QString &clientMessageId) const
{
    if (clientMessageId.isEmpty())
        return -1;
    for (int i = int(m_rows.size()) - 1; i >= 0; --i)
        if (m_rows.at(i).json.value(QStringLiteral("client_message_id")).toString() == clientMessageId)
            return i;
    return -1;
}

void MessageModel::upsert(const QJsonObject &message)
{
    Row r = makeRow(message);
    int row = -1;
    for (int i = int(m_rows.size()) - 1; i >= 0 && r.id > 0; --i)
        if (m_rows.at(i).id == r.id) {
            row = i;
            break;
        }
    if (row < 0)
        row = rowOfClientId(message.value(QStringLiteral("client_message_id")).toString());
    if (row >= 0) {
        // A status only moves forward: an older copy arriving late (the send's answer after the
        // delivered event) must not turn "delivered" back into "sent". Failed overrides pending and
        // sent, not delivered or read (as on the server).
        static const QStringList order{QStringLiteral("pending"), QStringLiteral("sent"),
                                       QStringLiteral("failed"), QStringLiteral("delivered"),
                                       QStringLiteral("read")};
        const QString had = m_rows.at(row).json.value(QStringLiteral("status")).toString();
        const QString now = message.value(QStringLiteral("status")).toString();
        if (order.indexOf(now) >= 0 && order.indexOf(now) < order.indexOf(had) && m_rows.at(row).id == r.id)
            return;
        m_rows[row] = std::move(r);
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    if (!m_rows.isEmpty() && r.id > 0 && m_rows.constFirst().id > r.id && m_hasMore)
        return; // older than the loaded page: it appears when the agent scrolls up
    row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(std::move(r));
    endInsertRows();
    neighboursChanged(row);
}

void MessageModel::addPending(const QString &text, const QString &clientMessageId, const QString &author)
{
    QJsonObject json{{QStringLiteral("id"), 0},
                     {QStringLiteral("message"), text},
                     {QStringLiteral("direction"), QStringLiteral("outbound")},
                     {QStringLiteral("agent_name"), author},
                     {QStringLiteral("status"), QStringLiteral("pending")},
                     {QStringLiteral("kind"), QStringLiteral("text")},
                     {QStringLiteral("client_message_id"), clientMessageId},
                     {QStringLiteral("created_at"), WireTime::format(QDateTime::currentDateTimeUtc())},
                     {QStringLiteral("error"), QJsonValue::Null}};
    // Sent again with the same id (an unconfirmed one): the same bubble goes back to pending.
    if (const int row = rowOfClientId(clientMessageId); row >= 0 && m_rows.at(row).id == 0) {
        m_rows[row] = makeRow(json);
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    upsert(json);
}

void MessageModel::addPendingFile(const QString &caption, const QString &clientMessageId,
                                  const QString &author, const QString &mimeType, const QString &fileName,
                                  qint64 size)
{
    const QString type = mimeType == QLatin1String("image/jpeg") || mimeType == QLatin1String("image/png")
                             ? QStringLiteral("image")
                         : mimeType == QLatin1String("image/webp")      ? QStringLiteral("sticker")
                         : mimeType.startsWith(QLatin1String("audio/")) ? QStringLiteral("audio")
                         : mimeType.startsWith(QLatin1String("video/")) ? QStringLiteral("video")
                                                                        : QStringLiteral("document");
    QJsonObject json{
        {QStringLiteral("id"), 0},
        {QStringLiteral("message"), caption},
        {QStringLiteral("direction"), QStringLiteral("outbound")},
        {QStringLiteral("agent_name"), author},
        {QStringLiteral("status"), QStringLiteral("pending")},
        {QStringLiteral("kind"), type == QLatin1String("sticker") ? QStringLiteral("image") : type},
        {QStringLiteral("client_message_id"), clientMessageId},
        {QStringLiteral("created_at"), WireTime::format(QDateTime::currentDateTimeUtc())},
        {QStringLiteral("error"), QJsonValue::Null},
        {QStringLiteral("media"), QJsonObject{{QStringLiteral("id"), 0},
                                              {QStringLiteral("type"), type},
                                              {QStringLiteral("status"), QStringLiteral("uploading")},
                                              {QStringLiteral("mime_type"), mimeType},
                                              {QStringLiteral("filename"), fileName},
                                              {QStringLiteral("caption"), caption},
                                              {QStringLiteral("size"), size}}}};
    if (const int row = rowOfClientId(clientMessageId); row >= 0 && m_rows.at(row).id == 0) {
        m_rows[row] = makeRow(json);
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    upsert(json);
}

void MessageModel::markFailed(const QString &clientMessageId, const QString &reason, bool unconfirmed)
{
    const int row = rowOfClientId(clientMessageId);
    if (row < 0)
        return;
    QJsonObject json = m_rows.at(row).json;
    if (json.value(QStringLiteral("status")).toString() != QLatin1String("pending"))
        return; // the server's own record (failed with its reason, or sent) already arrived
    json.insert(QStringLiteral("status"), QStringLiteral("failed"));
    const QString code = unconfirmed ? QStringLiteral("unconfirmed") : QStringLiteral("send_failed");
    json.insert(QStringLiteral("error"),
                QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), reason}});
    m_rows[row].json = json;
    m_rows[row].revision = nextRevision();
    Q_EMIT dataChanged(index(row), index(row));
}

void MessageModel::neighboursChanged(int row)
{
    if (row + 1 < m_rows.size())
        Q_EMIT dataChanged(index(row + 1), index(row + 1), {ShowDayRole, ShowAuthorRole});
}

QString MessageModel::displayText(const QJsonObject &message)
{
    if (!message.value(QStringLiteral("revoked_at")).toString().isEmpty())
        return tr("Deleted by the sender");
    const QString text = message.value(QStringLiteral("message")).toString();
    const QString kind = message.value(QStringLiteral("kind")).toString();
    // A file's bubble shows the file itself; the words are its caption.
    const QJsonObject media = message.value(QStringLiteral("media")).toObject();
    if (!media.isEmpty())
        return message.value(QStringLiteral("edits")).toInt() > 0
                   ? text // the caption as last edited
                   : media.value(QStringLiteral("caption")).toString();
    if (kind == QLatin1String("button") || kind == QLatin1String("interactive")) {
        // The alert's quick reply: its payload when WhatsApp sent no title.
        const QString title =
            text.compare(QLatin1String("AGENT"), Qt::CaseInsensitive) == 0 ? tr("Talk to an agent") : text;
        return tr("Tapped “%1”").arg(title);
    }
    // The server stores what is not text as "[tag] detail", in English: the tag is shown in the agent's
    // language.
    static const QList<std::pair<QString, const char *>> tags = {
        {QStringLiteral("[image]"), QT_TR_NOOP("[image]")},
        {QStringLiteral("[video]"), QT_TR_NOOP("[video]")},
        {QStringLiteral("[audio]"), QT_TR_NOOP("[audio]")},
        {QStringLiteral("[voice message]"), QT_TR_NOOP("[voice message]")},
        {QStringLiteral("[document]"), QT_TR_NOOP("[document]")},
        {QStringLiteral("[sticker]"), QT_TR_NOOP("[sticker]")},
        {QStringLiteral("[location]"), QT_TR_NOOP("[location]")},
        {QStringLiteral("[contacts]"), QT_TR_NOOP("[contacts]")},
        {QStringLiteral("[contact]"), QT_TR_NOOP("[contact]")},
        {QStringLiteral("[reaction]"), QT_TR_NOOP("[reaction]")},
        {QStringLiteral("[reaction removed]"), QT_TR_NOOP("[reaction removed]")},
        {QStringLiteral("[unsupported]"), QT_TR_NOOP("[unsupported]")},
        {QStringLiteral("[edit]"), QT_TR_NOOP("[edit]")},
        {QStringLiteral("[revoke]"), QT_TR_NOOP("[revoke]")},
    };
    if (kind != QLatin1String("text") && text.startsWith(QLatin1Char('['))) {
        for (const auto &[tag, source] : tags)
            if (text.startsWith(tag))
                return tr(source) + text.mid(tag.size());
    }
    return text;
}

QString MessageModel::mediaLabel(const QJsonObject &message)
{
    if (!message.value(QStringLiteral("revoked_at")).toString().isEmpty())
        return {};
    const QJsonObject location = message.value(QStringLiteral("location")).toObject();
    if (!location.isEmpty())
        return mapUrl(location).isEmpty() ? QString() : tr("Open the map");
    const QJsonArray contacts = message.value(QStringLiteral("contacts")).toArray();
    if (!contacts.isEmpty())
        return tr("Copy the contact details");
    const QJsonObject media = message.value(QStringLiteral("media")).toObject();
    if (media.isEmpty())
        return {};
    const QString type = media.value(QStringLiteral("type")).toString();
    QString what;
    if (type == QLatin1String("image"))
        what = tr("Photo");
    else if (type == QLatin1String("sticker"))
        what = tr("Sticker");
    else if (type == QLatin1String("audio"))
        what = media.value(QStringLiteral("voice")).toBool() ? tr("Voice message") : tr("Audio");
    else if (type == QLatin1String("video"))
        what = tr("Video");
    else
        what = tr("Document");
    const QString status = media.value(QStringLiteral("status")).toString();
    if (status == QLatin1String("uploading")) {
        const QString name = media.value(QStringLiteral("filename")).toString();
        return name.isEmpty() ? tr("%1: sending…").arg(what) : tr("%1 %2: sending…").arg(what, name);
    }
    if (status == QLatin1String("waiting"))
        return tr("%1: fetching it from WhatsApp…").arg(what);
    if (status != QLatin1String("stored")) {
        const QString reason =
            media.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
        return reason.isEmpty() ? tr("%1: not available").arg(what)
                                : tr("%1 not available: %2").arg(what, reason);
    }
    QString details = media.value(QStringLiteral("filename")).toString();
    // How long it plays, when the server could read it from the file (a video is not fetched to show it).
    const QJsonValue duration = media.value(QStringLiteral("duration_ms"));
    if (duration.isDouble() && duration.toDouble() >= 0) {
        const QString length = clockText(qint64(duration.toDouble()));
        details = details.isEmpty() ? length : tr("%1 · %2").arg(details, length);
    }
    const qint64 size = media.value(QStringLiteral("size")).toInteger();
    if (size > 0) {
        const QString sized = QLocale().formattedDataSize(size, 1, QLocale::DataSizeTraditionalFormat);
        details = details.isEmpty() ? sized : tr("%1 · %2").arg(details, sized);
    }
    return details.isEmpty() ? what : tr("%1 %2").arg(what, details);
}

QString MessageModel::clockText(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms) / 1000;
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QUrl MessageModel::mapUrl(const QJsonObject &location)
{
    const QJsonValue lat = location.value(QStringLiteral("latitude"));
    const QJsonValue lon = location.value(QStringLiteral("longitude"));
    if (!lat.isDouble() || !lon.isDouble() || std::abs(lat.toDouble()) > 90 || std::abs(lon.toDouble()) > 180)
        return {};
    const QString la = QString::number(lat.toDouble(), 'f', 6);
    const QString lo = QString::number(lon.toDouble(), 'f', 6);
    return QUrl(QStringLiteral("https://www.openstreetmap.org/?mlat=%1&mlon=%2#map=18/%1/%2").arg(la, lo));
}

QString MessageModel::contactsText(const QJsonArray &contacts)
{
    QStringList lines;
    for (const QJsonValue &v : contacts) {
        const QJsonObject card = v.toObject();
        QStringList parts{card.value(QStringLiteral("name")).toString()};
        const QJsonArray phones = card.value(QStringLiteral("phones")).toArray();
        for (const QJsonValue &p : phones)
            parts << p.toObject().value(QStringLiteral("phone")).toString();
        const QString organization = card.value(QStringLiteral("organization")).toString();
        if (!organization.isEmpty())
            parts << QStringLiteral("(%1)").arg(organization);
        parts.removeAll(QString());
        lines << parts.join(QLatin1Char(' '));
    }
    return lines.join(QLatin1Char('\n'));
}

void MessageModel::mediaChanged(qint64 mediaId)
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i)
                .json.value(QStringLiteral("media"))
                .toObject()
                .value(QStringLiteral("id"))
                .toInteger() == mediaId)
            Q_EMIT dataChanged(index(i), index(i), {MediaIdRole});
}
