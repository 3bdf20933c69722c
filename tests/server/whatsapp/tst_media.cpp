#include "FakeGraph.h"
#include "HttpClient.h"
#include "Seed.h"
#include "TestCluster.h"
#include "TestServer.h"
#include "db/Db.h"
#include "db/Events.h"
#include "db/MediaStore.h"
#include "domain/Media.h"
#include "http/MediaRoutes.h"
#include "whatsapp/SandboxTransport.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QtEndian>

#include <cstring>
#include <memory>

// Issue 16: what technicians send besides text. Inbound files fetched after the webhook's answer (from the
// sandbox's own files, and from a fake Graph API that misbehaves in each way WhatsApp can), checked, kept
// once by content, served to consoles with ranges; edits, deletions and reactions shown on the message they
// name with every version kept; contact cards and places as data. Real PostgreSQL, real HTTP over loopback.
namespace {

const QString sipho = QStringLiteral("27820000001");
const QString anna = QStringLiteral("27820000002");
const QString stranger = QStringLiteral("27829999999");
const QString jamesHouse = QStringLiteral("27710000001");

QByteArray fixture(const QString &name)
{
    return Seed::whatsappFixture(name);
}

QByteArray replaced(QByteArray body, const QByteArray &from, const QByteArray &to)
{
    if (!body.contains(from))
        qFatal("replaced(): '%s' is not in the body", from.constData());
    return body.replace(from, to);
}

QByteArray sample(const QString &name)
{
    QFile f(QStringLiteral(":/sandbox-media/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("The server ships no sandbox file %s", qPrintable(name));
    return f.readAll();
}

// A small PNG, made here: the bytes a fake Graph serves.
QByteArray png(int width = 32, int height = 16)
{
    // Signature, IHDR, a minimal IDAT (not decoded by the server) and IEND: enough for the type check.
    QByteArray out("\x89PNG\r\n\x1A\n", 8);
    const auto chunk = [&](const QByteArray &type, const QByteArray &data) {
        QByteArray len(4, '\0');
        qToBigEndian<quint32>(quint32(data.size()), len.data());
        out += len + type + data + QByteArray(4, '\x11');
    };
    QByteArray ihdr(13, '\0');
    qToBigEndian<quint32>(quint32(width), ihdr.data());
    qToBigEndian<quint32>(quint32(height), ihdr.data() + 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    chunk("IHDR", ihdr);
    chunk("IDAT", QByteArray(64, '\x42'));
    chunk("IEND", {});
    return out;
}

// A fresh database with the registry, an open ticket on James House, and a server on it.
struct Fixture {
    explicit Fixture(const Config &config = TestServer::defaultConfig())
        : params(TestCluster::instance().createDatabase())
        , db(params, QStringLiteral("tst-media"))
    {
        Seed::registry(db);
        ticket = Seed::openTicket(db, jamesHouse);
        Events::sequence(db);
        server = std::make_unique<TestServer>(params, config);
        agentToken = server->signIn(QStringLiteral("thandi"), QStringLiteral("Thandi Nkosi"));
    }

    HttpResult deliver(const QByteArray &body)
    {
        const QByteArray signature =
            "sha256=" +
            QMessageAuthenticationCode::hash(body, server->app().webhookSecret(), QCryptographicHash::Sha256)
                .toHex();
        return server->http().post(QStringLiteral("/webhooks/whatsapp"), body,
                                   {{"X-Hub-Signature-256", signature}});
    }
    int count(const QString &sql, const QVariantList &binds = {}) { return db.scalar(sql, binds).toInt(); }
    // The agent sends `pdf` as wiring.pdf on the ticket.
    HttpResult sendDocument(const QByteArray &pdf)
    {
        return server->http().post(QStringLiteral("/api/chat/%1/media?filename=wiring.pdf").arg(ticket), pdf,
                                   HttpClient::bearer(agentToken), "application/pdf");
    }
    // Where the sent file is read.
    static QByteArray mediaUrl(const HttpResult &sent)
    {
        return sent.json.value(QLatin1String("chat_message"))
            .toObject()
            .value(QLatin1String("media"))
            .toObject()
            .value(QLatin1String("url"))
            .toString()
            .toUtf8();
    }
    bool processed()
    {
        return count(QStringLiteral("SELECT count(*) FROM whatsapp_inbox WHERE processed_at IS NULL")) == 0;
    }
    QString attachmentStatus(const QString &wamid)
    {
        return db
            .scalar(QStringLiteral("SELECT status FROM chat_attachments WHERE wa_message_id = ?"), {wamid})
            .toString();
    }
    // The message as the console reads it in the ticket's thread.
    QJsonObject apiMessage(const QString &wamid)
    {
        const HttpResult thread = server->http().get(QStringLiteral("/api/chat/%1/messages").arg(ticket),
                                                     HttpClient::bearer(agentToken));
        for (const QJsonValue &v : thread.json.value(QLatin1String("messages")).toArray())
            if (v.toObject().value(QLatin1String("wa_message_id")).toString() == wamid)
                return v.toObject();
        return {};
    }
    QList<QJsonObject> events(const QString &name)
    {
        QList<QJsonObject> out;
        QSqlQuery q = db.execOnce(
            QStringLiteral("SELECT data::text FROM chat_events WHERE event = ? ORDER BY id"), {name});
        while (q.next())
            out.append(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object());
        return out;
    }
    HttpResult get(const QString &path, const HttpClient::Headers &extra = {})
    {
        HttpClient::Headers headers = HttpClient::bearer(agentToken);
        headers.append(extra);
        return server->http().get(path, headers);
    }

    DbParams params;
    Db db;
    int ticket = 0;
    std::unique_ptr<TestServer> server;
    QByteArray agentToken;
};

#define DELIVERED(f, body)                                                                                   \
    do {                                                                                                     \
        const HttpResult d_ = (f).deliver(body);                                                             \
        VERIFY_STATUS(d_, 200);                                                                              \
        QTRY_VERIFY_WITH_TIMEOUT((f).processed(), 15000);                                                    \
    } while (false)

// An image message from a fixture, with its own WhatsApp id, media id and declared type.
QByteArray imageMessage(const QString &wamid, const QString &mediaId,
                        const QString &mime = QStringLiteral("image/png"), const QString &from = sipho)
{
    QByteArray body = fixture(QStringLiteral("image"));
    body = replaced(body, "wamid.IN.0009", wamid.toUtf8());
    body = replaced(body, "\"id\":\"900000000000001\"", "\"id\":\"" + mediaId.toUtf8() + '"');
    body = replaced(body, "image/jpeg", mime.toUtf8());
    body = replaced(body, "\"from\":\"27820000001\"", "\"from\":\"" + from.toUtf8() + '"');
    return replaced(body, "\"wa_id\":\"27820000001\"", "\"wa_id\":\"" + from.toUtf8() + '"');
}

Config graphConfig(const FakeGraph &graph)
{
    Config c = TestServer::defaultConfig();
    c.transport = QStringLiteral("graph");
    c.graphBaseUrl = graph.base();
    c.metaAccessToken = QStringLiteral("graph-token-123");
    c.metaPhoneNumberId = QStringLiteral("100000000000001");
    c.whatsappAppSecret = QStringLiteral("test-app-secret");
    c.mediaPollMs = 100;
    c.mediaTimeoutMs = 5000;
    return c;
}

Config sandboxConfig()
{
    Config c = TestServer::defaultConfig();
    c.mediaPollMs = 100;
    return c;
}

// One request on a raw connection: the header as sent, then whatever the server answers within the time.
class RawClient {
public:
    explicit RawClient(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.waitForConnected(5000);
    }
    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    // Waits until `done` holds for what arrived (or the peer closes, or the time is up).
    QByteArray readUntil(const std::function<bool(const QByteArray &)> &done, int timeoutMs = 10000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            m_received += m_socket.readAll();
            if (done(m_received) || m_socket.state() != QAbstractSocket::ConnectedState)
                break;
            QTest::qWait(2);
        }
        m_received += m_socket.readAll();
        return m_received;
    }
    // The next whole answer: its header, then Content-Length bytes (none when `head`); taken off what
    // arrived, so the next call reads the next answer.
    QByteArray answer(bool head = false, int timeoutMs = 20000)
    {
        const auto size = [head](const QByteArray &r) -> qint64 {
            const qsizetype end = r.indexOf("\r\n\r\n");
            return end < 0 ? -1 : end + 4 + (head ? 0 : std::max<qint64>(0, contentLength(r.left(end + 4))));
        };
        readUntil([&](const QByteArray &r) { return size(r) >= 0 && r.size() >= size(r); }, timeoutMs);
        const qint64 total = size(m_received);
        if (total < 0 || m_received.size() < total)
            return std::exchange(m_received, {});
        const QByteArray one = m_received.left(total);
        m_received.remove(0, total);
        return one;
    }
    QTcpSocket &socket() { return m_socket; }

    static int status(const QByteArray &answer)
    {
        return answer.startsWith("HTTP/1.1 ") ? answer.mid(9, 3).toInt() : 0;
    }
    static qint64 contentLength(const QByteArray &answer)
    {
        const qsizetype at = answer.toLower().indexOf("\r\ncontent-length:");
        return at < 0 ? -1
                      : answer.mid(at + 17, answer.indexOf('\r', at + 2) - at - 17).trimmed().toLongLong();
    }
    static QByteArray body(const QByteArray &answer)
    {
        const qsizetype end = answer.indexOf("\r\n\r\n");
        return end < 0 ? QByteArray() : answer.mid(end + 4);
    }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};

// A PDF as large as asked (WhatsApp allows documents up to 100 MB), its bytes all different.
QByteArray largePdf(qint64 size)
{
    QByteArray pdf = sample(QStringLiteral("report.pdf"));
    pdf.reserve(size);
    quint32 x = 2463534242u;
    while (pdf.size() < size) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        pdf.append(char(x & 0xff));
    }
    return pdf;
}

} // namespace

class TestMedia : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { TestCluster::instance(); }

