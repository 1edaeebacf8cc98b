/* PDFText: MuPDF's structured text as plain arrays. See include/PDFText.h.
 *
 * Rules kept here, because breaking them is undefined behaviour rather than
 * a crash: every pointer assigned inside fz_try and used in fz_always or
 * fz_catch is fz_var()'d; nothing returns or jumps out of an fz_try block;
 * growable arrays live behind a pointer (memory, not registers), so their
 * state survives a longjmp. */
#include "PDFText.h"

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#include <stdlib.h>
#include <string.h>

enum { DEFAULT_MAX_PAGES = 2000, DEFAULT_MAX_CHARS = 20000000, MAX_WARNING_BYTES = 8192 };

/* What an extraction may allocate: MuPDF's allocations through the counting
 * allocator below, and the result's arrays. */
typedef struct {
    size_t used, limit;
    int exceeded;
} budget;

/* Each block carries its size in front (16 bytes keep malloc's alignment). */
enum { HEADER = 16 };

static int budget_allows(budget *m, size_t more) {
    if (m->limit == 0) return 1;
    if (more > m->limit || m->used > m->limit - more) {
        m->exceeded = 1;
        return 0;
    }
    return 1;
}

static void *budget_malloc(void *user, size_t n) {
    budget *m = user;
    if (n > SIZE_MAX - HEADER || !budget_allows(m, n)) return NULL;
    char *p = malloc(n + HEADER);
    if (!p) return NULL;
    *(size_t *)p = n;
    m->used += n;
    return p + HEADER;
}

static void budget_free(void *user, void *block) {
    budget *m = user;
    if (!block) return;
    char *p = (char *)block - HEADER;
    m->used -= *(size_t *)p;
    free(p);
}

static void *budget_realloc(void *user, void *block, size_t n) {
    budget *m = user;
    if (!block) return budget_malloc(user, n);
    if (n == 0) {
        budget_free(user, block);
        return NULL;
    }
    char *p = (char *)block - HEADER;
    size_t was = *(size_t *)p;
    if (n > SIZE_MAX - HEADER || (n > was && !budget_allows(m, n - was))) return NULL;
    char *grown = realloc(p, n + HEADER);
    if (!grown) return NULL;
    *(size_t *)grown = n;
    m->used = m->used - was + n;
    return grown + HEADER;
}

typedef struct {
    budget *memory;
    pdftext_result *r;
    int32_t cap_pages, cap_blocks, cap_lines, cap_chars;
    int32_t max_chars;
    /* The captured warnings. */
    char *warnings;
    size_t warnings_len;
    int warnings_full;
} builder;

static char *copy_string(const char *s) {
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (out) memcpy(out, s, n + 1);
    return out;
}

/* MuPDF would print these on stderr; keep them (bounded) for the caller. */
static void on_message(void *user, const char *message) {
    builder *b = user;
    if (b->warnings_full || !message) return;
    size_t n = strlen(message);
    if (b->warnings_len + n + 2 > MAX_WARNING_BYTES) {
        /* One last line says that more were left out. */
        b->warnings_full = 1;
        message = "(more warnings left out)";
        n = strlen(message);
    }
    char *grown = realloc(b->warnings, b->warnings_len + n + 2);
    if (!grown) {
        b->warnings_full = 1;
        return;
    }
    b->warnings = grown;
    memcpy(b->warnings + b->warnings_len, message, n);
    b->warnings_len += n;
    b->warnings[b->warnings_len++] = '\n';
    b->warnings[b->warnings_len] = 0;
}

/* Grows *array (of `size`-byte items) to hold one more than *count; throws on failure. */
static void grow(fz_context *ctx, builder *b, void **array, int32_t *cap, int32_t count, size_t size) {
    if (count < *cap) return;
    if (*cap > INT32_MAX / 2) fz_throw(ctx, FZ_ERROR_MEMORY, "too much text");
    int32_t next = *cap ? *cap * 2 : 64;
    if (!budget_allows(b->memory, (size_t)(next - *cap) * size)) fz_throw(ctx, FZ_ERROR_MEMORY, "over the memory limit");
    void *p = realloc(*array, (size_t)next * size);
    if (!p) fz_throw(ctx, FZ_ERROR_MEMORY, "out of memory reading the text");
    *array = p;
    *cap = next;
}

