#include "PgRows.h"

#include "DbError.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>

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

// The most a text of `size` bytes takes as a JSON string: every byte as \u00xx, and the quotes.
constexpr qsizetype mostAsJsonString(qsizetype size)
{
    return 6 * size + 2;
}

// Writes text as a JSON string at `p` (room for mostAsJsonString(size)); returns the end.
char *writeJsonString(char *p, const char *text, qsizetype size)
{
    static const char hex[] = "0123456789abcdef";
    *p++ = '"';
    qsizetype plain = 0; // start of the bytes not yet written, which need no escape
    const auto flush = [&](qsizetype end) {
        std::memcpy(p, text + plain, size_t(end - plain));
        p += end - plain;
    };
    for (qsizetype i = 0; i < size; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        flush(i);
        plain = i + 1;
        *p++ = '\\';
        switch (c) {
        case '"':
            *p++ = '"';
            break;
        case '\\':
            *p++ = '\\';
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        default:
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];
        }
    }
    flush(size);
    *p++ = '"';
    return p;
}

char *writeBytes(char *p, const char *bytes, qsizetype size)
{
    std::memcpy(p, bytes, size_t(size));
    return p + size;
}

} // namespace

void appendJsonString(QByteArray &out, const char *text, qsizetype size)
{
    const qsizetype start = out.size();
    out.resize(start + mostAsJsonString(size));
    char *end = writeJsonString(out.data() + start, text, size);
    out.resize(end - out.constData());
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
    // Written in place: the most the row can take is made room for first (a text may grow six times, each
    // byte as \u00xx), then the array is cut to what was written. Appending each piece to the QByteArray
    // cost a third of the whole thread's time in the server.
    const PGresult *result = m_result.get();
    const int columns = int(m_keys.size());
    qsizetype most = m_keysSize + 2;
    for (int c = 0; c < columns; ++c) {
        const qsizetype length = PQgetlength(result, row, c);
        most += m_kinds.at(c) == Kind::String ? mostAsJsonString(length) : std::max<qsizetype>(length, 5);
    }
    const qsizetype start = out.size();
    if (out.capacity() < start + most)
        out.reserve(std::max(2 * out.capacity(), start + most));
    out.resize(start + most);
    char *p = out.data() + start;
    *p++ = '{';
    for (int c = 0; c < columns; ++c) {
        if (c > 0)
            *p++ = ',';
        const QByteArray &key = m_keys.at(c);
        p = writeBytes(p, key.constData(), key.size());
        if (PQgetisnull(result, row, c)) {
            p = writeBytes(p, "null", 4);
            continue;
        }
        const char *value = PQgetvalue(result, row, c);
        switch (m_kinds.at(c)) {
        case Kind::Raw:
            p = writeBytes(p, value, PQgetlength(result, row, c));
            break;
        case Kind::Boolean:
            p = value[0] == 't' ? writeBytes(p, "true", 4) : writeBytes(p, "false", 5);
            break;
        case Kind::String:
            p = writeJsonString(p, value, PQgetlength(result, row, c));
            break;
        case Kind::Unsupported:
            out.resize(start);
            throw DbError(DbError::Kind::Statement,
                          QStringLiteral("Column %1 has a type (oid %2) that PgRows does not write as JSON")
                              .arg(QString::fromUtf8(PQfname(result, c)))
                              .arg(PQftype(result, c)));
        }
    }
    *p++ = '}';
    out.resize(p - out.constData());
}
