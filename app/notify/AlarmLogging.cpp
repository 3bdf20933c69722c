#include "AlarmLogging.h"

Q_LOGGING_CATEGORY(lcAlarm, "liftline.alarm", QtInfoMsg)
