/* MuPDF from Debian's libmupdf-dev (a static library). Only the PDFText C
 * target includes this: fz_try/fz_catch are setjmp/longjmp and must never
 * cross a Swift frame. The private libraries are linked by PDFText's
 * linkerSettings, because a module map's link lines do not reach a C target. */
#include <mupdf/fitz.h>
