// Built by tst_layers with only the db layer linked: what db may include.
#include "base/Logging.h"
#include "db/Db.h"
#include "domain/DomainError.h"

int layerProbeAllowed()
{
    return 0;
}
