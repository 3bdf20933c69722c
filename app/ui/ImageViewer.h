#pragma once

#include <QDialog>
#include <QImage>

class MediaLoader;
class QLabel;
class QScrollArea;

// A technician's photo at full size: fetched and decoded off the GUI thread (MediaLoader), shown to fit
// the window first, then zoomed in and out (Ctrl++, Ctrl+-, Ctrl+0 to fit, Ctrl+1 for actual size) and
// saved as a file. Closing it frees the picture.
class ImageViewer : public QDialog {
    Q_OBJECT
public:
    ImageViewer(MediaLoader *loader, qint64 mediaId, const QString &title, const QString &fileName,
                QWidget *parent = nullptr);

    QImage image() const { return m_image; }
    double zoom() const { return m_zoom; }
    QString problem() const { return m_problem; }
    void setZoom(double zoom);
    void fit();
    // Writes the file as the server keeps it (bytes unchanged, not re-encoded).
    bool saveTo(const QString &path, QString *error) const;

Q_SIGNALS:
    void loaded();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void display(const QImage &image, const QString &problem);
    void saveAs();

    QScrollArea *m_area;
    QLabel *m_picture;
    QLabel *m_status;
    QImage m_image;
    QByteArray m_bytes;
    QString m_problem;
    QString m_fileName;
    double m_zoom = 1.0;
    bool m_fitted = true;
};