static pdftext_rect rect_of(fz_rect r) {
    pdftext_rect out = { r.x0, r.y0, r.x1, r.y1 };
    return out;
}

/* Appends one structured-text page. Throws (to the caller's fz_try) on failure. */
static void append_stext(fz_context *ctx, builder *b, fz_stext_page *st, pdftext_page *page) {
    pdftext_result *r = b->r;
    for (fz_stext_block *block = st->first_block; block; block = block->next) {
        if (block->type != FZ_STEXT_BLOCK_TEXT) continue;
        grow(ctx, b, (void **)&r->blocks, &b->cap_blocks, r->block_count, sizeof *r->blocks);
        int32_t block_index = r->block_count;
        pdftext_block *pb = &r->blocks[r->block_count++];
        pb->box = rect_of(block->bbox);
        pb->first_line = r->line_count;
        pb->line_count = 0;
        page->block_count++;
        for (fz_stext_line *line = block->u.t.first_line; line; line = line->next) {
            grow(ctx, b, (void **)&r->lines, &b->cap_lines, r->line_count, sizeof *r->lines);
            pdftext_line *pl = &r->lines[r->line_count++];
            pl->box = rect_of(line->bbox);
            pl->dir_x = line->dir.x;
            pl->dir_y = line->dir.y;
            pl->wmode = line->wmode;
            pl->block = block_index;
            pl->first_char = r->char_count;
            pl->char_count = 0;
            r->blocks[block_index].line_count++;
            for (fz_stext_char *ch = line->first_char; ch; ch = ch->next) {
                if (r->char_count >= b->max_chars) fz_throw(ctx, FZ_ERROR_MEMORY, "more than %d characters of text", b->max_chars);
                grow(ctx, b, (void **)&r->chars, &b->cap_chars, r->char_count, sizeof *r->chars);
                pdftext_char *pc = &r->chars[r->char_count++];
                pc->c = ch->c < 0 ? 0xFFFD : (uint32_t)ch->c;
                pc->size = ch->size;
                pc->origin_x = ch->origin.x;
                pc->origin_y = ch->origin.y;
                pc->box = rect_of(fz_rect_from_quad(ch->quad));
                /* pl may have moved if r->lines grew: index again. */
                r->lines[r->line_count - 1].char_count++;
            }
        }
    }
}

/* Reads page `i`. A page MuPDF cannot read is marked failed and its partial
 * text dropped; running out of memory is passed on. */
static void extract_page(fz_context *ctx, fz_document *doc, int i, builder *b) {
    pdftext_result *r = b->r;
    fz_page *page = NULL;
    fz_stext_page *st = NULL;
    fz_var(page);
    fz_var(st);
    grow(ctx, b, (void **)&r->pages, &b->cap_pages, r->page_count, sizeof *r->pages);
    int32_t page_index = r->page_count++;
    int32_t blocks_before = r->block_count, lines_before = r->line_count, chars_before = r->char_count;
    pdftext_page *pp = &r->pages[page_index];
    memset(pp, 0, sizeof *pp);
    pp->first_block = r->block_count;
    fz_try(ctx) {
        page = fz_load_page(ctx, doc, i);
        r->pages[page_index].box = rect_of(fz_bound_page(ctx, page));
        fz_stext_options options;
        memset(&options, 0, sizeof options);
        /* Ligatures expanded, odd spaces made plain (MuPDF's defaults); text
         * drawn outside the page is not part of it. */
        options.flags = FZ_STEXT_MEDIABOX_CLIP;
        st = fz_new_stext_page_from_page(ctx, page, &options);
        append_stext(ctx, b, st, &r->pages[page_index]);
    }
    fz_always(ctx) {
        fz_drop_stext_page(ctx, st);
        fz_drop_page(ctx, page);
    }
    fz_catch(ctx) {
        r->block_count = blocks_before;
        r->line_count = lines_before;
        r->char_count = chars_before;
        r->pages[page_index].block_count = 0;
        r->pages[page_index].failed = 1;
        if (fz_caught(ctx) == FZ_ERROR_MEMORY) fz_rethrow(ctx);
        char note[160];
        fz_snprintf(note, sizeof note, "page %d could not be read: %s", i + 1, fz_caught_message(ctx));
        on_message(b, note);
    }
}

