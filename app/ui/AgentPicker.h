#pragma once

#include <QCoreApplication>
#include <QString>
#include <functional>

class ConsoleSession;
class QWidget;

class AgentPicker {
    Q_DECLARE_TR_FUNCTIONS(AgentPicker)
public:
    // Asks which of the agents online (busy and on-break ones marked) should get a conversation, then
    // calls `picked` with their username. `problem` gets the reason when there is nobody to pick or the
    // list cannot be read. Nothing is called when the person cancels or `parent` is gone.
    static void pick(QWidget *parent, ConsoleSession *session, const QString &title,
                     std::function<void(const QString &username)> picked,
                     std::function<void(const QString &)> problem);
};
