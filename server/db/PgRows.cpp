#include "PgRows.h"

#include "DbError.h"

#include <libpq-fe.h>

namespace {

// Type oids from PostgreSQL's pg_type.dat, which never change.
constexpr Oid boolOid = 16;
constexpr Oid nameOid = 19;
constexpr Oid int8Oid = 20;
constexpr Oid int2Oid = 21;
constexpr Oid int4Oid = 23;
constexpr Oid textOid = 25;
constexpr Oid jsonOid = 114;
constexpr Oid bpcharOid = 1042;
constexpr Oid varcharOid = 1043;
constexpr Oid jsonbOid = 3802;

} // namespace

void appendJsonString(QByteArray &out, const char *text, qsizetype size)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    qsizetype plain = 0; // start of the bytes not yet appended, which need no escape
    for (qsizetype i = 0; i < size; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(text + plain, i - plain);
        plain = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            out.append(escaped, sizeof escaped);
        }
        }
    }
    out.append(text + plain, size - plain);
    out += '"';
}

void PgRows::Deleter::operator()(pg_result *result) const
{
    PQclear(result);
}

PgRows::PgRows(pg_result *result)
    : m_result(result)
{
    const int columns = PQnfields(result);
    for (int c = 0; c < columns; ++c) {
        QByteArray key;
        const char *name = PQfname(result, c);
        appendJsonString(key, name, qsizetype(qstrlen(name)));
        key += ':';
        m_keysSize += key.size() + 1;
        m_keys << key;
        switch (PQftype(result, c)) {
        case int2Oid:
        case int4Oid:
        case int8Oid:
        case jsonOid:
        case jsonbOid:
            m_kinds << Kind::Raw;
            break;
        case boolOid:
            m_kinds << Kind::Boolean;
            break;
        case textOid:
        case varcharOid:
        case bpcharOid:
        case nameOid:
            m_kinds << Kind::String;
            break;
        default:
            m_kinds << Kind::Unsupported;
        }
    }
}

PgRows::~PgRows() = default;

int PgRows::size() const
{
    return PQntuples(m_result.get());
}

int PgRows::column(const char *name) const
{
    for (int c = 0; c < m_keys.size(); ++c)
        if (qstrcmp(PQfname(m_result.get(), c), name) == 0)
            return c;
    return -1;
}

qint64 PgRows::integer(int row, int column) const
{
    return QByteArray::fromRawData(PQgetvalue(m_result.get(), row, column),
                                   PQgetlength(m_result.get(), row, column))
        .toLongLong();
}

qsizetype PgRows::objectSize(int row) const
{
    qsizetype size = m_keysSize + 2;
    for (int c = 0; c < m_keys.size(); ++c)
        size += PQgetlength(m_result.get(), row, c) + 4;
    return size;
}

void PgRows::appendObject(QByteArray &out, int row) const
{
    const PGresult *result = m_result.get();
    out += '{';
    for (int c = 0; c < m_keys.size(); ++c) {
        if (c > 0)
            out += ',';
        out += m_keys.at(c);
        if (PQgetisnull(result, row, c)) {
            out += "null";
            continue;
        }
        const char *value = PQgetvalue(result, row, c);
        switch (m_kinds.at(c)) {
        case Kind::Raw:
            out.append(value, PQgetlength(result, row, c));
            break;
        case Kind::Boolean:
            out += value[0] == 't' ? "true" : "false";
            break;
        case Kind::String:
            appendJsonString(out, value, PQgetlength(result, row, c));
            break;
        case Kind::Unsupported:
            throw DbError(DbError::Kind::Statement,
                          QStringLiteral("Column %1 has a type (oid %2) that PgRows does not write as JSON")
                              .arg(QString::fromUtf8(PQfname(result, c)))
                              .arg(PQftype(result, c)));
        }
    }
    out += '}';
}
