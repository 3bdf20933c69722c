#pragma once

#include <QDate>
#include <QString>
#include <QUrlQuery>

// A search of the incident history (GET /api/chat/history): every field is optional and they combine.
struct HistoryQuery {
    QString text;       // words said in the messages (q)
    QString lift;       // the lift's SIM number
    QString site;       // part of the site's or building's name
    QString technician; // part of the technician's name, or their number
    QString reference;  // the start of the ticket's reference
    QString status;     // "open", "closed", or empty for both
    QDate from;         // opened on or after this day (the agent's day; invalid: no bound)
    QDate to;           // opened on or before this day, the whole day counting
    int before = 0;     // the page after this ticket (the previous page's next_before)
    int limit = 0;      // incidents per page (0: the server's default)

    bool isEmpty() const;
    QUrlQuery toUrlQuery() const;
};
