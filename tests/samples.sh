#!/bin/sh
# Extraction quality on the shared PDF samples (../shared/pdf-samples, when
# present): every sample must reach word F1 >= 0.99 with no leaked page
# furniture and no broken hyphenation. Prints a per-layout table (mean F1,
# word order, share of truth paragraphs found whole). Skips when the folder
# is absent.
set -u
. tests/lib/common.sh
: "${SCORE:=build/extract-score}"
dir=../shared/pdf-samples
if [ ! -d "$dir" ]; then
	echo "skip - samples: $dir not found"
	exit 0
fi
tmp=$T
for pdf in "$dir"/*.pdf; do
	name=$(basename "$pdf" .pdf)
	truth="$dir/$name.truth.txt"
	[ -f "$truth" ] || continue
	if ! "$REVMINE" extract "$pdf" >"$tmp/$name.txt" 2>"$tmp/$name.err"; then
		fail "$name: extract failed: $(cat "$tmp/$name.err")"
		continue
	fi
	line=$("$SCORE" "$truth" "$tmp/$name.txt" --furniture "$dir/$name.furniture.txt")
	echo "${name##*__} $name $line" >>"$tmp/scores"
	if echo "$line" | awk '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		exit !(v["F1"] >= 0.99 && v["furn"] == 0 && v["hyph"] == 0)
	}'; then
		pass "$name"
	else
		fail "$name: $line (want F1>=0.99, furn=0, hyph=0)"
	fi
done
[ -f "$tmp/scores" ] || { echo "skip - samples: no samples with truth"; exit 0; }
awk '{
	for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	l = $1; docs[l]++; f1[l] += v["F1"]; seq[l] += v["seq"]; para[l] += v["para"]
	furn[l] += v["furn"]; hyph[l] += v["hyph"]; join[l] += v["join"]
	n++; tf1 += v["F1"]; tseq += v["seq"]; tpara += v["para"]
}
END {
	printf "%-12s %5s %7s %7s %7s %5s %5s %5s\n", "layout", "docs", "F1", "order", "para", "furn", "hyph", "join"
	for (l in docs)
		printf "%-12s %5d %7.4f %7.4f %7.4f %5d %5d %5d\n", l, docs[l], f1[l] / docs[l],
			seq[l] / docs[l], para[l] / docs[l], furn[l], hyph[l], join[l]
	printf "%-12s %5d %7.4f %7.4f %7.4f\n", "ALL", n, tf1 / n, tseq / n, tpara / n
}' "$tmp/scores"
echo "samples: $fails failed"
[ $fails = 0 ]
