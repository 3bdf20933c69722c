#pragma once

#include <QHash>
#include <QPointer>
#include <QStyledItemDelegate>

class AudioPlayer;
class MediaLoader;

// Paints one message as a bubble: the technician's on the left, the agents' on the right, the author
// line and the day separator when the model says so, delivery ticks, and a failed message's reason.
// The text is plain text: laid out with QTextLayout, never interpreted as markup. A file shows above the
// text: a picture's thumbnail (from the MediaLoader, asked for as it is painted), or a line saying what it
// is and what activating it does (play, open, open the map, copy); reactions show under the bubble, and
// "edited" in its footer.
class MessageDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit MessageDelegate(QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    static QString statusText(const QString &status);

    void setMediaLoader(MediaLoader *loader) { m_loader = loader; }
    void setAudioPlayer(AudioPlayer *player) { m_player = player; }
    // Where the row's file, place or contact is drawn (view coordinates), for clicks; empty when none.
    QRect mediaRect(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

Q_SIGNALS:
    // The file, place or contact of a row was clicked.
    void mediaActivated(const QModelIndex &index);

private:
    struct Layout {
        QRect day, author, bubble, media, text, footer, reactions;
        QString footerText;
        QString mediaText;
        bool picture = false; // the media rectangle holds a thumbnail, not a line of text
    };
    // The picture's size in the bubble: the thumbnail's once it is there, a placeholder's before.
    QSize pictureSize(const QModelIndex &index) const;
    QString mediaText(const QModelIndex &index) const;
    Layout layout(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    // The layout at the origin, from the cache: a page of older messages inserted at the top makes the
    // view ask for every row's size again, and laying out 10,000 texts for each page made loading a long
    // thread quadratic (measured: 116 ms a page at 10,000 messages); painting reuses it too.
    Layout cachedLayout(const QStyleOptionViewItem &option, const QModelIndex &index) const;

    mutable QHash<QString, Layout> m_layouts;
    QPointer<MediaLoader> m_loader;
    QPointer<AudioPlayer> m_player;
    bool m_swallowRelease = false;
};
