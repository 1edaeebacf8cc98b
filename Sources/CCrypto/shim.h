/* OpenSSL's libcrypto, as Debian's libssl-dev installs it: the EVP digest
 * interface and the one-shot HMAC. The same library libcurl already loads
 * into the process for TLS. */
#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif
