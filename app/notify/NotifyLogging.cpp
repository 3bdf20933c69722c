#include "NotifyLogging.h"

Q_LOGGING_CATEGORY(lcNotify, "liftline.notify", QtInfoMsg)
