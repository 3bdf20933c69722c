#include "RequestParser.h"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

namespace http = boost::beast::http;
using boost::beast::string_view;
using boost::system::error_code;

QByteArray ParsedRequest::header(const QByteArray &lowerCaseName) const
{
    for (const auto &[name, value] : headers)
        if (name == lowerCaseName)
            return value;
    return {};
}

class RequestParser::Impl final : public http::basic_parser<true> {
public:
    explicit Impl(RequestParser *owner)
        : m_owner(owner)
    {}

private:
    static QByteArray bytes(string_view s) { return QByteArray(s.data(), qsizetype(s.size())); }

    void on_request_impl(http::verb, string_view method, string_view target, int version,
                         error_code &) override
    {
        ParsedRequest &r = m_owner->m_request;
        r.method = bytes(method);
        r.target = bytes(target);
        r.version = version;
        const qint64 limit = m_owner->m_limitFor ? m_owner->m_limitFor(r.method, r.target) : 0;
        m_owner->m_bodyLimit = limit;
        body_limit(std::uint64_t(std::max<qint64>(limit, 0)));
    }

    void on_response_impl(int, string_view, int, error_code &) override {}

    void on_field_impl(http::field, string_view name, string_view value, error_code &) override
    {
        m_owner->m_request.headers.append({bytes(name).toLower(), bytes(value)});
    }

    void on_header_impl(error_code &) override
    {
        ParsedRequest &r = m_owner->m_request;
        r.keepAlive = keep_alive();
        r.upgrade = upgrade();
        r.expectContinue = r.version >= 11 && r.header("expect").trimmed().toLower() == "100-continue";
    }

    void on_body_init_impl(const boost::optional<std::uint64_t> &length, error_code &) override
    {
        if (length)
            m_owner->m_request.body.reserve(qsizetype(*length));
    }

    std::size_t on_body_impl(string_view body, error_code &) override
    {
        m_owner->m_request.body.append(body.data(), qsizetype(body.size()));
        return body.size();
    }

    void on_chunk_header_impl(std::uint64_t, string_view, error_code &) override {}

    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code &) override
    {
        m_owner->m_request.body.append(body.data(), qsizetype(body.size()));
        return body.size();
    }

    void on_finish_impl(error_code &) override {}

    RequestParser *m_owner;
};

RequestParser::RequestParser(qint64 maxHeaderBytes, BodyLimit bodyLimit)
    : m_maxHeaderBytes(maxHeaderBytes)
    , m_limitFor(std::move(bodyLimit))
{
    reset();
}

RequestParser::~RequestParser() = default;

void RequestParser::reset()
{
    m_impl = std::make_unique<Impl>(this);
    m_impl->header_limit(std::uint32_t(std::clamp<qint64>(m_maxHeaderBytes, 64, 1 << 30)));
    m_impl->eager(false);
    m_state = State::Header;
    m_errorStatus = 0;
    m_errorMessage.clear();
    m_bodyLimit = 0;
    m_request = ParsedRequest();
}

bool RequestParser::started() const
{
    return m_impl->got_some();
}

void RequestParser::fail(int status, QString message)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorMessage = std::move(message);
}

qsizetype RequestParser::parse(const char *data, qsizetype size)
{
    if (m_state == State::Done || m_state == State::Failed || size <= 0)
        return 0;
    qsizetype used = 0;
    while (used < size && !m_impl->is_done()) {
        error_code ec;
        const std::size_t n =
            m_impl->put(boost::asio::const_buffer(data + used, std::size_t(size - used)), ec);
        used += qsizetype(n);
        if (ec == http::error::need_more)
            break;
        if (ec == http::error::header_limit) {
            fail(431, QStringLiteral("The request line and headers are larger than %1 bytes, the most "
                                     "this server accepts")
                          .arg(m_maxHeaderBytes));
            return used;
        }
        if (ec == http::error::body_limit) {
            fail(413, QStringLiteral("The body is larger than %1 bytes, the most %2 accepts")
                          .arg(m_bodyLimit)
                          .arg(QString::fromLatin1(m_request.target.split('?').first().left(200))));
            return used;
        }
        if (ec) {
            fail(400, QStringLiteral("The request is not valid HTTP/1.1: %1")
                          .arg(QString::fromStdString(ec.message())));
            return used;
        }
        if (m_impl->is_header_done() && m_state == State::Header) {
            // Stop after the header: the caller decides about 100-continue and upgrades first.
            m_state = m_impl->is_done() ? State::Done : State::Body;
            m_impl->eager(true);
            return used;
        }
        if (n == 0)
            break;
    }
    if (m_impl->is_done())
        m_state = State::Done;
    return used;
}

void RequestParser::finish()
{
    if (m_state == State::Done || m_state == State::Failed)
        return;
    error_code ec;
    m_impl->put_eof(ec);
    if (ec)
        fail(400, QStringLiteral("The connection was closed in the middle of a request"));
    else if (m_impl->is_done())
        m_state = State::Done;
}
