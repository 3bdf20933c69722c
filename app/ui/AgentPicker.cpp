#include "AgentPicker.h"

#include "ConsoleSession.h"

#include <QCoreApplication>
#include <QInputDialog>
#include <QJsonArray>
#include <QPointer>
#include <QWidget>

void AgentPicker::pick(QWidget *parent, ConsoleSession *session, const QString &title,
                       std::function<void(const QString &username)> picked,
                       std::function<void(const QString &)> problem)
{
    QPointer<QWidget> guard(parent);
    session->onlineAgents(
        parent,
        [guard, title, picked, problem](const QJsonObject &answer) {
            QStringList names;
            QStringList usernames;
            for (const QJsonValue &v : answer.value(QStringLiteral("agents")).toArray()) {
                const QJsonObject a = v.toObject();
                const QString name = a.value(QStringLiteral("display_name")).toString();
                const QString status = a.value(QStringLiteral("status")).toString();
                if (status == QLatin1String("busy"))
                    names << tr("%1 (busy)").arg(name);
                else if (status == QLatin1String("break"))
                    names << tr("%1 (on a break)").arg(name);
                else
                    names << name;
                usernames << a.value(QStringLiteral("username")).toString();
            }
            if (names.isEmpty()) {
                problem(tr("No agent is online to give this conversation to."));
                return;
            }
            bool ok = false;
            const QString chosen =
                QInputDialog::getItem(guard, title, tr("Give this conversation to:"), names, 0, false, &ok);
            if (ok && guard)
                picked(usernames.value(names.indexOf(chosen)));
        },
        [problem](const RequestError &e) {
            problem(tr("The agents online could not be read: %1").arg(e.message));
        });
}
