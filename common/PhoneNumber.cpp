#include "PhoneNumber.h"

namespace PhoneNumber {

QString normalise(const QString &text)
{
    QString digits;
    digits.reserve(text.size());
    const QString trimmed = text.trimmed();
    for (qsizetype i = 0; i < trimmed.size(); ++i) {
        const QChar c = trimmed.at(i);
        if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            digits.append(c);
        else if (c == QLatin1Char('+') && i == 0)
            continue;
        else if (c == QLatin1Char(' ') || c == QLatin1Char('-') || c == QLatin1Char('.') ||
                 c == QLatin1Char('(') || c == QLatin1Char(')'))
            continue;
        else
            return {};
    }
    if (digits.size() < 8 || digits.size() > 15 || digits.startsWith(QLatin1Char('0')))
        return {};
    return digits;
}

} // namespace PhoneNumber
