#pragma once

#include <QLoggingCategory>

// Quiet by default; QT_LOGGING_RULES="liftline.notify.debug=true" shows every call to the notification
// service.
Q_DECLARE_LOGGING_CATEGORY(lcNotify)
