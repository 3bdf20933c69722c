// The console's translations are complete: every Afrikaans entry is translated and keeps the source's
// placeholders, and the English plural forms are filled in. Reads the .ts files lupdate writes.

#include <QFile>
#include <QRegularExpression>
#include <QTest>
#include <QXmlStreamReader>

namespace {

struct Entry {
    QString context;
    QString source;
    QStringList translations; // one, or the plural forms
    bool unfinished = false;
    bool numerus = false;
};

QList<Entry> readTs(const QString &path)
{
    QList<Entry> entries;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return entries;
    QXmlStreamReader xml(&file);
    QString context;
    Entry entry;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("message")) {
            entry = Entry{context,
                          {},
                          {},
                          false,
                          xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes")};
        } else if (xml.name() == QLatin1String("source")) {
            entry.source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            const QStringView type = xml.attributes().value(QLatin1String("type"));
            entry.unfinished = type == QLatin1String("unfinished");
            if (type == QLatin1String("vanished") || type == QLatin1String("obsolete"))
                continue;
            if (!entry.numerus) {
                entry.translations << xml.readElementText();
                entries << entry;
            } else {
                while (xml.readNextStartElement())
                    entry.translations << xml.readElementText();
                entries << entry;
            }
        }
    }
    return entries;
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%(\\d|n)"));
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.sort();
    return found;
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void afrikaansIsComplete()
    {
        const QList<Entry> entries = readTs(QStringLiteral(LIFTLINE_TRANSLATIONS "/liftline_af.ts"));
        QVERIFY2(entries.size() > 50, "translations/liftline_af.ts is missing or empty");
        for (const Entry &e : entries) {
            const QString where = e.context + QStringLiteral(": ") + e.source;
            QVERIFY2(!e.unfinished, qPrintable(QStringLiteral("not translated yet: ") + where));
            QVERIFY2(!e.translations.isEmpty(), qPrintable(where));
            for (const QString &t : e.translations) {
                QVERIFY2(!t.isEmpty(), qPrintable(QStringLiteral("empty translation: ") + where));
                QCOMPARE(placeholders(t), placeholders(e.source));
            }
        }
    }

    void englishPluralsAreFilledIn()
    {
        const QList<Entry> entries = readTs(QStringLiteral(LIFTLINE_TRANSLATIONS "/liftline_en.ts"));
        QVERIFY2(!entries.isEmpty(), "translations/liftline_en.ts is missing or empty");
        int plurals = 0;
        for (const Entry &e : entries) {
            if (!e.numerus)
                continue;
            ++plurals;
            QVERIFY2(!e.unfinished, qPrintable(e.source));
            QCOMPARE(e.translations.size(), 2);
            for (const QString &t : e.translations)
                QCOMPARE(placeholders(t), placeholders(e.source));
        }
        QVERIFY(plurals > 0);
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
