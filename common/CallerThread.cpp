#include "CallerThread.h"

#include <QHash>
#include <QMutex>
#include <QThread>

QObject *CallerThread::relayFor(QObject *context)
{
    static QMutex mutex;
    static QHash<QThread *, QObject *> relays;
    QThread *thread = context->thread();
    const QMutexLocker lock(&mutex);
    QObject *&relay = relays[thread];
    if (!relay) {
        relay = new QObject;
        relay->setObjectName(QStringLiteral("CallerThread relay"));
        if (relay->thread() != thread)
            relay->moveToThread(thread);
    }
    return relay;
}
