// Built by tst_layers with the chat layer linked: whatsapp is chat's peer, so this must not compile.
#include "whatsapp/MessageTransport.h"

int layerProbeSideways()
{
    return 0;
}
