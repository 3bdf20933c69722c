#pragma once

#include <QObject>
#include <QPointer>

#include <utility>

// "Work on another thread, then answer on the caller's thread if the caller still exists": made with the
// object whose life bounds the answer (the answer runs on that object's thread), then post()ed to from
// any thread.
//
// Whether the context still exists is checked only on its own thread, where it is destroyed: a QPointer
// read on a worker thread races with the destruction it is meant to detect. Answers travel through one
// relay object per thread, which is never deleted, so posting to it is always safe, and discarding an
// answer (the program ending first) touches nothing but the answer itself.
class CallerThread {
public:
    explicit CallerThread(QObject *context)
        : m_context(context)
        , m_relay(context ? relayFor(context) : nullptr)
    {}

    // Runs answer on the context's thread, later, unless the context has been destroyed by then. Safe
    // from any thread.
    template<class F>
    void post(F &&answer) const
    {
        if (!m_relay)
            return;
        QMetaObject::invokeMethod(
            m_relay,
            [context = m_context, answer = std::forward<F>(answer)]() mutable {
                if (context)
                    answer();
            },
            Qt::QueuedConnection);
    }

private:
    // The relay of the context's thread, made on first use.
    static QObject *relayFor(QObject *context);

    QPointer<QObject> m_context; // copied anywhere, read only on the context's thread
    QObject *m_relay;
};
