/* libxml2 from Debian's libxml2-dev: the HTML parser (report pages, crawl
 * listings) and the XML parser (Atom and RSS feeds). */
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, so encoding.h pulls in the system's
 * <unicode/ucnv.h>, whose UErrorCode clashes with the copy of ICU inside
 * swift-foundation (_FoundationICU) in any module that imports both. Only a
 * struct we never touch (xmlCharEncodingHandler's ICU converters, always used
 * by pointer) depends on it, so hide ICU from the headers. */
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/uri.h>
