#include "ApiClient.h"
#include "ConversationDelegate.h"
#include "ConversationFilterModel.h"
#include "ConversationListModel.h"
#include "HistoryModel.h"
#include "MessageModel.h"
#include "ServerAddress.h"
#include "SignInDialog.h"
#include "UnassignedModel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTranslator>

namespace {

QJsonObject fixture(const QString &name)
{
    QFile f(QStringLiteral(LIFTLINE_TEST_DATA "/console/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return QJsonDocument::fromJson(f.readAll()).object();
}

QList<int> proxyOrder(const QAbstractItemModel &m)
{
    QList<int> ids;
    for (int r = 0; r < m.rowCount(); ++r)
        ids << m.index(r, 0).data(ConversationListModel::TicketIdRole).toInt();
    return ids;
}

} // namespace

// The console's models, filled from JSON as the server sends it, each under QAbstractItemModelTester.
class TestConsoleModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The incident history's rows: what the agent reads in each column, a later page below the first, and
    // the open conversation left out (the earlier incidents beside it).
    void historyRowsReadAsAnAgentReadsThem()
    {
        const auto incident = [](int id, const char *reference, const char *status, const QJsonValue &match) {
            return QJsonObject{
                {QStringLiteral("ticket_id"), id},
                {QStringLiteral("ticket_reference"), QLatin1String(reference)},
                {QStringLiteral("status"), QLatin1String(status)},
                {QStringLiteral("created_at"), QStringLiteral("2026-03-10T08:00:00.000Z")},
                {QStringLiteral("resolved_at"), QLatin1String(status) == QLatin1String("open")
                                                    ? QJsonValue(QJsonValue::Null)
                                                    : QJsonValue(QStringLiteral("2026-03-10T09:30:00.000Z"))},
                {QStringLiteral("lift"),
                 QJsonObject{{QStringLiteral("msisdn"), QStringLiteral("27710000001")},
                             {QStringLiteral("site_name"), QStringLiteral("Sandton Central")},
                             {QStringLiteral("building"), QStringLiteral("James House")}}},
                {QStringLiteral("technician"),
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("Sipho Dlamini")},
                             {QStringLiteral("number"), QStringLiteral("27820000001")}}},
                {QStringLiteral("message_count"), 4},
                {QStringLiteral("matches"), match.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(2)},
                {QStringLiteral("match"), match},
            };
        };
        const QJsonObject said{{QStringLiteral("message_id"), 7},
                               {QStringLiteral("text"), QStringLiteral("Fault E42\non floor 3")},
                               {QStringLiteral("created_at"), QStringLiteral("2026-03-10T08:01:00.000Z")}};
        HistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setExcluded(3);
        model.reset(
            {incident(5, "JAMES-HOUSE-TKT5", "open", said), incident(3, "JAMES-HOUSE-TKT3", "closed", said)},
            true);
        QCOMPARE(model.rowCount(), 1); // ticket 3 is the open conversation
        QCOMPARE(model.columnCount(), int(HistoryModel::ColumnCount));
        const auto cell = [&model](int row, int column) {
            return model.index(row, column).data().toString();
        };
        QCOMPARE(cell(0, HistoryModel::Reference), QStringLiteral("JAMES-HOUSE-TKT5"));
        QCOMPARE(cell(0, HistoryModel::Resolved), QStringLiteral("open"));
        QCOMPARE(cell(0, HistoryModel::Lift), QStringLiteral("Sandton Central, James House (+27710000001)"));
        QCOMPARE(cell(0, HistoryModel::Technician), QStringLiteral("Sipho Dlamini (+27820000001)"));
        QCOMPARE(cell(0, HistoryModel::Messages), QStringLiteral("4 (2 matching)"));
        QCOMPARE(cell(0, HistoryModel::Said), QStringLiteral("Fault E42 on floor 3"));
        QCOMPARE(model.index(0, 0).data(HistoryModel::OpenedAtRole).toDateTime(),
                 QDateTime(QDate(2026, 3, 10), QTime(8, 0), Qt::UTC));
        QVERIFY(model.index(0, 0).data(HistoryModel::OpenRole).toBool());

