#pragma once

#include <QByteArray>
#include <QList>
#include <memory>

struct pg_result; // libpq's PGresult

// A query's rows as libpq returned them (Db::rows): read in place, without a QVariant or a QString per
// value. For the largest answers, a whole thread of 10,000 messages, where converting every value cost
// more than PostgreSQL's own work.
class PgRows {
public:
    explicit PgRows(pg_result *result);
    PgRows(PgRows &&) noexcept = default;
    PgRows &operator=(PgRows &&) noexcept = default;
    ~PgRows();

    int size() const;
    // The column of that name; -1 when there is none.
    int column(const char *name) const;
    qint64 integer(int row, int column) const;

    // Appends the row as one JSON object, byte for byte as PostgreSQL's to_json writes a row of the same
    // columns: "name":value in column order, no spaces; integers and json as they are, booleans as
    // true/false, text as a JSON string escaped as to_json escapes it, NULL as null. Throws DbError when a
    // column's type is none of those (to_json writes numbers, dates and arrays in ways not repeated here).
    void appendObject(QByteArray &out, int row) const;
    // About how many bytes appendObject writes for the row.
    qsizetype objectSize(int row) const;

private:
    enum class Kind : quint8 { Raw, Boolean, String, Unsupported };
    struct Deleter {
        void operator()(pg_result *result) const;
    };
    std::unique_ptr<pg_result, Deleter> m_result;
    QList<QByteArray> m_keys; // "name":
    QList<Kind> m_kinds;
    qsizetype m_keysSize = 0;
};

// Appends text as a JSON string, escaped as PostgreSQL's to_json escapes it: the quote, the backslash and
// \b \f \n \r \t by name, other bytes below 0x20 as \u00xx, everything else (UTF-8 included) as it is.
void appendJsonString(QByteArray &out, const char *text, qsizetype size);
