// Built by tst_layers with only the db layer linked: HTTP is above db, so this must not compile.
#include "http/HttpTypes.h"

int layerProbeUpward()
{
    return 0;
}