        QJsonObject untitled = incident(2, "", "closed", QJsonValue(QJsonValue::Null));
        untitled.insert(QStringLiteral("technician"), QJsonValue(QJsonValue::Null));
        model.append({untitled});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(cell(1, HistoryModel::Reference), QStringLiteral("Ticket 2"));
        QCOMPARE(cell(1, HistoryModel::Technician), QStringLiteral("no technician wrote"));
        QVERIFY(cell(1, HistoryModel::Resolved) != QLatin1String("open"));
        QCOMPARE(model.rowOfTicket(2), 1);

        // Without words searched, neither the count of matches nor what was said.
        model.reset({incident(9, "X", "open", QJsonValue(QJsonValue::Null))}, false);
        QCOMPARE(cell(0, HistoryModel::Messages), QStringLiteral("4"));
        QVERIFY(cell(0, HistoryModel::Said).isEmpty());
    }

    // A recording's length shows in its bubble before anything is fetched; other files have none.
    void recordingsShowTheirLength()
    {
        const auto label = [](const QString &type, const QJsonValue &duration) {
            QJsonObject media{{QStringLiteral("type"), type},
                              {QStringLiteral("status"), QStringLiteral("stored")},
                              {QStringLiteral("size"), 2048}};
            if (!duration.isUndefined())
                media.insert(QStringLiteral("duration_ms"), duration);
            return MessageModel::mediaLabel({{QStringLiteral("media"), media}});
        };
        QVERIFY2(label(QStringLiteral("video"), 83400).startsWith(QStringLiteral("Video 1:23 · ")),
                 qPrintable(label(QStringLiteral("video"), 83400)));
        QVERIFY(label(QStringLiteral("audio"), 4000).contains(QLatin1String("0:04")));
        QVERIFY(label(QStringLiteral("video"), 3723000).contains(QLatin1String("1:02:03")));
        QVERIFY(!label(QStringLiteral("video"), QJsonValue::Null).contains(QLatin1Char(':')));
        QVERIFY(!label(QStringLiteral("document"), QJsonValue()).contains(QLatin1Char(':')));
        QCOMPARE(MessageModel::clockText(59999), QStringLiteral("0:59"));
        QCOMPARE(MessageModel::clockText(-5), QStringLiteral("0:00"));
    }

    // A bare host means https://; http:// only as written, and to another machine only once confirmed.
    void serverAddresses()
    {
        QCOMPARE(ServerAddress::fromUserInput(QStringLiteral("liftline.example.co.za")),
                 QUrl(QStringLiteral("https://liftline.example.co.za")));
        QCOMPARE(ServerAddress::fromUserInput(QStringLiteral(" 10.0.0.5:8443 ")),
                 QUrl(QStringLiteral("https://10.0.0.5:8443")));
        QCOMPARE(ServerAddress::fromUserInput(QStringLiteral("http://127.0.0.1:8080")),
                 QUrl(QStringLiteral("http://127.0.0.1:8080")));
        QVERIFY(!ServerAddress::fromUserInput(QString()).isValid());
        QVERIFY(!ServerAddress::fromUserInput(QStringLiteral("ftp://files.example")).isValid());
        QVERIFY(!ServerAddress::fromUserInput(QStringLiteral("https://")).isValid());

        QVERIFY(ServerAddress::isUnencryptedRemote(QUrl(QStringLiteral("http://liftline.example.co.za"))));
        QVERIFY(ServerAddress::isUnencryptedRemote(QUrl(QStringLiteral("http://10.0.0.5:8080"))));
        QVERIFY(!ServerAddress::isUnencryptedRemote(QUrl(QStringLiteral("https://10.0.0.5"))));
        QVERIFY(!ServerAddress::isUnencryptedRemote(QUrl(QStringLiteral("http://127.0.0.1:8080"))));
        QVERIFY(!ServerAddress::isUnencryptedRemote(QUrl(QStringLiteral("http://[::1]:8080"))));
        QVERIFY(!ServerAddress::isUnencryptedRemote(QUrl(QStringLiteral("http://localhost:8080"))));
    }

    void signInAsksBeforePlainHttpToAnotherMachine()
    {
        ApiClient api;
        SignInDialog dialog(&api, QStringLiteral("http://192.0.2.10:8080"), QStringLiteral("ann"));
        QList<QUrl> asked;
        bool answer = false;
        dialog.setUnencryptedConfirmation([&](const QUrl &url) {
            asked << url;
            return answer;
        });
        auto *password = dialog.findChildren<QLineEdit *>().at(2);
        password->setText(QStringLiteral("a password"));
        auto *button = dialog.findChild<QPushButton *>();
        button->click();
        QCOMPARE(asked, QList<QUrl>{QUrl(QStringLiteral("http://192.0.2.10:8080"))});
        QVERIFY(button->isEnabled()); // nothing was sent
        QVERIFY(!api.baseUrl().isValid() || api.baseUrl().host() != QLatin1String("192.0.2.10"));
        const auto labels = dialog.findChildren<QLabel *>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel *l) {
            return l->text().contains(QLatin1String("https://")) && !l->isHidden();
        }));

        // Confirmed: it goes ahead, to that address.
        answer = true;
        button->click();
        QCOMPARE(asked.size(), 2);
        QCOMPARE(api.baseUrl(), QUrl(QStringLiteral("http://192.0.2.10:8080")));

        // A bare host is https:// and asks nothing.
        ApiClient other;
        SignInDialog bare(&other, QStringLiteral("liftline.example.co.za"), QStringLiteral("ann"));
        bare.setUnencryptedConfirmation([&](const QUrl &url) {
            asked << url;
            return false;
        });
        bare.findChildren<QLineEdit *>().at(2)->setText(QStringLiteral("a password"));
        bare.findChild<QPushButton *>()->click();
        QCOMPARE(asked.size(), 2);
        QCOMPARE(other.baseUrl(), QUrl(QStringLiteral("https://liftline.example.co.za")));
        QCOMPARE(bare.serverUrl(), QStringLiteral("https://liftline.example.co.za"));
    }

    void conversationsAreSortedIntoTheEmergencyLane()
    {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ConversationFilterModel proxy;
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        model.reset(
            fixture(QStringLiteral("conversations.json")).value(QStringLiteral("conversations")).toArray());
        QCOMPARE(model.rowCount(), 5);
        // Waiting (requested, not acknowledged, open): 13 asked first, then 12. Then by latest message:
        // 11 (08:10), 14 (07:50, acknowledged), 15 (closed, never requested an answer, no message).
        QCOMPARE(proxyOrder(proxy), (QList<int>{13, 12, 11, 14, 15}));
        QCOMPARE(model.waitingCount(), 2);
        QCOMPARE(model.unreadCount(), 3);

        const QModelIndex unnamed = model.index(model.rowOf(13), 0);
        QCOMPARE(unnamed.data(ConversationListModel::TechnicianRole).toString(),
                 QStringLiteral("27820000003"));
        const QModelIndex eleven = model.index(model.rowOf(11), 0);
        QCOMPARE(eleven.data(ConversationListModel::PreviewRole).toString(),
                 QStringLiteral("On site now, checking the doors"));
        QVERIFY(!model.index(model.rowOf(15), 0).data(ConversationListModel::WaitingRole).toBool());
        QVERIFY(model.index(model.rowOf(12), 0)
                    .data(Qt::AccessibleTextRole)
                    .toString()
                    .startsWith(QStringLiteral("Agent requested")));
    }

    void anEventMovesAConversationBetweenLanes()
    {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ConversationFilterModel proxy;
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        const QJsonArray list =
            fixture(QStringLiteral("conversations.json")).value(QStringLiteral("conversations")).toArray();
        model.reset(list);
        QSignalSpy counts(&model, &ConversationListModel::countsChanged);

        // 13 is acknowledged by an agent somewhere: it leaves the lane.
        QJsonObject thirteen = list.at(2).toObject();
        thirteen.insert(QStringLiteral("acknowledged_at"), QStringLiteral("2026-11-24T08:20:00.000Z"));
        thirteen.insert(QStringLiteral("acknowledged_by"), QStringLiteral("thandi"));
        model.upsert(thirteen);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(proxyOrder(proxy), (QList<int>{12, 11, 13, 14, 15}));
        QCOMPARE(model.waitingCount(), 1);

        // A new ticket asks for an agent: it joins the lane behind 12, which has waited longer.
        QJsonObject fresh = list.at(1).toObject();
        fresh.insert(QStringLiteral("id"), 16);
        fresh.insert(QStringLiteral("ticket_reference"), QStringLiteral("LFT-1016"));
        fresh.insert(QStringLiteral("agent_requested_at"), QStringLiteral("2026-11-24T08:30:00.000Z"));
        model.upsert(fresh);
        QCOMPARE(proxyOrder(proxy), (QList<int>{12, 16, 11, 13, 14, 15}));
        QCOMPARE(model.waitingCount(), 2);
        QCOMPARE(counts.size(), 2);

        // A conversation without an id is not a conversation.
        model.upsert(QJsonObject{{QStringLiteral("ticket_reference"), QStringLiteral("LFT-0")}});
        QCOMPARE(model.rowCount(), 6);
    }

    // A waiting request's row says how far up its ladder it went; a step of an earlier request, a step
    // arriving late, or a taken request shows nothing stale.
    void aWaitingRowShowsItsLadderStep()
    {
        ConversationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QJsonArray list =
            fixture(QStringLiteral("conversations.json")).value(QStringLiteral("conversations")).toArray();
        model.reset(list);
        const QJsonObject twelve = model.conversation(12);
        const QModelIndex row = model.index(model.rowOf(12));
        QVERIFY(row.data(ConversationListModel::WaitingRole).toBool());
        QVERIFY(row.data(ConversationListModel::EscalationRole).toString().isEmpty());
        const QDateTime asked = QDateTime::fromString(
            twelve.value(QStringLiteral("agent_requested_at")).toString(), Qt::ISODateWithMs);
        auto step = [&](const char *action, int level, int after, const QJsonObject &recipients = {}) {
            return QJsonObject{{QStringLiteral("action"), QLatin1String(action)},
                               {QStringLiteral("level"), level},
                               {QStringLiteral("after_seconds"), after},
                               {QStringLiteral("due_at"), asked.addSecs(after).toString(Qt::ISODateWithMs)},
                               {QStringLiteral("recipients"), recipients}};
        };
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setEscalation(12, step("consoles", 0, 0));
        QVERIFY(row.data(ConversationListModel::EscalationRole).toString().isEmpty());
        model.setEscalation(12, step("supervisors", 0, 30));
        QCOMPARE(row.data(ConversationListModel::EscalationRole).toString(),
                 QStringLiteral("escalated to supervisors at 0:30"));
        QVERIFY(changed.size() >= 2);
        model.setEscalation(12, step("oncall", 1, 60));
        QCOMPARE(row.data(ConversationListModel::EscalationRole).toString(),
                 QStringLiteral("on-call 1 called out at 1:00"));
        // The snapshot's answer arriving after the event: the later step stays.
        model.setEscalation(12, step("supervisors", 0, 30));
        QCOMPARE(row.data(ConversationListModel::EscalationRole).toString(),
                 QStringLiteral("on-call 1 called out at 1:00"));
        model.setEscalation(
            12, step("oncall", 2, 120, {{QStringLiteral("withheld"), QStringLiteral("blocked")}}));
        QCOMPARE(row.data(ConversationListModel::EscalationRole).toString(),
                 QStringLiteral("on-call 2 not called at 2:00"));
        QVERIFY(row.data(Qt::AccessibleTextRole)
                    .toString()
                    .contains(QLatin1String("on-call 2 not called at 2:00")));

        // A new request after this one: the old ladder is not its ladder.
        QJsonObject again = twelve;
        again.insert(QStringLiteral("agent_requested_at"), asked.addSecs(600).toString(Qt::ISODateWithMs));
        model.upsert(again);
        QVERIFY(row.data(ConversationListModel::EscalationRole).toString().isEmpty());
        // Taken: nothing to show.
        model.setEscalation(12, step("supervisors", 0, 630));
        QVERIFY(!row.data(ConversationListModel::EscalationRole).toString().isEmpty());
        again.insert(QStringLiteral("acknowledged_at"), asked.addSecs(640).toString(Qt::ISODateWithMs));
        again.insert(QStringLiteral("acknowledged_by"), QStringLiteral("Thandi"));
        model.upsert(again);
        QVERIFY(row.data(ConversationListModel::EscalationRole).toString().isEmpty());
    }

    void filterMatchesEveryWordSomewhere()
    {
        ConversationListModel model;
        ConversationFilterModel proxy;
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&model);
        model.reset(
            fixture(QStringLiteral("conversations.json")).value(QStringLiteral("conversations")).toArray());
        proxy.setFilterText(QStringLiteral("sandton"));
        QCOMPARE(proxyOrder(proxy), (QList<int>{11, 14}));
        proxy.setFilterText(QStringLiteral("  sandton   JOHAN "));
        QCOMPARE(proxyOrder(proxy), (QList<int>{14}));
        proxy.setFilterText(QStringLiteral("LFT-1013"));
        QCOMPARE(proxyOrder(proxy), (QList<int>{13}));
        proxy.setFilterText(QStringLiteral("27820000002")); // the technician's number
        QCOMPARE(proxyOrder(proxy), (QList<int>{12}));
        proxy.setFilterText(QStringLiteral("anele menlyn"));
        QCOMPARE(proxyOrder(proxy), (QList<int>{12}));
        proxy.setFilterText(QStringLiteral("nowhere"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setFilterText(QString());
        QCOMPARE(proxy.rowCount(), 5);
    }

    // The working list holds the open tickets; the resolved ones the server still lists have a section
    // of their own. A request taken but not answered keeps its owner and clock; a ticket nobody has
    // written on has no stray separator in its title.
    void sectionsOwnersAndTitles()
    {
        ConversationListModel model;
        const QJsonArray list =
            fixture(QStringLiteral("conversations.json")).value(QStringLiteral("conversations")).toArray();
        model.reset(list);
        ConversationFilterModel open;
        QAbstractItemModelTester openTester(&open, QAbstractItemModelTester::FailureReportingMode::QtTest);
        open.setSection(ConversationFilterModel::Section::Open);
        open.setSourceModel(&model);
        ConversationFilterModel resolved;
        resolved.setSection(ConversationFilterModel::Section::Resolved);
        resolved.setSourceModel(&model);
        QCOMPARE(proxyOrder(open), (QList<int>{13, 12, 11, 14}));
        QCOMPARE(proxyOrder(resolved), (QList<int>{15}));

        // 12 is taken by Thandi and not answered yet: out of the lane, its owner shown, the clock on.
        QJsonObject twelve = model.conversation(12);
        twelve.insert(QStringLiteral("acknowledged_at"), QStringLiteral("2026-11-24T08:20:00.000Z"));
        twelve.insert(QStringLiteral("acknowledged_by"), QStringLiteral("Thandi"));
        twelve.insert(QStringLiteral("agent_replied_at"), QJsonValue::Null);
        model.upsert(twelve);
        QModelIndex i = model.index(model.rowOf(12), 0);
        QVERIFY(!i.data(ConversationListModel::WaitingRole).toBool());
        QVERIFY(i.data(ConversationListModel::TakenRole).toBool());
        QVERIFY(
            i.data(Qt::AccessibleTextRole).toString().startsWith(QStringLiteral("Thandi has the request")));
        ConversationDelegate delegate;
        QVERIFY2(delegate.cornerText(i).startsWith(QStringLiteral("Thandi has it ")),
                 qPrintable(delegate.cornerText(i)));
        delegate.setStale(true);
        QVERIFY(delegate.cornerText(i).endsWith(QStringLiteral("(offline?)")));
        // Answered: the clock stops.
        twelve.insert(QStringLiteral("agent_replied_at"), QStringLiteral("2026-11-24T08:21:00.000Z"));
        model.upsert(twelve);
        i = model.index(model.rowOf(12), 0);
        QVERIFY(!i.data(ConversationListModel::TakenRole).toBool());

        // Resolved: it moves to its section.
        twelve.insert(QStringLiteral("status"), QStringLiteral("closed"));
        model.upsert(twelve);
        QCOMPARE(proxyOrder(open), (QList<int>{13, 11, 14}));
        QCOMPARE(proxyOrder(resolved), (QList<int>{12, 15}));

        QJsonObject nobody = model.conversation(11);
        nobody.insert(QStringLiteral("contact_name"), QJsonValue::Null);
        nobody.insert(QStringLiteral("contact_phone"), QJsonValue::Null);
        model.upsert(nobody);
        QCOMPARE(model.index(model.rowOf(11), 0).data(ConversationListModel::TitleRole).toString(),
                 nobody.value(QStringLiteral("ticket_reference")).toString());
        QVERIFY(model.index(model.rowOf(13), 0)
                    .data(ConversationListModel::TitleRole)
                    .toString()
                    .contains(QStringLiteral(" · ")));
    }

    // What the bubble shows: a tap by name, not its payload; tags kept apart from what a person typed.
    void messagesReadAsPeopleWroteThem()
    {
        const auto shown = [](const char *kind, const char *text) {
            return MessageModel::displayText({{QStringLiteral("kind"), QLatin1String(kind)},
                                              {QStringLiteral("message"), QLatin1String(text)}});
        };
        QCOMPARE(shown("button", "AGENT"), QStringLiteral("Tapped “Talk to an agent”"));
        QCOMPARE(shown("button", "Talk to an agent"), QStringLiteral("Tapped “Talk to an agent”"));
        QCOMPARE(shown("image", "[image] fault E42"), QStringLiteral("[image] fault E42"));
        QCOMPARE(shown("text", "[image] typed by a person"), QStringLiteral("[image] typed by a person"));
        QTranslator afrikaans;
        QVERIFY(afrikaans.load(QStringLiteral(LIFTLINE_TRANSLATIONS_QM "/liftline_af.qm")));
        QCoreApplication::installTranslator(&afrikaans);
        const QString translated = shown("image", "[image] fault E42");
        const QString tap = shown("button", "AGENT");
        QCoreApplication::removeTranslator(&afrikaans);
        QVERIFY2(!translated.startsWith(QStringLiteral("[image]")) &&
                     translated.endsWith(QStringLiteral(" fault E42")),
                 qPrintable(translated));
        QVERIFY2(!tap.contains(QStringLiteral("Talk to an agent")), qPrintable(tap));
    }

    void theThreadDecidesDaysAuthorsAndStates()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTechnicianName(QStringLiteral("Sipho Dlamini"));
        const QJsonObject page = fixture(QStringLiteral("messages.json"));
        model.reset(page.value(QStringLiteral("messages")).toArray(),
                    page.value(QStringLiteral("has_more")).toBool());
        QCOMPARE(model.rowCount(), 5);
        QVERIFY(model.hasMore());
        QCOMPARE(model.oldestId(), 101);
        const auto at = [&](int row, int role) { return model.index(row, 0).data(role); };
        // Days (the test runs with TZ=UTC): 101 and 102 on the 23rd, the rest on the 24th.
        QCOMPARE(at(0, MessageModel::ShowDayRole).toBool(), true);
        QCOMPARE(at(1, MessageModel::ShowDayRole).toBool(), false);
        QCOMPARE(at(2, MessageModel::ShowDayRole).toBool(), true);
        QCOMPARE(at(3, MessageModel::ShowDayRole).toBool(), false);
        // Authors: shown when the side changes, a day starts, or after five quiet minutes.
        QCOMPARE(at(1, MessageModel::ShowAuthorRole).toBool(), false);
        QCOMPARE(at(2, MessageModel::ShowAuthorRole).toBool(), true);
        QCOMPARE(at(3, MessageModel::ShowAuthorRole).toBool(), false);
        QCOMPARE(at(4, MessageModel::ShowAuthorRole).toBool(), true);
        QCOMPARE(at(0, MessageModel::AuthorRole).toString(), QStringLiteral("Sipho Dlamini"));
        QCOMPARE(at(2, MessageModel::AuthorRole).toString(), QStringLiteral("Thandi"));
        QCOMPARE(at(2, MessageModel::OutboundRole).toBool(), true);
        // Text stays as it came, markup included: the delegate paints it as plain text.
        QCOMPARE(at(2, MessageModel::TextRole).toString(), QStringLiteral("Yes, <b>Thandi</b> here"));
        QCOMPARE(at(3, MessageModel::StatusRole).toString(), QStringLiteral("failed"));
        QVERIFY(at(3, MessageModel::ErrorRole).toString().contains(QLatin1String("24 hours")));
    }

    // The server's own message (the technician told an agent has the request) is nobody's: the agent sees it
    // was sent automatically, in their language, and the next reply names its agent again.
    void theServersOwnMessagesAreNoAgents()
    {
        MessageModel model;
        const auto message = [](int id, const QString &agent, bool automatic, const QString &at) {
            return QJsonObject{{QStringLiteral("id"), id},
                               {QStringLiteral("direction"), QStringLiteral("outbound")},
                               {QStringLiteral("agent_name"), agent},
                               {QStringLiteral("message"), QStringLiteral("text %1").arg(id)},
                               {QStringLiteral("status"), QStringLiteral("sent")},
                               {QStringLiteral("kind"), QStringLiteral("text")},
                               {QStringLiteral("created_at"), at},
                               {QStringLiteral("automatic"), automatic}};
        };
        model.reset(QJsonArray{message(1, QStringLiteral("Call centre (automatic)"), true,
                                       QStringLiteral("2026-11-24T08:00:00.000Z")),
                               message(2, QStringLiteral("Thandi"), false,
                                       QStringLiteral("2026-11-24T08:01:00.000Z"))},
                    false);
        const auto at = [&](int row, int role) { return model.index(row, 0).data(role); };
        QCOMPARE(at(0, MessageModel::AuthorRole).toString(), QStringLiteral("Sent automatically"));
        QCOMPARE(at(1, MessageModel::AuthorRole).toString(), QStringLiteral("Thandi"));
        QCOMPARE(at(1, MessageModel::ShowAuthorRole).toBool(), true);
        QVERIFY(at(0, Qt::AccessibleTextRole).toString().startsWith(QLatin1String("Sent automatically at")));
    }

    void aSentMessageIsPendingThenStoredThenRead()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QJsonObject page = fixture(QStringLiteral("messages.json"));
        model.reset(page.value(QStringLiteral("messages")).toArray(), false);
        model.addPending(QStringLiteral("Help is on the way"), QStringLiteral("c-9"),
                         QStringLiteral("Thandi"));
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.index(5, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("pending"));
        QCOMPARE(model.index(5, 0).data(MessageModel::MessageIdRole).toLongLong(), 0);

        QJsonObject stored = page.value(QStringLiteral("messages")).toArray().at(2).toObject();
        stored.insert(QStringLiteral("id"), 106);
        stored.insert(QStringLiteral("message"), QStringLiteral("Help is on the way"));
        stored.insert(QStringLiteral("client_message_id"), QStringLiteral("c-9"));
        stored.insert(QStringLiteral("status"), QStringLiteral("delivered"));
        model.upsert(stored); // the event arrived before the send's answer
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.index(5, 0).data(MessageModel::MessageIdRole).toLongLong(), 106);
        stored.insert(QStringLiteral("status"), QStringLiteral("sent"));
        model.upsert(stored); // the send's answer, older than the event: ignored
        QCOMPARE(model.index(5, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("delivered"));
        stored.insert(QStringLiteral("status"), QStringLiteral("read"));
        model.upsert(stored);
        QCOMPARE(model.index(5, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("read"));
        model.markFailed(QStringLiteral("c-9"), QStringLiteral("late refusal")); // stored already: no effect
        QCOMPARE(model.index(5, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("read"));
    }

    // Failed overrides sent (not delivered or read): a send's late "sent" answer after the failed status
    // event must not turn the bubble back to a tick.
    void aFailedMessageStaysFailed()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QJsonObject m = fixture(QStringLiteral("messages.json"))
                            .value(QStringLiteral("messages"))
                            .toArray()
                            .at(3)
                            .toObject();
        model.reset(QJsonArray{m}, false);
        QCOMPARE(model.index(0, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("failed"));
        m.insert(QStringLiteral("status"), QStringLiteral("sent"));
        m.insert(QStringLiteral("error"), QJsonValue::Null);
        model.upsert(m);
        QCOMPARE(model.index(0, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("failed"));
        m.insert(QStringLiteral("status"), QStringLiteral("delivered"));
        model.upsert(m);
        QCOMPARE(model.index(0, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("delivered"));
    }

    // A reload of the thread keeps the agent's messages the server has not confirmed, and an unconfirmed
    // one sent again with the same id is the same bubble.
    void unconfirmedMessagesSurviveAReloadAndRetryInPlace()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QJsonArray page =
            fixture(QStringLiteral("messages.json")).value(QStringLiteral("messages")).toArray();
        model.reset(page, false);
        model.addPending(QStringLiteral("Are you safe?"), QStringLiteral("c-7"), QStringLiteral("Thandi"));
        model.markFailed(QStringLiteral("c-7"), QStringLiteral("The server cannot be reached."), true);
        QVERIFY(model.index(5, 0).data(MessageModel::UnconfirmedRole).toBool());
        model.reset(page, false, true); // the same conversation reloaded
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.index(5, 0).data(MessageModel::ClientMessageIdRole).toString(), QStringLiteral("c-7"));
        model.addPending(QStringLiteral("Are you safe?"), QStringLiteral("c-7"), QStringLiteral("Thandi"));
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(model.index(5, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("pending"));
        QVERIFY(!model.index(5, 0).data(MessageModel::UnconfirmedRole).toBool());
        // Another conversation opened: its thread does not carry this one's unsent message.
        model.reset({}, false);
        QCOMPARE(model.rowCount(), 0);
    }

    void aRefusedSendShowsWhy()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.addPending(QStringLiteral("hello"), QStringLiteral("c-1"), QStringLiteral("Thandi"));
        model.markFailed(QStringLiteral("c-1"), QStringLiteral("The technician's 24-hour window is closed"));
        QCOMPARE(model.index(0, 0).data(MessageModel::StatusRole).toString(), QStringLiteral("failed"));
        QCOMPARE(model.index(0, 0).data(MessageModel::ErrorRole).toString(),
                 QStringLiteral("The technician's 24-hour window is closed"));
    }

    void unassignedMessagesComeAndGo()
    {
        UnassignedModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto item = [](qint64 id, const QJsonValue &attachedTo) {
            return QJsonObject{{QStringLiteral("id"), id},
                               {QStringLiteral("from_number"), QStringLiteral("27829999999")},
                               {QStringLiteral("profile_name"), QStringLiteral("Unknown Tech")},
                               {QStringLiteral("message"), QStringLiteral("Which ticket is this?")},
                               {QStringLiteral("created_at"), QStringLiteral("2026-11-24T08:00:00.000Z")},
                               {QStringLiteral("attached_ticket_id"), attachedTo}};
        };
        model.reset(QJsonArray{item(2, QJsonValue::Null), item(1, QJsonValue::Null), item(0, 12)});
        QCOMPARE(model.rowCount(), 2); // an attached one is not unassigned any more
        model.upsert(item(3, QJsonValue::Null));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, 0).data(UnassignedModel::UnassignedIdRole).toLongLong(), 3); // newest on top
        QCOMPARE(model.index(0, 0).data(UnassignedModel::FromRole).toString(),
                 QStringLiteral("Unknown Tech (27829999999)"));
        model.upsert(item(2, 11)); // attached by an agent somewhere
        QCOMPARE(model.rowCount(), 2);
        model.upsert(item(2, 11)); // the same event again changes nothing
        QCOMPARE(model.rowCount(), 2);
    }

    void olderPagesGoOnTop()
    {
        MessageModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QJsonArray all =
            fixture(QStringLiteral("messages.json")).value(QStringLiteral("messages")).toArray();
        model.reset(QJsonArray{all.at(3), all.at(4)}, true);
        QCOMPARE(model.index(0, 0).data(MessageModel::ShowAuthorRole).toBool(), true);
        model.prependOlder(QJsonArray{all.at(0), all.at(1), all.at(2), all.at(3)}, false); // overlaps by one
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.oldestId(), 101);
        QVERIFY(!model.hasMore());
        QCOMPARE(model.index(3, 0).data(MessageModel::ShowAuthorRole).toBool(), false); // follows 103 now
    }
};

QTEST_MAIN(TestConsoleModels)
#include "tst_consolemodels.moc"
