/* libcurl's public API, as Debian's libcurl4-openssl-dev installs it.
 * curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot
 * call: the typed wrappers live in the CCurlShim target. */
#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
#include <curl/curl.h>
#endif
