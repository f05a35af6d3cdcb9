#!/usr/bin/python3
"""hotspots.py: names where a profiled revmine run spends its time.

Reads `perf script` output (samples with call stacks, --call-graph dwarf)
on stdin and prints, for each stage of the pipeline, the share of all
samples (worker and parent together) whose stack passes through it
(inclusive), then the functions where most samples land (exclusive).
A stage whose function no sample reaches is left out.
"""
import collections
import re
import sys

# (label, functions): a sample counts for the stage when any of the
# functions is on its stack. Order is pipeline order.
STAGES = [
    ("startup: word list, codebook, model",
     ("batch_config_hash", "runopts_analyzer", "_dl_start")),
    ("PDF: poppler page text (get_text, the floor's call)",
     ("poppler_page_get_text",)),
    ("PDF: glyph boxes and font runs",
     ("poppler_page_get_text_layout", "poppler_page_get_text_attributes")),
    ("PDF: opening and closing documents",
     ("poppler_document_new_from_fd",)),
    ("PDF: layout (columns, reading order, furniture)", ("layout_run",)),
    ("text files: reading and decoding", ("extract_txt_fd", "extract_txt_buf")),
    ("segment (passages, dehyphenation)", ("segment_lines",)),
    ("rules: tokenize, stem, match the codebook", ("analyze_document",)),
    ("learned layer (features, model)", ("model_apply",)),
    ("worker: record written, or handed over", ("record_write", "record_write_mem")),
    ("records thread: handed-over records compressed and written",
     ("record_store_text",)),
    ("reduce: records read", ("record_read", "record_parse_text")),
    ("reduce: corpus built, row CSVs written", ("add_document",)),
    ("reduce: matrices and vocabulary",
     ("write_term_matrix", "write_vocabulary", "renumber_terms")),
    ("reduce: statistics (report.c)", ("report_write",)),
    ("reduce: names kept out of keyness", ("names_new", "names_add_passage")),
    ("HTML report", ("html_report_write",)),
]


def stacks(lines):
    """Yields each sample as a list of (function, object), leaf first."""
    cur = None
    for line in lines:
        if not line.strip():
            if cur:
                yield cur
            cur = None
            continue
        if not line[0].isspace():  # a sample's header line
            if cur:
                yield cur
            cur = []
            continue
        if cur is None:
            continue
        m = re.match(r"\s*[0-9a-f]+\s+(.*?)(?:\+0x[0-9a-f]+)?\s+\((.*)\)\s*$", line)
        if m:
            cur.append((m.group(1), m.group(2)))
    if cur:
        yield cur


def main():
    total = 0
    incl = collections.Counter()
    excl = collections.Counter()
    kernel = 0
    for s in stacks(sys.stdin):
        total += 1
        names = {f for f, _ in s}
        for label, funcs in STAGES:
            if names.intersection(funcs):
                incl[label] += 1
        leaf, obj = s[0] if s else ("?", "?")
        if "kernel" in obj:
            kernel += 1
            leaf = "[kernel]"
        elif leaf == "[unknown]":
            leaf = "[unknown] in " + obj.rsplit("/", 1)[-1]
        excl[leaf] += 1
    if not total:
        print("bench: hot spots: perf recorded no samples")
        return 1
    print("bench: hot spots (perf, %d samples; share of all samples whose stack "
          "passes through each stage):" % total)
    for label, _ in STAGES:
        if incl[label]:
            print("bench:   %-52s %5.1f%%" % (label, 100.0 * incl[label] / total))
    print("bench:   %-52s %5.1f%%" % ("in the kernel (page faults, I/O, fork)",
                                      100.0 * kernel / total))
    print("bench: functions where samples land most:")
    for f, n in excl.most_common(12):
        print("bench:   %-52s %5.1f%%" % (f[:52], 100.0 * n / total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
