#pragma once

#include <QLoggingCategory>

// The console's subsystems. Quiet by default; QT_LOGGING_RULES="liftline.console.*.debug=true" shows all.
Q_DECLARE_LOGGING_CATEGORY(lcApi)
Q_DECLARE_LOGGING_CATEGORY(lcWs)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
