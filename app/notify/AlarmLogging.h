#pragma once

#include <QLoggingCategory>

// Apart from liftline.notify so that a noisy notification daemon and a silent alarm can be looked into
// separately. QT_LOGGING_RULES="liftline.alarm.debug=true" shows everything.
Q_DECLARE_LOGGING_CATEGORY(lcAlarm)
