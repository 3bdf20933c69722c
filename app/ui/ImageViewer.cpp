#include "ImageViewer.h"

#include "MediaLoader.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QLabel>
#include <QPixmap>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QShortcut>
#include <QStandardPaths>
#include <QVBoxLayout>

#include <cmath>

ImageViewer::ImageViewer(MediaLoader *loader, qint64 mediaId, const QString &title, const QString &fileName,
                         QWidget *parent)
    : QDialog(parent)
    , m_area(new QScrollArea(this))
    , m_picture(new QLabel(this))
    , m_status(new QLabel(tr("Loading the picture…"), this))
    , m_fileName(fileName)
{
    setWindowTitle(title.isEmpty() ? tr("Photo") : title);
    resize(900, 700);
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setAccessibleName(tr("Photo"));
    m_area->setWidget(m_picture);
    m_area->setAlignment(Qt::AlignCenter);
    m_area->setWidgetResizable(false);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *zoomIn = buttons->addButton(tr("Zoom in"), QDialogButtonBox::ActionRole);
    auto *zoomOut = buttons->addButton(tr("Zoom out"), QDialogButtonBox::ActionRole);
    auto *fitButton = buttons->addButton(tr("Fit"), QDialogButtonBox::ActionRole);
    auto *actual = buttons->addButton(tr("Actual size"), QDialogButtonBox::ActionRole);
    auto *save = buttons->addButton(tr("Save as…"), QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(zoomIn, &QPushButton::clicked, this, [this] { setZoom(m_zoom * 1.25); });
    connect(zoomOut, &QPushButton::clicked, this, [this] { setZoom(m_zoom / 1.25); });
    connect(fitButton, &QPushButton::clicked, this, &ImageViewer::fit);
    connect(actual, &QPushButton::clicked, this, [this] { setZoom(1.0); });
    connect(save, &QPushButton::clicked, this, &ImageViewer::saveAs);
    new QShortcut(QKeySequence::ZoomIn, this, [this] { setZoom(m_zoom * 1.25); });
    new QShortcut(QKeySequence::ZoomOut, this, [this] { setZoom(m_zoom / 1.25); });
    new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_0), this, [this] { fit(); });
    new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_1), this, [this] { setZoom(1.0); });
    new QShortcut(QKeySequence::Save, this, [this] { saveAs(); });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_area, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    for (QPushButton *b : {zoomIn, zoomOut, fitButton, actual, save})
        b->setEnabled(false);
    connect(this, &ImageViewer::loaded, this, [this, zoomIn, zoomOut, fitButton, actual, save] {
        for (QPushButton *b : {zoomIn, zoomOut, fitButton, actual})
            b->setEnabled(!m_image.isNull());
        save->setEnabled(!m_bytes.isEmpty());
    });
    loader->fetch(
        mediaId, this,
        [this, loader](const QByteArray &bytes, const QString &) {
            m_bytes = bytes;
            loader->decodeFull(bytes, this, [this](const QImage &image, const QString &problem) {
                display(image, problem);
            });
        },
        [this](const RequestError &error) { display({}, error.message); });
}

void ImageViewer::display(const QImage &image, const QString &problem)
{
    m_image = image;
    m_problem = problem;
    if (image.isNull()) {
        m_status->setText(problem);
    } else {
        m_status->setText(tr("%1 × %2 pixels").arg(image.width()).arg(image.height()));
        fit();
    }
    Q_EMIT loaded();
}

void ImageViewer::setZoom(double zoom)
{
    if (m_image.isNull())
        return;
    m_fitted = false;
    // At most 8x, and never a scaled copy over 40 megapixels: a large photo zoomed in would take gigabytes.
    const double pixels = double(m_image.width()) * m_image.height();
    m_zoom = std::clamp(zoom, 0.05, std::min(8.0, std::sqrt(40e6 / std::max(1.0, pixels))));
    const QSize size = (QSizeF(m_image.size()) * m_zoom).toSize().expandedTo({1, 1});
    m_picture->setPixmap(
        QPixmap::fromImage(m_image.scaled(size, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    m_picture->resize(size);
}

void ImageViewer::fit()
{
    if (m_image.isNull())
        return;
    const QSize room = m_area->viewport()->size() - QSize(4, 4);
    const double zoom =
        std::min({1.0, double(room.width()) / m_image.width(), double(room.height()) / m_image.height()});
    setZoom(zoom > 0 ? zoom : 1.0);
    m_fitted = true;
}

void ImageViewer::resizeEvent(QResizeEvent *event)
{
    QDialog::resizeEvent(event);
    if (m_fitted)
        fit();
}

bool ImageViewer::saveTo(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_bytes) != m_bytes.size() || !file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

void ImageViewer::saveAs()
{
    if (m_bytes.isEmpty())
        return;
    const QString suggested =
        QStandardPaths::writableLocation(QStandardPaths::PicturesLocation) + QLatin1Char('/') + m_fileName;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the photo"), suggested);
    if (path.isEmpty())
        return;
    QString error;
    if (!saveTo(path, &error))
        m_status->setText(tr("The photo was not saved: %1").arg(error));
    else
        m_status->setText(tr("Saved to %1").arg(path));
}