pdftext_result *pdftext_extract(const uint8_t *data, size_t length, int32_t max_pages, int32_t max_chars) {
    return pdftext_extract_limited(data, length, max_pages, max_chars, 0, 0);
}

pdftext_result *pdftext_extract_limited(const uint8_t *data, size_t length, int32_t max_pages, int32_t max_chars,
                                        size_t max_bytes, int32_t refuse_over_pages) {
    pdftext_result *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    budget memory = { 0, max_bytes, 0 };
    builder b;
    memset(&b, 0, sizeof b);
    b.memory = &memory;
    b.r = r;
    b.max_chars = max_chars > 0 ? max_chars : DEFAULT_MAX_CHARS;
    if (max_pages <= 0) max_pages = DEFAULT_MAX_PAGES;

    /* MuPDF's cache of decoded objects takes at most a quarter of the budget. */
    size_t store = FZ_STORE_DEFAULT;
    if (max_bytes > 0 && max_bytes / 4 < store) store = max_bytes / 4;
    fz_alloc_context alloc = { &memory, budget_malloc, budget_realloc, budget_free };
    fz_context *ctx = fz_new_context(&alloc, NULL, store);
    if (!ctx) {
        r->status = PDFTEXT_TOO_LARGE;
        r->error = copy_string("MuPDF could not start (out of memory)");
        return r;
    }
    fz_set_warning_callback(ctx, on_message, &b);
    fz_set_error_callback(ctx, on_message, &b);

    fz_stream *stream = NULL;
    fz_document *doc = NULL;
    fz_var(stream);
    fz_var(doc);
    fz_try(ctx) {
        fz_register_document_handlers(ctx);
        stream = fz_open_memory(ctx, data, length);
        doc = fz_open_document_with_stream(ctx, "application/pdf", stream);
        pdf_document *pdf = pdf_document_from_fz_document(ctx, doc);
        if (pdf) r->repaired = pdf_was_repaired(ctx, pdf);
        if (fz_needs_password(ctx, doc)) {
            r->status = PDFTEXT_ENCRYPTED;
        } else {
            int n = fz_count_pages(ctx, doc);
            r->document_pages = n;
            if (n <= 0) fz_throw(ctx, FZ_ERROR_GENERIC, "no pages");
            if (n > max_pages && refuse_over_pages) {
                r->status = PDFTEXT_TOO_MANY_PAGES;
                n = 0;
            }
            if (n > max_pages) n = max_pages;
            for (int i = 0; i < n; i++) extract_page(ctx, doc, i, &b);
            /* Repair can also happen while pages load. */
            if (pdf) r->repaired = pdf_was_repaired(ctx, pdf);
        }
    }
    fz_always(ctx) {
        fz_drop_document(ctx, doc);
        fz_drop_stream(ctx, stream);
    }
    fz_catch(ctx) {
        r->status = memory.exceeded ? PDFTEXT_OVER_MEMORY
            : fz_caught(ctx) == FZ_ERROR_MEMORY ? PDFTEXT_TOO_LARGE : PDFTEXT_DAMAGED;
        r->error = copy_string(fz_caught_message(ctx));
    }
    fz_flush_warnings(ctx);
    fz_drop_context(ctx);
    /* MuPDF may have caught the failed allocation itself (a page it gave up
     * on): over the budget is over the budget. */
    if (memory.exceeded && r->status != PDFTEXT_OVER_MEMORY) {
        r->status = PDFTEXT_OVER_MEMORY;
        free(r->error);
        r->error = copy_string("over the memory limit");
    }
    if (r->status == PDFTEXT_ENCRYPTED && !r->error) r->error = copy_string("the PDF needs a password");
    r->warnings = b.warnings;
    return r;
}

void pdftext_free(pdftext_result *r) {
    if (!r) return;
    free(r->error);
    free(r->warnings);
    free(r->pages);
    free(r->blocks);
    free(r->lines);
    free(r->chars);
    free(r);
}
