#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QUrl>

// One conversation's thread, oldest first, as bubbles. The model decides what the delegate shows: day
// separators, when the author line appears, pending and failed states. A message the agent just sent is
// shown at once as pending (keyed by its client_message_id) and turns into the stored one when the
// server's answer or its message.created event arrives, whichever is first.
class MessageModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        MessageIdRole = Qt::UserRole + 1, // qint64; 0 while pending
        TextRole,                         // the text, plain (never rich text)
        OutboundRole,                     // bool: from an agent (right) or the technician (left)
        AuthorRole,                       // agent_name, "Sent automatically", or the technician's name
        TimeRole,                         // QDateTime (UTC): WhatsApp's time for inbound, stored time else
        StatusRole,                       // received, pending, sent, delivered, read, failed
        ErrorRole,                        // why it failed, in words; empty otherwise
        KindRole,                         // text, button, image, template, ...
        ClientMessageIdRole,              // the console's idempotency key for its own sends
        ShowDayRole,                      // bool: first message of its (local) day: draw a separator
        DayLabelRole,                     // "Today", "Yesterday", or the date
        ShowAuthorRole,                   // bool: author or side changed, or more than 5 minutes passed
        UnconfirmedRole,                  // bool: failed for want of an answer; it may have been sent
        MessageRole,                      // the whole JSON object
        DisplayTextRole,                  // what the bubble shows: tags in the agent's language, taps named
        MediaRole,      // QJsonObject: the file it carries (API.md, "media"); empty when none
        MediaIdRole,    // qint64: the file's id once it is kept, else 0
        MediaLabelRole, // the file, place or contact in words ("Voice message", "Open map")
        EditedRole,     // bool: the sender edited it
        RevokedRole,    // bool: the sender deleted it
        ReactionsRole,  // QString: the reactions on it ("👍 ❤️"), empty when none
        LocationRole,   // QJsonObject: a location's latitude, longitude, name, address
        ContactsRole,   // QJsonArray: a contacts message's cards
        RevisionRole,   // quint64: changes whenever the row's content does
    };
    Q_ENUM(Role)

    explicit MessageModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The conversation's technician, for the author of inbound messages.
    void setTechnicianName(const QString &name) { m_technician = name; }
    // Replaces the thread with a page (oldest first). keepLocal: the same conversation again, whose
    // messages the server has not confirmed yet (pending, unconfirmed) stay.
    void reset(const QJsonArray &messages, bool hasMore, bool keepLocal = false);
    // Older messages before the first row (oldest first).
    void prependOlder(const QJsonArray &messages, bool hasMore);
    bool hasMore() const { return m_hasMore; }
    qint64 oldestId() const;
    // A message from the server: updates the row with its id or client_message_id, else appends it.
    void upsert(const QJsonObject &message);
    // The agent's message before the server has it.
    void addPending(const QString &text, const QString &clientMessageId, const QString &author);
    // The agent's file before the server has it: its bubble says it is being sent.
    void addPendingFile(const QString &caption, const QString &clientMessageId, const QString &author,
                        const QString &mimeType, const QString &fileName, qint64 size);
    // The send was refused: the pending row shows why and offers a retry.
    // unconfirmed: no answer came (network, timeout); the message may have gone.
    void markFailed(const QString &clientMessageId, const QString &reason, bool unconfirmed = false);
    int rowOfClientId(const QString &clientMessageId) const;
    // The text a person reads for a stored message: "[image] caption" with the tag translated, a
    // quick-reply tap as "Tapped “Talk to an agent”" rather than its payload.
    static QString displayText(const QJsonObject &message);
    // What the file, place or contact line of a bubble says: "Photo", "Voice message", "Document
    // report.pdf · 734 bytes", "Fetching the photo…", the reason a file is not kept; empty when none.
    static QString mediaLabel(const QJsonObject &message);
    // OpenStreetMap at a location message's place; empty when it has no coordinates.
    static QUrl mapUrl(const QJsonObject &location);
    // A length or position as a clock: "0:07", "12:30", "1:02:03".
    static QString clockText(qint64 ms);
    // A contacts message's cards as text to copy: one line per card, name and numbers.
    static QString contactsText(const QJsonArray &contacts);
    // Rows showing the file with this id are repainted (its thumbnail arrived).
    void mediaChanged(qint64 mediaId);

private:
    struct Row {
        QJsonObject json;
        qint64 id = 0;
        QDateTime time;
        QDateTime localDay;
        quint64 revision = 0;
    };
    static Row makeRow(const QJsonObject &json);
    bool showDay(int row) const;
    bool showAuthor(int row) const;
    // Rows whose ShowDay/ShowAuthor may change when `row` changes or appears.
    void neighboursChanged(int row);

    QList<Row> m_rows;
    QString m_technician;
    bool m_hasMore = false;
};
