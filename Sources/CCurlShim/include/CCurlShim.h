/* Typed wrappers for libcurl's variadic functions (curl_easy_setopt,
 * curl_easy_getinfo, curl_multi_setopt), which Swift does not import. One wrapper per argument
 * type that libcurl documents for the option or info in question; passing an
 * option of another type is undefined behaviour in libcurl, exactly as in C. */
#ifndef CCURLSHIM_H
#define CCURLSHIM_H

#include <curl/curl.h>

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_ptr(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_str(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share curl_write_callback's type. */
CURLcode ccurl_setopt_write_callback(CURL *handle, curl_write_callback callback);
CURLcode ccurl_setopt_header_callback(CURL *handle, curl_write_callback callback);
/* CURLOPT_XFERINFOFUNCTION: return non-zero to abort (CURLE_ABORTED_BY_CALLBACK). */
CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, curl_xferinfo_callback callback);

/* CURLOPT_READFUNCTION (an upload: the message of an SMTP transfer). */
CURLcode ccurl_setopt_read_callback(CURL *handle, curl_read_callback callback);

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *out);
/* The string stays owned by the handle: copy it before curl_easy_cleanup. */
CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, const char **out);
CURLcode ccurl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out);
CURLcode ccurl_getinfo_double(CURL *handle, CURLINFO info, double *out);

/* curl_multi_setopt is variadic too. */
CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/* CURLMsg's `data` is a union: the CURLcode of a finished transfer. */
CURLcode ccurl_msg_result(const CURLMsg *msg);

#endif
