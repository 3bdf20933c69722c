#include "Logging.h"

Q_LOGGING_CATEGORY(lcServer, "liftline.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcDb, "liftline.db", QtInfoMsg)
Q_LOGGING_CATEGORY(lcPg, "liftline.pg", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "liftline.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "liftline.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcChat, "liftline.chat", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSend, "liftline.send", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWebhook, "liftline.webhook", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStream, "liftline.stream", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEscalation, "liftline.escalation", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMedia, "liftline.media", QtInfoMsg)
