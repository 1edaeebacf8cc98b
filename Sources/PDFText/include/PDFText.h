/* PDFText: the only code that calls MuPDF.
 *
 * MuPDF reports errors with fz_try/fz_catch, which are setjmp/longjmp: a
 * longjmp across a Swift frame is undefined behaviour. So every fz_ call
 * lives in pdftext.c, behind one function that takes the bytes and hands back
 * plain malloc'd arrays (pages → blocks → lines → characters, with bounding
 * boxes and font sizes) or an error string. Nothing here keeps state between
 * calls: each call has its own fz_context, so calls may run on many threads. */
#ifndef PDFTEXT_H
#define PDFTEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Why a document could not be read. */
typedef enum {
    PDFTEXT_OK = 0,
    /** MuPDF could not open it (not a PDF it can repair, no pages, …). */
    PDFTEXT_DAMAGED = 1,
    /** It needs a password (an empty user password is tried first). */
    PDFTEXT_ENCRYPTED = 2,
    /** Out of memory, or over the limits below. */
    PDFTEXT_TOO_LARGE = 3,
    /** MuPDF's allocations (and the result's arrays) went over `max_bytes`. */
    PDFTEXT_OVER_MEMORY = 4,
    /** More pages than `max_pages`, with `refuse_over_pages` set: nothing read. */
    PDFTEXT_TOO_MANY_PAGES = 5,
} pdftext_status;

typedef struct {
    float x0, y0, x1, y1;
} pdftext_rect;

/** One character: its Unicode scalar, its box, where its baseline starts, its font size. */
typedef struct {
    uint32_t c;
    float size;
    float origin_x, origin_y;
    pdftext_rect box;
} pdftext_char;

/** One line as MuPDF's structured text found it. */
typedef struct {
    pdftext_rect box;
    /** Normalised direction of the baseline: (1, 0) for ordinary text. */
    float dir_x, dir_y;
    int32_t wmode;
    int32_t block;
    int32_t first_char, char_count;
} pdftext_line;

typedef struct {
    pdftext_rect box;
    int32_t first_line, line_count;
} pdftext_block;

typedef struct {
    /** The page's bounds (points, y down). */
    pdftext_rect box;
    int32_t first_block, block_count;
    /** 1 when MuPDF could not load or read this page (its text is missing). */
    int32_t failed;
} pdftext_page;

typedef struct {
    pdftext_status status;
    /** Why, when status != PDFTEXT_OK (NUL-terminated, malloc'd). */
    char *error;
    /** MuPDF's warnings, one per line (NUL-terminated, malloc'd; may be NULL). */
    char *warnings;
    /** 1 when MuPDF had to repair the file's cross-reference table. */
    int32_t repaired;
    /** Pages in the document (may exceed page_count when max_pages cut it). */
    int32_t document_pages;

    pdftext_page *pages;
    int32_t page_count;
    pdftext_block *blocks;
    int32_t block_count;
    pdftext_line *lines;
    int32_t line_count;
    pdftext_char *chars;
    int32_t char_count;
} pdftext_result;

/** Reads the structured text of a PDF held in memory. `max_pages` (> 0) and
 *  `max_chars` (> 0) bound the work; 0 means the defaults (2000 pages,
 *  20 million characters). Never returns NULL; free with pdftext_free. */
pdftext_result *pdftext_extract(const uint8_t *data, size_t length, int32_t max_pages, int32_t max_chars);

/** Like pdftext_extract, within a memory budget: every allocation MuPDF
 *  makes goes through a counting allocator, and with the result's arrays it
 *  may hold at most `max_bytes` (0: no budget) at once; going over ends the
 *  extraction with PDFTEXT_OVER_MEMORY (a clean failure, before the process's
 *  own limit would kill it). With `refuse_over_pages` a document of more than
 *  `max_pages` pages is refused (PDFTEXT_TOO_MANY_PAGES, document_pages set)
 *  instead of cut. */
pdftext_result *pdftext_extract_limited(const uint8_t *data, size_t length, int32_t max_pages, int32_t max_chars,
                                        size_t max_bytes, int32_t refuse_over_pages);

void pdftext_free(pdftext_result *result);

#ifdef __cplusplus
}
#endif

#endif
