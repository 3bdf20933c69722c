#include "Events.h"

#include "Db.h"

namespace Events {

qint64 sequence(Db &db)
{
    return db.scalar(QStringLiteral("SELECT chat_sequence_events()")).toLongLong();
}

qint64 latest(Db &db)
{
    return db.scalar(QStringLiteral("SELECT coalesce(max(seq), 0) FROM chat_events")).toLongLong();
}

} // namespace Events
