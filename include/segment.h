#ifndef SEGMENT_H
#define SEGMENT_H

/*
 * Segmentation: lines (struct doc_text) in, passages out. Lines are joined
 * into paragraphs (also across a page break when the paragraph continues),
 * words split by an end-of-line hyphen are rejoined while true compounds keep
 * their hyphen (decided with the document's own vocabulary), headings and
 * list items become passages of their own, and every passage records its page
 * and the heading it sits under. The caller owns `out`.
 */

#include "doc.h"

void segment_lines(const struct doc_text *in, struct passage_list *out);

#endif
