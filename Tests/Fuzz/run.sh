#!/bin/sh
# Builds the libFuzzer target over CasefileModel, CasefileParse, CasefileExtract
# and the PDFText C target (MuPDF), straight from the sources, and runs it.
#
#   Tests/Fuzz/run.sh [SECONDS] [extra libFuzzer flags…]
#
# SECONDS defaults to 60. Seeds: Tests/Fixtures, a few hand-written PDFs and
# HTML pages, and a few corpus PDFs (../shared/corpus/pdf or
# $CASEFILE_SHARED/corpus/pdf) copied to a temporary folder. The working corpus
# and crash files live under $FUZZ_DIR (default /tmp/casefile-fuzz): never
# commit corpus PDFs. A crash leaves crash-<sha1> there; rerun it with
#   $FUZZ_DIR/fuzz-document $FUZZ_DIR/crash-<sha1>
set -eu
seconds=${1:-60}
[ $# -gt 0 ] && shift
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_DIR:-/tmp/casefile-fuzz}
build=$out/build
mkdir -p "$build/modules/PDFText" "$out/corpus" "$out/seeds"

mupdf_libs="-lmupdf -lmupdf-third -lmujs -lgumbo -lopenjp2 -ljbig2dec -ljpeg -lfreetype -lharfbuzz -lpng16 -lbrotlidec -lz -lm"
swift_flags="-sanitize=fuzzer,address -parse-as-library -O -g -wmo -swift-version 6"

echo "building in $build"
clang -c -g -O1 -fsanitize=fuzzer-no-link,address -I"$root/Sources/PDFText/include" \
    "$root/Sources/PDFText/pdftext.c" -o "$build/pdftext.o"
cat > "$build/modules/PDFText/module.modulemap" <<MAP
module PDFText {
    header "$root/Sources/PDFText/include/PDFText.h"
    export *
}
MAP
swiftc $swift_flags -module-name CasefileModel -emit-module -emit-module-path "$build/CasefileModel.swiftmodule" \
    -c "$root"/Sources/CasefileModel/*.swift -o "$build/CasefileModel.o"
swiftc $swift_flags -module-name CasefileParse -I "$build" \
    -emit-module -emit-module-path "$build/CasefileParse.swiftmodule" \
    -c "$root"/Sources/CasefileParse/*.swift -o "$build/CasefileParse.o"
swiftc $swift_flags -module-name CasefileExtract -I "$build" -I "$build/modules/PDFText" -I "$root/Sources/CLibXML2" \
    -Xcc -I/usr/include/libxml2 -emit-module -emit-module-path "$build/CasefileExtract.swiftmodule" \
    -c "$root"/Sources/CasefileExtract/*.swift -o "$build/CasefileExtract.o"
swiftc $swift_flags -module-name CasefileFuzz -I "$build" -I "$build/modules/PDFText" -I "$root/Sources/CLibXML2" \
    -Xcc -I/usr/include/libxml2 "$root/Tests/Fuzz/FuzzDocument.swift" \
    "$build/CasefileModel.o" "$build/CasefileParse.o" "$build/CasefileExtract.o" "$build/pdftext.o" \
    $(for l in $mupdf_libs -lxml2; do printf -- '-Xlinker %s ' "$l"; done) -o "$out/fuzz-document"

# Seeds (small ones; no PDF is kept in the repository: make_seeds.py writes
# made-up ones, and the corpus PDFs are copies in /tmp, never committed).
cp "$root"/Tests/Fixtures/*.txt "$out/seeds/" 2>/dev/null || true
cp "$root"/Tests/Fuzz/seeds/* "$out/seeds/" 2>/dev/null || true
python3 "$root/Tests/Fuzz/make_seeds.py" "$out/seeds"
shared=${CASEFILE_SHARED:-$root/../shared}
if [ -d "$shared/corpus/pdf" ]; then
    for f in redbridge-2019-05-03-ilacs.pdf medway-2019-07-26-ilacs.pdf blackpool-2012-07-13-unreadable.pdf; do
        [ -f "$shared/corpus/pdf/$f" ] && cp "$shared/corpus/pdf/$f" "$out/seeds/"
    done
fi

echo "running for $seconds s"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$out/fuzz-document" "$out/corpus" "$out/seeds" \
    -max_total_time="$seconds" -max_len=${FUZZ_MAX_LEN:-65536} -rss_limit_mb=4096 -timeout=30 \
    -artifact_prefix="$out/" -print_final_stats=1 "$@"
