#ifndef XLSX_OUT_H
#define XLSX_OUT_H

/*
 * revmine.xlsx (--xlsx): every CSV table of an output folder as a sheet of
 * one workbook, through libxlsxwriter. A column whose every non-empty cell
 * is a plain decimal number is written as numbers, every other cell as a
 * string (worksheet_write_string: never a formula, so a cell holds what
 * the CSV holds, formula guard included; dates stay text). The header row
 * is bold and frozen. Sheets longer than a sheet can be (1,048,575 data
 * rows) continue on "name (2)", ...; columns past 16,384 and strings past
 * 32,767 bytes are cut. The workbook's creation time is `created` so the
 * same run gives the same file. Written to a temporary name and committed
 * like the CSVs (csvio.h).
 */

#include <time.h>
#include "util.h"

int xlsx_write(const char *outdir, time_t created, struct doc_error *err);

#endif
