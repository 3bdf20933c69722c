#pragma once

#include <QPlainTextEdit>

// The reply box: Enter sends and Shift+Enter starts a new line (or, when the agent prefers, Ctrl+Enter
// sends and Enter starts a new line).
class Composer : public QPlainTextEdit {
    Q_OBJECT
public:
    static constexpr int maxLength = 4096; // code points, as the server counts

    explicit Composer(QWidget *parent = nullptr);
    void setCtrlEnterSends(bool on) { m_ctrlEnterSends = on; }
    // Code points after trimming, as the server counts them.
    int length() const;

Q_SIGNALS:
    void sendRequested();
    // A picture was pasted (a screenshot, a copied image): it is sent as a file, not as text.
    void imagePasted(const QImage &image);
    // Files were pasted (copied in a file manager).
    void filesPasted(const QList<QUrl> &files);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool canInsertFromMimeData(const QMimeData *source) const override;
    void insertFromMimeData(const QMimeData *source) override;

private:
    bool m_ctrlEnterSends = false;
};
