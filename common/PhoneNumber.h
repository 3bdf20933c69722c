#pragma once

#include <QString>

// WhatsApp numbers travel as E.164 digits without '+' ("27820000001"). People type them with '+',
// spaces, dashes and brackets; this turns either form into the canonical one.
namespace PhoneNumber {

// Returns the canonical digits, or an empty string when the text is not a plausible number
// (after removing '+', spaces, '-', '.', '(' and ')': 8 to 15 digits, not starting with 0).
QString normalise(const QString &text);

} // namespace PhoneNumber
