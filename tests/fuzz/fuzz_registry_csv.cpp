// The lift registry CSV, checked as an import checks it before writing anything: any file is either
// accepted with its rows or refused as invalid (a 400 over HTTP) with a message that names the line.
#include "chat/RegistryImport.h"
#include "domain/DomainError.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    const QByteArray csv(reinterpret_cast<const char *>(bytes), qsizetype(size));
    try {
        if (RegistryImport::validate(csv) < 0)
            __builtin_trap();
    } catch (const DomainError &e) {
        if (e.kind != DomainError::Kind::Invalid || e.message.isEmpty())
            __builtin_trap();
    }
    return 0;
}
