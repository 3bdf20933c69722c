#include "ConsoleLogging.h"

Q_LOGGING_CATEGORY(lcApi, "liftline.console.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWs, "liftline.console.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "liftline.console.ui", QtInfoMsg)