    // The type is judged from the content, the limits are WhatsApp's, and a declared type must agree.
    void checkJudgesTheContent_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("declared");
        QTest::addColumn<QString>("code"); // empty: kept
        QTest::addColumn<QString>("mime");
        QTest::newRow("jpeg") << "image" << sample(QStringLiteral("photo.jpg")) << "image/jpeg"
                              << ""
                              << "image/jpeg";
        QTest::newRow("png undeclared") << "image" << png() << ""
                                        << ""
                                        << "image/png";
        QTest::newRow("webp sticker") << "sticker" << sample(QStringLiteral("sticker.webp")) << "image/webp"
                                      << ""
                                      << "image/webp";
        QTest::newRow("opus voice note")
            << "audio" << sample(QStringLiteral("voice.ogg")) << "audio/ogg; codecs=opus"
            << ""
            << "audio/ogg";
        QTest::newRow("mp4 video") << "video" << sample(QStringLiteral("clip.mp4")) << "video/mp4"
                                   << ""
                                   << "video/mp4";
        QTest::newRow("pdf") << "document" << sample(QStringLiteral("report.pdf")) << "application/pdf"
                             << ""
                             << "application/pdf";
        QTest::newRow("text") << "document" << QByteArray("Reset: hold the button for 5 s.\n") << "text/plain"
                              << ""
                              << "text/plain";
        QTest::newRow("docx") << "document" << QByteArray("PK\x03\x04rest-of-a-zip", 18)
                              << "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                              << ""
                              << "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        QTest::newRow("pdf declared as jpeg")
            << "image" << sample(QStringLiteral("report.pdf")) << "image/jpeg"
            << "type_not_allowed"
            << "";
        QTest::newRow("png declared as jpeg") << "image" << png() << "image/jpeg"
                                              << "type_mismatch"
                                              << "";
        QTest::newRow("zip declared as pdf")
            << "document" << QByteArray("PK\x03\x04zip", 7) << "application/pdf"
            << "type_mismatch"
            << "";
        QTest::newRow("html document")
            << "document" << QByteArray("<html><script>x()</script>\x01", 28) << "text/html"
            << "type_not_allowed"
            << "";
        QTest::newRow("gif image") << "image" << QByteArray("GIF89a....") << "image/gif"
                                   << "type_not_allowed"
                                   << "";
        QTest::newRow("empty") << "image" << QByteArray() << "image/png"
                               << "empty"
                               << "";
        QTest::newRow("image over 5 MB")
            << "image" << (png() + QByteArray(5 * 1024 * 1024, 'x')) << "image/png"
            << "too_large"
            << "";
        QTest::newRow("sticker over 500 KB")
            << "sticker" << (sample(QStringLiteral("sticker.webp")) + QByteArray(500 * 1024, 'x'))
            << "image/webp"
            << "too_large"
            << "";
    }
    void checkJudgesTheContent()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, content);
        QFETCH(QString, declared);
        QFETCH(QString, code);
        QFETCH(QString, mime);
        const Media::Verdict v = Media::check(kind, content, declared);
        QCOMPARE(v.ok, code.isEmpty());
        QCOMPARE(v.code, code);
        QCOMPARE(v.mimeType, mime);
        if (!v.ok)
            QVERIFY(!v.message.isEmpty());
    }

    void rangeHeader_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("range"); // MediaRoutes::Range
        QTest::addColumn<qint64>("first");
        QTest::addColumn<qint64>("last");
        const int whole = int(MediaRoutes::Range::Whole);
        const int partial = int(MediaRoutes::Range::Partial);
        const int none = int(MediaRoutes::Range::Unsatisfiable);
        QTest::newRow("first 100") << QByteArray("bytes=0-99") << partial << qint64(0) << qint64(99);
        QTest::newRow("from 900") << QByteArray("bytes=900-") << partial << qint64(900) << qint64(999);
        QTest::newRow("last 10") << QByteArray("bytes=-10") << partial << qint64(990) << qint64(999);
        QTest::newRow("past the end clipped")
            << QByteArray("bytes=990-5000") << partial << qint64(990) << qint64(999);
        QTest::newRow("starts past the end") << QByteArray("bytes=1000-") << none << qint64(0) << qint64(0);
        QTest::newRow("several ranges: whole")
            << QByteArray("bytes=0-1,5-6") << whole << qint64(0) << qint64(0);
        QTest::newRow("other unit: whole") << QByteArray("items=0-1") << whole << qint64(0) << qint64(0);
        QTest::newRow("backwards: whole") << QByteArray("bytes=50-10") << whole << qint64(0) << qint64(0);
        QTest::newRow("nonsense: whole") << QByteArray("bytes=a-b") << whole << qint64(0) << qint64(0);
        QTest::newRow("huge number: whole")
            << QByteArray("bytes=99999999999999999999-") << whole << qint64(0) << qint64(0);
    }
    // A recording's length is read from its container, and nothing in a forged one is trusted.
    void recordingLengthIsReadFromTheFile()
    {
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), sample(QStringLiteral("clip.mp4"))), 3000);
        QCOMPARE(
            Media::durationMs(QStringLiteral("audio/ogg; codecs=opus"), sample(QStringLiteral("voice.ogg"))),
            4000);
        QCOMPARE(Media::durationMs(QStringLiteral("image/jpeg"), sample(QStringLiteral("photo.jpg"))), -1);
        // A version 1 movie header (64-bit times), 90 s at a time scale of 600.
        const auto box = [](const char *type, const QByteArray &body) {
            QByteArray b(4, '\0');
            qToBigEndian<quint32>(quint32(8 + body.size()), b.data());
            return b + QByteArray(type, 4) + body;
        };
        QByteArray mvhd1(32, '\0');
        mvhd1[0] = 1;
        qToBigEndian<quint32>(600, mvhd1.data() + 20);
        qToBigEndian<quint64>(90 * 600, mvhd1.data() + 24);
        const QByteArray ftyp = box("ftyp", "isom\0\0\0\0isom");
        QCOMPARE(Media::durationMs(QStringLiteral("video/3gpp"), ftyp + box("moov", box("mvhd", mvhd1))),
                 90000);
        // A moov that runs to the end of the file (size 0), and one with a 64-bit size (size 1).
        const QByteArray moovBody = box("mvhd", mvhd1);
        QByteArray toEnd(4, '\0');
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), ftyp + toEnd + "moov" + moovBody), 90000);
        QByteArray large(16, '\0');
        qToBigEndian<quint32>(1, large.data());
        std::memcpy(large.data() + 4, "moov", 4);
        qToBigEndian<quint64>(quint64(16 + moovBody.size()), large.data() + 8);
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), ftyp + large + moovBody), 90000);
        // A box that claims more bytes than there are, a zero time scale, a length of years, no moov.
        QByteArray lying = ftyp + box("moov", box("mvhd", mvhd1));
        qToBigEndian<quint32>(0x7fffffff, lying.data() + ftyp.size());
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), lying), -1);
        QByteArray noScale = mvhd1;
        qToBigEndian<quint32>(0, noScale.data() + 20);
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), ftyp + box("moov", box("mvhd", noScale))),
                 -1);
        QByteArray years = mvhd1;
        qToBigEndian<quint64>(quint64(600) * 3600 * 24 * 400, years.data() + 24);
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), ftyp + box("moov", box("mvhd", years))), -1);
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), ftyp + box("mdat", QByteArray(64, 'x'))), -1);
        QByteArray fragmented = mvhd1;
        qToBigEndian<quint64>(0, fragmented.data() + 24);
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), ftyp + box("moov", box("mvhd", fragmented))),
                 -1);
        QCOMPARE(Media::durationMs(QStringLiteral("video/mp4"), sample(QStringLiteral("clip.mp4")).left(60)),
                 -1);
        const QByteArray ogg = sample(QStringLiteral("voice.ogg"));
        // "OggS" inside the audio of the last page is not taken for a page; nor one at the very start.
        QCOMPARE(Media::durationMs(QStringLiteral("audio/ogg"), ogg + QByteArray("OggS\x05junkjunkjunk", 17)),
                 4000);
        QCOMPARE(
            Media::durationMs(QStringLiteral("audio/ogg"), QByteArray("OggS\x01", 5) + QByteArray(20, 'x')),
            -1);
        // Ogg cut before its last page's position.
        QCOMPARE(Media::durationMs(QStringLiteral("audio/ogg"), ogg.left(ogg.lastIndexOf("OggS") + 10)), -1);
    }

    void rangeHeader()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, range);
        QFETCH(qint64, first);
        QFETCH(qint64, last);
        qint64 a = 0;
        qint64 b = 0;
        QCOMPARE(int(MediaRoutes::parseRange(header, 1000, &a, &b)), range);
        if (range == int(MediaRoutes::Range::Partial)) {
            QCOMPARE(a, first);
            QCOMPARE(b, last);
        }
    }

    // With the sandbox, each kind of file a technician sends is fetched, kept and served as it was shipped.
    void sandboxFilesAreFetchedKeptAndServed_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("wamid");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("mime");
        QTest::addColumn<bool>("voice");
        QTest::addColumn<int>("durationMs"); // -1: none
        QTest::newRow("photo") << "image"
                               << "wamid.IN.0009"
                               << "photo.jpg"
                               << "image"
                               << "image/jpeg" << false << -1;
        QTest::newRow("sticker") << "sticker"
                                 << "wamid.IN.0104"
                                 << "sticker.webp"
                                 << "sticker"
                                 << "image/webp" << false << -1;
        QTest::newRow("voice note") << "audio_voice"
                                    << "wamid.IN.0011"
                                    << "voice.ogg"
                                    << "audio"
                                    << "audio/ogg" << true << 4000;
        QTest::newRow("video") << "video"
                               << "wamid.IN.0105"
                               << "clip.mp4"
                               << "video"
                               << "video/mp4" << false << 3000;
        QTest::newRow("document") << "document"
                                  << "wamid.IN.0010"
                                  << "report.pdf"
                                  << "document"
                                  << "application/pdf" << false << -1;
    }
    void sandboxFilesAreFetchedKeptAndServed()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, wamid);
        QFETCH(QString, file);
        QFETCH(QString, type);
        QFETCH(QString, mime);
        QFETCH(bool, voice);
        QFETCH(int, durationMs);
        Fixture f(sandboxConfig());
        DELIVERED(f, ::fixture(fixture));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(wamid), QStringLiteral("stored"), 15000);

        const QByteArray expected = sample(file);
        QCOMPARE(
            f.count(
                QStringLiteral("SELECT count(*) FROM chat_media WHERE size_bytes = ? AND sha256 = ?"),
                {qint64(expected.size()), QCryptographicHash::hash(expected, QCryptographicHash::Sha256)}),
            1);
        QTRY_VERIFY_WITH_TIMEOUT(
            f.count(QStringLiteral("SELECT count(*) FROM chat_events WHERE seq IS NULL")) == 0, 5000);

        // The console's view: the file's facts and where to read it.
        const QJsonObject m = f.apiMessage(wamid);
        const QJsonObject media = m.value(QLatin1String("media")).toObject();
        QCOMPARE(media.value(QLatin1String("status")).toString(), QStringLiteral("stored"));
        QCOMPARE(media.value(QLatin1String("type")).toString(), type);
        QCOMPARE(media.value(QLatin1String("mime_type")).toString(), mime);
        if (durationMs < 0)
            QVERIFY(media.value(QLatin1String("duration_ms")).isNull());
        else
            QCOMPARE(media.value(QLatin1String("duration_ms")).toInteger(), durationMs);
        QCOMPARE(media.value(QLatin1String("voice")).toBool(), voice);
        QCOMPARE(media.value(QLatin1String("size")).toInteger(), expected.size());
        QCOMPARE(media.value(QLatin1String("sha256")).toString(),
                 QString::fromLatin1(QCryptographicHash::hash(expected, QCryptographicHash::Sha256).toHex()));
        QVERIFY(media.value(QLatin1String("error")).isNull());
        const QString url = media.value(QLatin1String("url")).toString();
        QCOMPARE(url, QStringLiteral("/api/chat/media/%1").arg(media.value(QLatin1String("id")).toInteger()));

        // The consoles heard of it: the message announced again with the file kept.
        bool announced = false;
        for (const QJsonObject &e : f.events(QStringLiteral("message.updated")))
            announced |=
                e.value(QLatin1String("wa_message_id")).toString() == wamid &&
                e.value(QLatin1String("media")).toObject().value(QLatin1String("status")).toString() ==
                    QLatin1String("stored");
        QVERIFY(announced);

        // The bytes, whole, with the agent's credentials only.
        const HttpResult whole = f.get(url);
        VERIFY_STATUS(whole, 200);
        QCOMPARE(whole.body, expected);
        QCOMPARE(whole.header("Content-Type"), mime.toUtf8());
        QCOMPARE(whole.header("X-Content-Type-Options"), QByteArray("nosniff"));
        QCOMPARE(whole.header("Accept-Ranges"), QByteArray("bytes"));
        QVERIFY(whole.header("Content-Disposition")
                    .startsWith(type == QLatin1String("document") ? "attachment" : "inline"));
        VERIFY_ERROR(f.server->http().get(url), 401, "unauthorized");
    }

    // Audio and video are played from where the listener is: ranges, and the cache's revalidation.
    void rangesAndRevalidation()
    {
        Fixture f(sandboxConfig());
        DELIVERED(f, fixture(QStringLiteral("audio_voice")));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.IN.0011")),
                                  QStringLiteral("stored"), 15000);
        const QByteArray voice = sample(QStringLiteral("voice.ogg"));
        const QString url = f.apiMessage(QStringLiteral("wamid.IN.0011"))
                                .value(QLatin1String("media"))
                                .toObject()
                                .value(QLatin1String("url"))
                                .toString();
        const HttpResult head = f.get(url, {{"Range", "bytes=0-99"}});
        VERIFY_STATUS(head, 206);
        QCOMPARE(head.body, voice.left(100));
        QCOMPARE(head.header("Content-Range"), "bytes 0-99/" + QByteArray::number(voice.size()));
        const HttpResult tail = f.get(url, {{"Range", "bytes=-10"}});
        VERIFY_STATUS(tail, 206);
        QCOMPARE(tail.body, voice.right(10));
        const HttpResult middle = f.get(url, {{"Range", "bytes=1000-"}});
        VERIFY_STATUS(middle, 206);
        QCOMPARE(middle.body, voice.mid(1000));
        const HttpResult outside = f.get(url, {{"Range", "bytes=9999999-"}});
        VERIFY_ERROR(outside, 416, "range_not_satisfiable");
        QCOMPARE(outside.header("Content-Range"), "bytes */" + QByteArray::number(voice.size()));
        const QByteArray etag = f.get(url).header("ETag");
        QVERIFY(!etag.isEmpty());
        const HttpResult cached = f.get(url, {{"If-None-Match", etag}});
        VERIFY_STATUS(cached, 304);
        QVERIFY(cached.body.isEmpty());
        VERIFY_ERROR(f.get(QStringLiteral("/api/chat/media/999999")), 404, "media_not_found");
        VERIFY_ERROR(f.get(QStringLiteral("/api/chat/media/abc")), 400, "invalid_id");
    }

    // The same photo sent twice (or by two people) is kept once.
    void sameContentKeptOnce()
    {
        Fixture f(sandboxConfig());
        DELIVERED(f, imageMessage(QStringLiteral("wamid.IMG.1"), QStringLiteral("1001"),
                                  QStringLiteral("image/jpeg")));
        DELIVERED(f, imageMessage(QStringLiteral("wamid.IMG.2"), QStringLiteral("1002"),
                                  QStringLiteral("image/jpeg"), anna));
        QTRY_COMPARE_WITH_TIMEOUT(
            f.count(QStringLiteral("SELECT count(*) FROM chat_attachments WHERE status = 'stored'")), 2,
            15000);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_media")), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(DISTINCT media_id) FROM chat_attachments")), 1);
        const qint64 size = sample(QStringLiteral("photo.jpg")).size();
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_media_chunks")),
                 int((size + MediaStore::chunkBytes - 1) / MediaStore::chunkBytes));
    }

    // A file from a number with no ticket is fetched too, and travels with the message onto a ticket.
    void unassignedFileFollowsTheMessage()
    {
        Fixture f(sandboxConfig());
        DELIVERED(f, imageMessage(QStringLiteral("wamid.STRANGER.IMG"), QStringLiteral("2001"),
                                  QStringLiteral("image/jpeg"), stranger));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.STRANGER.IMG")),
                                  QStringLiteral("stored"), 15000);
        const HttpResult list =
            f.server->http().get(QStringLiteral("/api/chat/unassigned"), HttpClient::bearer(f.agentToken));
        VERIFY_STATUS(list, 200);
        const QJsonObject item = list.json.value(QLatin1String("unassigned")).toArray().first().toObject();
        QCOMPARE(item.value(QLatin1String("media")).toObject().value(QLatin1String("status")).toString(),
                 QStringLiteral("stored"));
        bool announced = false;
        for (const QJsonObject &e : f.events(QStringLiteral("unassigned.updated")))
            announced |=
                e.value(QLatin1String("media")).toObject().value(QLatin1String("status")).toString() ==
                QLatin1String("stored");
        QVERIFY(announced);
        const HttpResult attached = f.server->http().postJson(
            QStringLiteral("/api/chat/unassigned/%1/attach").arg(item.value(QLatin1String("id")).toInteger()),
            {{QStringLiteral("ticket_id"), f.ticket}}, HttpClient::bearer(f.agentToken));
        VERIFY_STATUS(attached, 200);
        const QJsonObject onTicket = f.apiMessage(QStringLiteral("wamid.STRANGER.IMG"));
        QCOMPARE(onTicket.value(QLatin1String("media")).toObject().value(QLatin1String("url")).toString(),
                 item.value(QLatin1String("media")).toObject().value(QLatin1String("url")).toString());
    }

    // Graph: the metadata, then the bytes, each with the token; the file is kept.
    void graphFetchesInTwoAuthenticatedSteps()
    {
        FakeGraph graph;
        const QByteArray picture = png();
        graph.media(QStringLiteral("5001"), QStringLiteral("a.png"), picture, QStringLiteral("image/png"));
        Fixture f(graphConfig(graph));
        DELIVERED(f, imageMessage(QStringLiteral("wamid.G.1"), QStringLiteral("5001")));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.G.1")), QStringLiteral("stored"),
                                  15000);
        QCOMPARE(graph.count("/v21.0/5001"), 1);
        QCOMPARE(graph.count("/files/a.png"), 1);
        for (const FakeGraph::Asked &a : std::as_const(graph.asked))
            QCOMPARE(a.authorization, QByteArray("Bearer graph-token-123"));
        const QString url = f.apiMessage(QStringLiteral("wamid.G.1"))
                                .value(QLatin1String("media"))
                                .toObject()
                                .value(QLatin1String("url"))
                                .toString();
        QCOMPARE(f.get(url).body, picture);
    }

    // The short-lived address expired before the download: a new one is asked for, once.
    void graphExpiredUrlIsAskedForAgain()
    {
        FakeGraph graph;
        const QByteArray picture = png();
        graph.on(
            "/v21.0/5002",
            {200, QJsonDocument(QJsonObject{{QStringLiteral("url"), graph.fileUrl(QStringLiteral("b.png"))},
                                            {QStringLiteral("mime_type"), QStringLiteral("image/png")},
                                            {QStringLiteral("file_size"), picture.size()}})
                      .toJson(QJsonDocument::Compact)});
        // The first download finds the address expired; the second, with a new address, works.
        graph.on("/files/b.png", {401, R"({"error":"expired"})"});
        graph.on("/files/b.png", {200, picture, "image/png"});
        Fixture f(graphConfig(graph));
        DELIVERED(f, imageMessage(QStringLiteral("wamid.G.2"), QStringLiteral("5002")));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.G.2")), QStringLiteral("stored"),
                                  15000);
        QCOMPARE(graph.count("/v21.0/5002"), 2);
        QCOMPARE(graph.count("/files/b.png"), 2);
        QCOMPARE(f.count(QStringLiteral(
                     "SELECT attempts FROM chat_attachments WHERE wa_message_id = 'wamid.G.2'")),
                 1);
    }

    // Each way a fetch goes wrong ends in a state and a reason the agent can read.
    void graphFailuresAreExplained_data()
    {
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("words"); // in the agent's message
        QTest::newRow("404: gone") << "gone"
                                   << "failed"
                                   << "media_gone"
                                   << "no longer has this file";
        QTest::newRow("wrong type") << "wrong type"
                                    << "refused"
                                    << "type_mismatch"
                                    << "declared as image/png";
        QTest::newRow("declared oversized") << "declared oversized"
                                            << "refused"
                                            << "too_large"
                                            << "at most";
        QTest::newRow("stream oversized") << "stream oversized"
                                          << "refused"
                                          << "too_large"
                                          << "larger than";
        QTest::newRow("slow download") << "slow"
                                       << "failed"
                                       << "timeout"
                                       << "longer than";
    }
    void graphFailuresAreExplained()
    {
        QFETCH(QString, problem);
        QFETCH(QString, status);
        QFETCH(QString, code);
        QFETCH(QString, words);
        FakeGraph graph;
        const QString id = QStringLiteral("6001");
        const QByteArray meta =
            QJsonDocument(QJsonObject{{QStringLiteral("url"), graph.fileUrl(QStringLiteral("f"))},
                                      {QStringLiteral("mime_type"), QStringLiteral("image/png")},
                                      {QStringLiteral("file_size"), 100}})
                .toJson(QJsonDocument::Compact);
        if (problem == QLatin1String("gone")) {
            graph.on("/v21.0/6001", {404, R"({"error":{"message":"not found","code":100}})"});
        } else if (problem == QLatin1String("wrong type")) {
            // A JPEG said to be a PNG, by the message and by Graph.
            graph.media(id, QStringLiteral("f"), sample(QStringLiteral("photo.jpg")),
                        QStringLiteral("image/png"));
        } else if (problem == QLatin1String("declared oversized")) {
            graph.media(id, QStringLiteral("f"), png(), QStringLiteral("image/png"), 6 * 1024 * 1024);
        } else if (problem == QLatin1String("stream oversized")) {
            // The metadata says 100 bytes; the download never ends.
            graph.on("/v21.0/6001", {200, meta});
            graph.on("/files/f", {200, png() + QByteArray(6 * 1024 * 1024, 'x'), "image/png", 0, -2});
        } else {
            graph.on("/v21.0/6001", {200, meta});
            graph.on("/files/f", {200, png(), "image/png", 400});
        }
        Config config = graphConfig(graph);
        config.mediaAttempts = 1;
        config.mediaTimeoutMs = 1500;
        Fixture f(config);
        DELIVERED(f, imageMessage(QStringLiteral("wamid.BAD"), id));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.BAD")), status, 15000);
        const QJsonObject media =
            f.apiMessage(QStringLiteral("wamid.BAD")).value(QLatin1String("media")).toObject();
        QCOMPARE(media.value(QLatin1String("status")).toString(), status);
        QVERIFY(media.value(QLatin1String("url")).isNull());
        const QJsonObject error = media.value(QLatin1String("error")).toObject();
        QCOMPARE(error.value(QLatin1String("code")).toString(), code);
        QVERIFY2(error.value(QLatin1String("message")).toString().contains(words),
                 qPrintable(error.value(QLatin1String("message")).toString()));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_media")), 0);
        const HttpResult read =
            f.get(media.value(QLatin1String("id")).toInteger() > 0
                      ? QStringLiteral("/api/chat/media/%1").arg(media.value(QLatin1String("id")).toInteger())
                      : QStringLiteral("/api/chat/media/1"));
        VERIFY_ERROR(read, 409, "media_not_stored");
        QCOMPARE(
            read.json.value(QLatin1String("error")).toObject().value(QLatin1String("message")).toString(),
            error.value(QLatin1String("message")).toString());
    }

    // A passing failure is tried again, with the reason shown meanwhile.
    void graphPassingFailureIsTriedAgain()
    {
        FakeGraph graph;
        const QByteArray picture = png();
        graph.on("/v21.0/7001", {503, R"({"error":{"code":2}})"});
        graph.media(QStringLiteral("7001"), QStringLiteral("c.png"), picture, QStringLiteral("image/png"));
        Fixture f(graphConfig(graph));
        DELIVERED(f, imageMessage(QStringLiteral("wamid.RETRY"), QStringLiteral("7001")));
        QTRY_COMPARE_WITH_TIMEOUT(
            f.db.scalar(QStringLiteral(
                            "SELECT error_code FROM chat_attachments WHERE wa_message_id = 'wamid.RETRY'"))
                .toString(),
            QStringLiteral("http_503"), 15000);
        QCOMPARE(f.attachmentStatus(QStringLiteral("wamid.RETRY")), QStringLiteral("waiting"));
        QVERIFY(f.db.scalar(QStringLiteral("SELECT next_attempt_at > now() + interval '2 seconds' FROM "
                                           "chat_attachments WHERE wa_message_id = 'wamid.RETRY'"))
                    .toBool());
        // The wait is not the test's subject: it is cut short.
        f.db.execOnce(QStringLiteral("UPDATE chat_attachments SET next_attempt_at = now()"));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.RETRY")), QStringLiteral("stored"),
                                  15000);
        QCOMPARE(f.count(QStringLiteral("SELECT attempts FROM chat_attachments")), 2);
        QVERIFY(f.db.scalar(QStringLiteral("SELECT error_code IS NULL FROM chat_attachments")).toBool());
    }

    // The bridge carries no media: the agent is told so instead of waiting for nothing.
    void bridgeSaysMediaIsNotAvailable()
    {
        Config c = TestServer::defaultConfig();
        c.transport = QStringLiteral("bridge");
        c.bridgeBaseUrl = QStringLiteral("http://127.0.0.1:9");
        c.bridgeApiKey = QStringLiteral("key");
        c.whatsappAppSecret = QStringLiteral("test-app-secret");
        c.mediaPollMs = 100;
        Fixture f(c);
        DELIVERED(f, fixture(QStringLiteral("image")));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.IN.0009")),
                                  QStringLiteral("unavailable"), 15000);
        const QJsonObject media =
            f.apiMessage(QStringLiteral("wamid.IN.0009")).value(QLatin1String("media")).toObject();
        QVERIFY2(media.value(QLatin1String("error"))
                     .toObject()
                     .value(QLatin1String("message"))
                     .toString()
                     .contains(QLatin1String("not available through this connection")),
                 qPrintable(QJsonDocument(media).toJson()));
    }

    // An edit changes what is shown, a deletion hides it, and every version stays for admins.
    void editAndRevokeChangeTheMessageAndKeepEveryVersion()
    {
        Fixture f(sandboxConfig());
        DELIVERED(f, fixture(QStringLiteral("text_plain")));
        const qint64 id =
            f.apiMessage(QStringLiteral("wamid.IN.0002")).value(QLatin1String("id")).toInteger();
        const int inboundBefore =
            f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'inbound'"));

        DELIVERED(f, fixture(QStringLiteral("edit_text")));
        DELIVERED(f, fixture(QStringLiteral("edit_text"))); // WhatsApp delivers at least once
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'inbound'")),
                 inboundBefore);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_message_changes")), 1);
        QJsonObject m = f.apiMessage(QStringLiteral("wamid.IN.0002"));
        QCOMPARE(m.value(QLatin1String("message")).toString(),
                 QStringLiteral("Correction: the car is stuck between floors 4 and 5"));
        QCOMPARE(m.value(QLatin1String("edits")).toInt(), 1);
        QVERIFY(!m.value(QLatin1String("edited_at")).isNull());
        QVERIFY(m.value(QLatin1String("revoked_at")).isNull());
        // The stored row is untouched.
        QCOMPARE(
            f.db.scalar(QStringLiteral("SELECT message FROM chat_messages WHERE id = ?"), {id}).toString(),
            QStringLiteral("Doors are closed, two passengers inside"));
        bool announced = false;
        for (const QJsonObject &e : f.events(QStringLiteral("message.updated")))
            announced |= e.value(QLatin1String("id")).toInteger() == id &&
                         e.value(QLatin1String("edits")).toInt() == 1;
        QVERIFY(announced);

        // The conversation list shows the latest message as edited.
        const auto preview = [&] {
            return f.db
                .scalar(QStringLiteral(
                            "SELECT last_message_preview FROM chat_ticket_summary WHERE ticket_id = ?"),
                        {f.ticket})
                .toString();
        };
        QCOMPARE(preview(), QStringLiteral("Correction: the car is stuck between floors 4 and 5"));
        DELIVERED(f, fixture(QStringLiteral("revoke")));
        QCOMPARE(preview(), QStringLiteral("[deleted by the sender]"));
        QVERIFY(f.count(QStringLiteral(
                    "SELECT count(*) FROM chat_events WHERE event = 'conversation.updated' AND "
                    "data->>'last_message_preview' = '[deleted by the sender]'")) >= 1);
        m = f.apiMessage(QStringLiteral("wamid.IN.0002"));
        QCOMPARE(m.value(QLatin1String("message")).toString(), QString());
        QVERIFY(!m.value(QLatin1String("revoked_at")).isNull());

        // Admins see the whole record; agents may not.
        const QString history = QStringLiteral("/api/chat/messages/%1/history").arg(id);
        VERIFY_ERROR(f.get(history), 403, "forbidden");
        const HttpResult h = f.server->http().get(history, TestServer::admin());
        VERIFY_STATUS(h, 200);
        const QJsonObject record = h.json.value(QLatin1String("history")).toObject();
        QCOMPARE(
            record.value(QLatin1String("message")).toObject().value(QLatin1String("stored_text")).toString(),
            QStringLiteral("Doors are closed, two passengers inside"));
        const QJsonArray changes = record.value(QLatin1String("changes")).toArray();
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes.at(0).toObject().value(QLatin1String("change")).toString(), QStringLiteral("edit"));
        QCOMPARE(changes.at(0).toObject().value(QLatin1String("text")).toString(),
                 QStringLiteral("Correction: the car is stuck between floors 4 and 5"));
        QCOMPARE(changes.at(1).toObject().value(QLatin1String("change")).toString(),
                 QStringLiteral("revoke"));
        QVERIFY(changes.at(1).toObject().value(QLatin1String("applies")).toBool());
    }

    // A deleted message's file is no longer served to agents; an admin still reads it.
    void revokedFileIsForAdminsOnly()
    {
        Fixture f(sandboxConfig());
        DELIVERED(f, fixture(QStringLiteral("image")));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.IN.0009")),
                                  QStringLiteral("stored"), 15000);
        const QString url = f.apiMessage(QStringLiteral("wamid.IN.0009"))
                                .value(QLatin1String("media"))
                                .toObject()
                                .value(QLatin1String("url"))
                                .toString();
        DELIVERED(f, replaced(fixture(QStringLiteral("revoke")), "wamid.IN.0002", "wamid.IN.0009"));
        const QJsonObject m = f.apiMessage(QStringLiteral("wamid.IN.0009"));
        QVERIFY(m.value(QLatin1String("media")).isNull());
        VERIFY_ERROR(f.get(url), 410, "media_deleted");
        VERIFY_STATUS(f.server->http().get(url, TestServer::admin()), 200);
    }

    // Only the sender edits their message; an edit of a message that is not here is still seen.
    void editsThatDoNotApplyAreStillSeen()
    {
        Fixture f(sandboxConfig());
        DELIVERED(f, fixture(QStringLiteral("text_plain")));
        // Anna "edits" Sipho's message.
        QByteArray forged = fixture(QStringLiteral("edit_text"));
        forged = replaced(forged, "\"from\":\"27820000001\"", "\"from\":\"27820000002\"");
        forged = replaced(forged, "\"wa_id\":\"27820000001\"", "\"wa_id\":\"27820000002\"");
        DELIVERED(f, forged);
        QCOMPARE(f.apiMessage(QStringLiteral("wamid.IN.0002")).value(QLatin1String("message")).toString(),
                 QStringLiteral("Doors are closed, two passengers inside"));
        QCOMPARE(f.apiMessage(QStringLiteral("wamid.IN.0101")).value(QLatin1String("message")).toString(),
                 QStringLiteral("[edit] Correction: the car is stuck between floors 4 and 5"));
        // An edit of a message that is not here (from before this server, or still to come): kept for the
        // record and for its message, not shown as a message of its own, and listed for admins.
        DELIVERED(f,
                  replaced(replaced(fixture(QStringLiteral("edit_text")), "wamid.IN.0101", "wamid.IN.0201"),
                           "wamid.IN.0002", "wamid.IN.UNKNOWN"));
        QVERIFY(f.apiMessage(QStringLiteral("wamid.IN.0201")).isEmpty());
        QCOMPARE(f.count(QStringLiteral(
                     "SELECT count(*) FROM chat_messages WHERE wa_message_id = 'wamid.IN.0201'")),
                 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_message_changes WHERE wa_message_id = "
                                        "'wamid.IN.0201' AND target_wa_id = 'wamid.IN.UNKNOWN'")),
                 1);
        const HttpResult problems =
            f.server->http().get(QStringLiteral("/api/admin/webhook/problems"), TestServer::admin());
        VERIFY_STATUS(problems, 200);
        QVERIFY2(problems.body.contains("wamid.IN.UNKNOWN"), problems.body.left(400).constData());
    }

    // A reaction shows on the message it names; taking it away removes it.
    void reactionsShowOnTheirMessage()
    {
        Fixture f(sandboxConfig());
        const qint64 out =
            f.db.scalar(QStringLiteral("INSERT INTO chat_messages (ticket_id, to_number, message, direction, "
                                       "agent_name, read_by_agent, status, wa_message_id) VALUES (?, ?, "
                                       "'Help is on the way', 'outbound', 'Thandi', true, 'read', "
                                       "'wamid.OUT.CHAT.0001') RETURNING id"),
                        {f.ticket, sipho})
                .toLongLong();
        Events::sequence(f.db);
        DELIVERED(f, fixture(QStringLiteral("reaction")));
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'inbound'")),
                 0);
        QJsonObject m = f.apiMessage(QStringLiteral("wamid.OUT.CHAT.0001"));
        QCOMPARE(m.value(QLatin1String("id")).toInteger(), out);
        const QJsonArray reactions = m.value(QLatin1String("reactions")).toArray();
        QCOMPARE(reactions.size(), 1);
        QCOMPARE(reactions.first().toObject().value(QLatin1String("emoji")).toString(),
                 QString::fromUtf8("\xF0\x9F\x91\x8D"));
        QCOMPARE(reactions.first().toObject().value(QLatin1String("from_number")).toString(), sipho);
        // Taken away: an empty emoji, later.
        QByteArray removal = fixture(QStringLiteral("reaction"));
        removal = replaced(removal, "wamid.IN.0013", "wamid.IN.0014R");
        removal = replaced(removal, "\"emoji\":\"\\ud83d\\udc4d\"", "\"emoji\":\"\"");
        removal = replaced(removal, "\"timestamp\":\"", "\"timestamp\":\"1");
        DELIVERED(f, removal);
        m = f.apiMessage(QStringLiteral("wamid.OUT.CHAT.0001"));
        QCOMPARE(m.value(QLatin1String("reactions")).toArray().size(), 0);
    }

    // Contact cards and places arrive as data the console can show and act on.
    void contactsAndLocationsAsData()
    {
        Fixture f(sandboxConfig());
        DELIVERED(f, fixture(QStringLiteral("contacts_card")));
        DELIVERED(f, fixture(QStringLiteral("location")));
        const QJsonObject card = f.apiMessage(QStringLiteral("wamid.IN.0103"));
        QCOMPARE(card.value(QLatin1String("kind")).toString(), QStringLiteral("contacts"));
        QCOMPARE(card.value(QLatin1String("message")).toString(),
                 QStringLiteral("[contact] Johan Pretorius, +27 82 000 0099 (Lift Controls SA)"));
        const QJsonObject contact = card.value(QLatin1String("contacts")).toArray().first().toObject();
        QCOMPARE(contact.value(QLatin1String("name")).toString(), QStringLiteral("Johan Pretorius"));
        QCOMPARE(contact.value(QLatin1String("organization")).toString(), QStringLiteral("Lift Controls SA"));
        const QJsonObject phone = contact.value(QLatin1String("phones")).toArray().first().toObject();
        QCOMPARE(phone.value(QLatin1String("phone")).toString(), QStringLiteral("+27 82 000 0099"));
        QCOMPARE(phone.value(QLatin1String("wa_id")).toString(), QStringLiteral("27820000099"));

        const QJsonObject place = f.apiMessage(QStringLiteral("wamid.IN.0012"));
        const QJsonObject location = place.value(QLatin1String("location")).toObject();
        QCOMPARE(location.value(QLatin1String("latitude")).toDouble(), -26.1076);
        QCOMPARE(location.value(QLatin1String("longitude")).toDouble(), 28.0567);
        QCOMPARE(location.value(QLatin1String("name")).toString(), QStringLiteral("James House"));
        QCOMPARE(location.value(QLatin1String("address")).toString(),
                 QStringLiteral("12 Example Rd, Sandton"));

        // Coordinates that are not numbers are left out, not an error for the whole thread.
        DELIVERED(f, replaced(replaced(fixture(QStringLiteral("location")), "wamid.IN.0012", "wamid.IN.0212"),
                              "\"latitude\":-26.1076", "\"latitude\":\"north\""));
        const QJsonObject odd =
            f.apiMessage(QStringLiteral("wamid.IN.0212")).value(QLatin1String("location")).toObject();
        QVERIFY(odd.value(QLatin1String("latitude")).isNull());
        QCOMPARE(odd.value(QLatin1String("longitude")).toDouble(), 28.0567);
    }

    // An agent sends a photo with a caption: checked, kept like a technician's, uploaded, sent, and its
    // bubble follows WhatsApp's statuses. The same request again sends nothing more.
    void agentSendsAPhoto()
    {
        Config config = sandboxConfig();
        config.sandboxStatuses = true;
        Fixture f(config);
        Seed::technicianWrote(f.db, f.ticket, sipho, QStringLiteral("please send the reset steps"), 5);
        Events::sequence(f.db);
        const QByteArray picture = sample(QStringLiteral("photo.jpg"));
        const QString path =
            QStringLiteral("/api/chat/%1/media?caption=%2&client_message_id=photo-1")
                .arg(f.ticket)
                .arg(QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("Reset: hold R for 5 s"))));
        const HttpResult sent =
            f.server->http().post(path, picture, HttpClient::bearer(f.agentToken), "image/jpeg");
        VERIFY_STATUS(sent, 200);
        const QJsonObject message = sent.json.value(QLatin1String("chat_message")).toObject();
        QCOMPARE(message.value(QLatin1String("kind")).toString(), QStringLiteral("image"));
        QCOMPARE(message.value(QLatin1String("direction")).toString(), QStringLiteral("outbound"));
        QCOMPARE(message.value(QLatin1String("to_number")).toString(), sipho);
        QCOMPARE(message.value(QLatin1String("message")).toString(),
                 QStringLiteral("[image] Reset: hold R for 5 s"));
        const QJsonObject media = message.value(QLatin1String("media")).toObject();
        QCOMPARE(media.value(QLatin1String("status")).toString(), QStringLiteral("stored"));
        QCOMPARE(media.value(QLatin1String("caption")).toString(), QStringLiteral("Reset: hold R for 5 s"));
        QCOMPARE(media.value(QLatin1String("size")).toInteger(), picture.size());
        QCOMPARE(f.get(media.value(QLatin1String("url")).toString()).body, picture);
        // It reached WhatsApp (the sandbox) as an image with its caption.
        const QList<OutboundMessage> out = f.server->app().sandbox()->sent();
        QCOMPARE(out.size(), 1);
        QCOMPARE(out.first().type, QStringLiteral("image"));
        QCOMPARE(out.first().media, picture);
        QCOMPARE(out.first().mediaMime, QStringLiteral("image/jpeg"));
        QCOMPARE(out.first().text, QStringLiteral("Reset: hold R for 5 s"));
        QCOMPARE(out.first().to, sipho);
        // pending -> sent -> delivered -> read, as WhatsApp reports them.
        const qint64 id = message.value(QLatin1String("id")).toInteger();
        QTRY_COMPARE_WITH_TIMEOUT(
            f.db.scalar(QStringLiteral("SELECT status FROM chat_messages WHERE id = ?"), {id}).toString(),
            QStringLiteral("read"), 15000);
        QVERIFY(f.count(QStringLiteral(
                    "SELECT count(*) FROM chat_events WHERE event = 'message.updated' AND "
                    "data->>'status' = 'pending' AND data->'media'->>'status' = 'stored'")) >= 1);
        // A retry of the same request: the same message, nothing sent again.
        const HttpResult again =
            f.server->http().post(path, picture, HttpClient::bearer(f.agentToken), "image/jpeg");
        VERIFY_STATUS(again, 200);
        QCOMPARE(
            again.json.value(QLatin1String("chat_message")).toObject().value(QLatin1String("id")).toInteger(),
            id);
        QCOMPARE(f.server->app().sandbox()->sent().size(), 1);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_media")), 1);
    }

    // What WhatsApp would refuse is refused before it is stored, with the reason.
    void agentFilesThatCannotGo()
    {
        Fixture f(sandboxConfig());
        const auto post = [&](int ticket, const QByteArray &body, const QByteArray &type,
                              const QString &query = {}) {
            return f.server->http().post(QStringLiteral("/api/chat/%1/media%2").arg(ticket).arg(query), body,
                                         HttpClient::bearer(f.agentToken), type);
        };
        // Nobody wrote yet: nobody to send it to.
        VERIFY_ERROR(post(f.ticket, png(), "image/png"), 422, "no_recipient");
        Seed::technicianWrote(f.db, f.ticket, sipho, QStringLiteral("hello"), 5);
        Events::sequence(f.db);
        VERIFY_ERROR(post(f.ticket, png() + QByteArray(5 * 1024 * 1024, 'x'), "image/png"), 400,
                     "media_too_large");
        VERIFY_ERROR(post(f.ticket, QByteArray("GIF89a......"), "image/gif"), 400, "media_type_not_allowed");
        VERIFY_ERROR(post(f.ticket, png(), "application/pdf"), 400, "media_type_mismatch");
        VERIFY_ERROR(post(f.ticket, QByteArray(), "image/png"), 400, "media_empty");
        VERIFY_ERROR(
            post(f.ticket, png(), "image/png", QStringLiteral("?caption=") + QString(1100, QLatin1Char('a'))),
            400, "caption_too_long");
        // The window closed 25 hours ago: only a template may go.
        const int old = Seed::openTicket(f.db, QStringLiteral("27710000002"));
        Seed::technicianWrote(f.db, old, anna, QStringLiteral("earlier"), 25 * 60);
        Events::sequence(f.db);
        VERIFY_ERROR(post(old, png(), "image/png"), 409, "window_closed");
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 0);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_media")), 0);
        QCOMPARE(f.server->app().sandbox()->sent().size(), 0);
        // A document keeps its name, which can never be a path.
        const HttpResult doc = post(f.ticket, sample(QStringLiteral("report.pdf")), "application/pdf",
                                    QStringLiteral("?filename=..%2Fetc%2Freset.pdf"));
        VERIFY_STATUS(doc, 200);
        QCOMPARE(doc.json.value(QLatin1String("chat_message"))
                     .toObject()
                     .value(QLatin1String("media"))
                     .toObject()
                     .value(QLatin1String("filename"))
                     .toString(),
                 QStringLiteral(".._etc_reset.pdf"));
    }

    // Graph: the file is uploaded (multipart, with the token), then sent by the id WhatsApp gave.
    void graphUploadsThenSends()
    {
        FakeGraph graph;
        graph.on("/v21.0/100000000000001/media", {200, R"({"id":"upload-77"})"});
        graph.on("/v21.0/100000000000001/messages", {200, R"({"messages":[{"id":"wamid.OUT.MEDIA.1"}]})"});
        Fixture f(graphConfig(graph));
        Seed::technicianWrote(f.db, f.ticket, sipho, QStringLiteral("hello"), 5);
        Events::sequence(f.db);
        const QByteArray pdf = sample(QStringLiteral("report.pdf"));
        const HttpResult sent = f.server->http().post(
            QStringLiteral("/api/chat/%1/media?filename=reset.pdf&caption=Steps").arg(f.ticket), pdf,
            HttpClient::bearer(f.agentToken), "application/pdf");
        VERIFY_STATUS(sent, 200);
        QCOMPARE(sent.json.value(QLatin1String("chat_message"))
                     .toObject()
                     .value(QLatin1String("wa_message_id"))
                     .toString(),
                 QStringLiteral("wamid.OUT.MEDIA.1"));
        QCOMPARE(graph.count("/v21.0/100000000000001/media"), 1);
        QByteArray upload;
        QJsonObject message;
        for (const FakeGraph::Asked &a : std::as_const(graph.asked)) {
            QCOMPARE(a.authorization, QByteArray("Bearer graph-token-123"));
            if (a.path.endsWith("/media"))
                upload = a.body;
            else
                message = QJsonDocument::fromJson(a.body).object();
        }
        QVERIFY(upload.contains("name=\"messaging_product\""));
        QVERIFY(upload.contains("application/pdf"));
        QVERIFY(upload.contains(pdf));
        QCOMPARE(message.value(QLatin1String("type")).toString(), QStringLiteral("document"));
        const QJsonObject document = message.value(QLatin1String("document")).toObject();
        QCOMPARE(document.value(QLatin1String("id")).toString(), QStringLiteral("upload-77"));
        QCOMPARE(document.value(QLatin1String("filename")).toString(), QStringLiteral("reset.pdf"));
        QCOMPARE(document.value(QLatin1String("caption")).toString(), QStringLiteral("Steps"));
        QCOMPARE(message.value(QLatin1String("to")).toString(), sipho);
    }

    // The bridge carries no files: said at once, nothing stored.
    void bridgeCannotSendFiles()
    {
        Config c = TestServer::defaultConfig();
        c.transport = QStringLiteral("bridge");
        c.bridgeBaseUrl = QStringLiteral("http://127.0.0.1:9");
        c.bridgeApiKey = QStringLiteral("key");
        c.whatsappAppSecret = QStringLiteral("test-app-secret");
        Fixture f(c);
        Seed::technicianWrote(f.db, f.ticket, sipho, QStringLiteral("hello"), 5);
        VERIFY_ERROR(f.server->http().post(QStringLiteral("/api/chat/%1/media").arg(f.ticket), png(),
                                           HttpClient::bearer(f.agentToken), "image/png"),
                     422, "media_unavailable");
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_messages WHERE direction = 'outbound'")),
                 0);
    }

    // Storage used, for monitoring.
    // ------------------------------------------------------------------------------- large files on the wire

    // Up to 100 MB may come to the upload route, so its body is read only once the credentials are
    // checked: anyone else is answered from the header, before any of the body arrives.
    void uploadBodyIsReadOnlyWithCredentials()
    {
        Fixture f(sandboxConfig());
        const quint16 port = f.server->app().port();
        const QByteArray head = "POST /api/chat/" + QByteArray::number(f.ticket) +
                                "/media?filename=big.pdf HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                "application/pdf\r\nContent-Length: 50000000\r\n";
        // No credentials, asking whether to go on: refused, never invited.
        RawClient asking(port);
        asking.send(head + "Expect: 100-continue\r\n\r\n");
        QByteArray answer = asking.answer();
        QCOMPARE(RawClient::status(answer), 401);
        QVERIFY2(!answer.contains("100 Continue"), answer.constData());
        // A token that is no token, and the body not sent: the refusal comes anyway.
        RawClient forged(port);
        forged.send(head + "Authorization: Bearer not-a-session\r\n\r\n");
        answer = forged.answer(false, 5000);
        QCOMPARE(RawClient::status(answer), 401);
        QVERIFY2(RawClient::body(answer).contains("\"ok\":false"), answer.constData());
        // A client that sends its body without waiting still reads the refusal, sent before its body.
        RawClient eager(port);
        eager.send(head.left(head.indexOf("Content-Length")) + "Content-Length: 3000000\r\n\r\n");
        eager.send(QByteArray(3000000, 'x'));
        QCOMPARE(RawClient::status(eager.answer()), 401);
        // An agent is invited to send the body.
        RawClient agent(port);
        agent.send(head + "Authorization: Bearer " + f.agentToken + "\r\nExpect: 100-continue\r\n\r\n");
        answer = agent.readUntil([](const QByteArray &r) { return r.contains("\r\n\r\n"); }, 5000);
        QVERIFY2(answer.startsWith("HTTP/1.1 100 Continue\r\n"), answer.constData());
        // The registry upload is an administrator's: an agent is refused before the body.
        RawClient registry(port);
        registry.send("POST /api/admin/registry HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
                      "Content-Length: 10000000\r\nExpect: 100-continue\r\nAuthorization: Bearer " +
                      f.agentToken + "\r\n\r\n");
        QCOMPARE(RawClient::status(registry.answer()), 403);
        QCOMPARE(f.count(QStringLiteral("SELECT count(*) FROM chat_media")), 0);
    }

    // Large bodies share a room of their own (LIFTLINE_HTTP_MAX_BUFFERED_BODIES_MB): one that does not fit
    // is answered 503 before it is read, and the room is free again once an upload is answered.
    void largeBodiesShareTheirRoom()
    {
        Config config = sandboxConfig();
        config.httpMaxBufferedBodiesMb = 16;
        Fixture f(config);
        Seed::technicianWrote(f.db, f.ticket, sipho, QStringLiteral("send the wiring diagram"), 5);
        Events::sequence(f.db);
        const quint16 port = f.server->app().port();
        const QByteArray pdf = largePdf(10 * 1024 * 1024);
        const QByteArray head = "POST /api/chat/" + QByteArray::number(f.ticket) +
                                "/media?filename=wiring.pdf HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                "application/pdf\r\nAuthorization: Bearer " +
                                f.agentToken + "\r\nContent-Length: " + QByteArray::number(pdf.size()) +
                                "\r\nExpect: 100-continue\r\n\r\n";
        const auto invited = [](RawClient &c) {
            return c.readUntil([](const QByteArray &r) { return r.contains("\r\n\r\n"); }, 5000);
        };
        RawClient first(port);
        first.send(head);
        QVERIFY(invited(first).startsWith("HTTP/1.1 100 Continue\r\n"));
        first.answer(); // the 100 itself
        RawClient second(port);
        second.send(head);
        const QByteArray busy = second.answer();
        QCOMPARE(RawClient::status(busy), 503);
        QVERIFY2(busy.contains("Retry-After: 30") && busy.contains("\"busy\""), busy.constData());
        // A body the room could never hold is refused for what it is, not as "try again".
        RawClient huge(port);
        huge.send(QByteArray(head).replace("Content-Length: " + QByteArray::number(pdf.size()),
                                           "Content-Length: " + QByteArray::number(20 * 1024 * 1024)));
        const QByteArray tooLarge = huge.answer();
        QCOMPARE(RawClient::status(tooLarge), 413);
        QVERIFY2(tooLarge.contains("LIFTLINE_HTTP_MAX_BUFFERED_BODIES_MB"), tooLarge.constData());
        first.send(pdf);
        QCOMPARE(RawClient::status(first.answer()), 200);
        // The room is free again once the file has gone on to WhatsApp (the sandbox) and its request is
        // answered.
        QTRY_VERIFY_WITH_TIMEOUT(f.server->http()
                                     .get(QStringLiteral("/metrics"))
                                     .body.contains("liftline_http_buffered_body_bytes 0"),
                                 10000);
        RawClient third(port);
        third.send(head);
        QVERIFY(invited(third).startsWith("HTTP/1.1 100 Continue\r\n"));
        QVERIFY(f.server->http()
                    .get(QStringLiteral("/metrics"))
                    .body.contains("liftline_http_bodies_refused_total 1"));
    }

    // A large file goes out piece by piece as the client takes it, whole and in ranges across pieces.
    void largeFilesAreServedWhole()
    {
        Fixture f(sandboxConfig());
        Seed::technicianWrote(f.db, f.ticket, sipho, QStringLiteral("send the wiring diagram"), 5);
        Events::sequence(f.db);
        const QByteArray pdf = largePdf(24 * 1024 * 1024 + 12345);
        const HttpResult sent = f.sendDocument(pdf);
        VERIFY_STATUS(sent, 200);
        const QByteArray url = Fixture::mediaUrl(sent);
        QVERIFY(!url.isEmpty());
        const auto request = [&](const QByteArray &method, const QByteArray &extra) {
            return method + ' ' + url + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + f.agentToken +
                   "\r\n" + extra + "\r\n";
        };
        RawClient client(f.server->app().port());
        client.send(request("GET", {}));
        QByteArray answer = client.answer();
        QCOMPARE(RawClient::status(answer), 200);
        QCOMPARE(RawClient::contentLength(answer), pdf.size());
        QVERIFY(RawClient::body(answer) == pdf);
        // The same connection goes on: a range that starts in one piece and ends three pieces later.
        RawClient ranged(f.server->app().port());
        // Pipelined behind it, a HEAD waits for the streamed answer and comes after it, whole.
        ranged.send(request("GET", "Range: bytes=1000000-3500000\r\n") + request("HEAD", {}));
        answer = ranged.answer();
        QCOMPARE(RawClient::status(answer), 206);
        QVERIFY(RawClient::body(answer) == pdf.mid(1000000, 2500001));
        answer = ranged.answer(true);
        QCOMPARE(RawClient::status(answer), 200);
        QCOMPARE(RawClient::contentLength(answer), pdf.size());
        ranged.send(request("GET", "Range: bytes=-10\r\n"));
        answer = ranged.answer();
        QCOMPARE(RawClient::status(answer), 206);
        QCOMPARE(RawClient::body(answer), pdf.right(10));
    }

    // A client that takes its answer a trickle at a time does not keep its connection (and the file).
    void slowReaderIsClosed()
    {
        Config config = sandboxConfig();
        config.httpIdleTimeoutMs = 1000;
        Fixture f(config);
        Seed::technicianWrote(f.db, f.ticket, sipho, QStringLiteral("send the wiring diagram"), 5);
        Events::sequence(f.db);
        const QByteArray pdf = largePdf(16 * 1024 * 1024);
        const HttpResult sent = f.sendDocument(pdf);
        VERIFY_STATUS(sent, 200);
        const QByteArray url = Fixture::mediaUrl(sent);
        RawClient slow(f.server->app().port());
        slow.socket().setReadBufferSize(2048);
        slow.send("GET " + url + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + f.agentToken +
                  "\r\n\r\n");
        // About 40 KB a second for 6 s: always some progress, less than 64 KiB per idle second.
        qint64 taken = 0;
        QDeadlineTimer deadline(6000);
        while (!deadline.hasExpired() && slow.socket().state() == QAbstractSocket::ConnectedState) {
            taken += slow.socket().read(2048).size();
            QTest::qWait(50);
        }
        // Then everything left, as fast as it comes: the server has closed, so the file is short.
        slow.socket().setReadBufferSize(0);
        taken += slow.readUntil([](const QByteArray &) { return false; }, 5000).size();
        QVERIFY2(slow.socket().state() != QAbstractSocket::ConnectedState,
                 qPrintable(QStringLiteral("still connected after taking %1 bytes").arg(taken)));
        QVERIFY2(taken < pdf.size(), qPrintable(QString::number(taken)));
    }

    void metricsShowMediaStorage()
    {
        Fixture f(sandboxConfig());
        DELIVERED(f, fixture(QStringLiteral("image")));
        QTRY_COMPARE_WITH_TIMEOUT(f.attachmentStatus(QStringLiteral("wamid.IN.0009")),
                                  QStringLiteral("stored"), 15000);
        const QByteArray expected =
            "liftline_media_bytes " + QByteArray::number(sample(QStringLiteral("photo.jpg")).size());
        QTRY_VERIFY_WITH_TIMEOUT(f.server->http().get(QStringLiteral("/metrics")).body.contains(expected),
                                 15000);
        const QByteArray metrics = f.server->http().get(QStringLiteral("/metrics")).body;
        QVERIFY(metrics.contains("liftline_media_files 1"));
        QVERIFY(metrics.contains("liftline_media_attachments{state=\"waiting\"} 0"));
    }
};

QTEST_GUILESS_MAIN(TestMedia)
#include "tst_media.moc"
