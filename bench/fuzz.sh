#!/usr/bin/env bash
# Runs every fuzz target of the fuzz/ module in fuzzing mode, one after the other (one JVM at a
# time), for SECONDS_PER_TARGET seconds each (default 60), and prints the executions and findings of
# each. Without fuzzing, `mvn verify` (scripts/test.sh) replays the kept corpus of each target.
#
#   bench/fuzz.sh [SECONDS_PER_TARGET] [Class#method ...]    e.g. bench/fuzz.sh 300 WalRecordFuzzTest#record
#
# Each target runs in the jazzer driver (from Maven Central, com.code-intelligence:jazzer) with a
# 512 MB heap, an RSS limit of 2.5 GB and a 30 s limit per input (the first input also loads and
# instruments the classes, which took more than 10 s on a busy machine): an input that makes a
# parser allocate without bound, or run for long, is a finding; the slowest input's time is printed. New interesting inputs go to
# fuzz/target/corpus/<Class>/<method>/; findings (crash-*, timeout-*, oom-*) to
# fuzz/target/findings/<Class>/<method>/. Only xlogminer and Jackson (the catalog's JSON) are
# instrumented: the decompressors of commons-compress, xz, aircompressor and lz4-java, instrumented,
# ran some 100 times slower. A finding, once fixed, is copied into the kept corpus
# (fuzz/src/test/resources/<package>/<Class>Inputs/<method>/) so the normal build replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
    TARGETS=(
        wal.reader.WalSegmentFuzzTest#segment
        wal.reader.WalSegmentFuzzTest#segmentWithoutCrc
        wal.reader.WalRecordFuzzTest#record
        wal.archive.CompressedSegmentFuzzTest#inflate
        wal.archive.SegmentFileNameFuzzTest#scan
        catalog.CatalogJsonFuzzTest#read
        mine.MinerFuzzTest#mine
        page.HeapPageFuzzTest#page
        types.DatumFuzzTest#format
        compress.PglzFuzzTest#decompress
        wal.archive.TimelineHistoryFuzzTest#parse
        catalog.pgdata.PgDataFileFuzzTest#controlFile
        catalog.pgdata.PgDataFileFuzzTest#relMapFile
        catalog.pgdata.PgDataFileFuzzTest#backupLabel
        catalog.pgdata.PgDataFileFuzzTest#heapPage
    )
fi

echo "building the fuzz targets..." >&2
mvn -B -ntp -q ${MVN_OFFLINE:+-o} -pl fuzz -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test >&2
CP="fuzz/target/test-classes:$(cat fuzz/target/classpath.txt)"
RESOURCES=fuzz/src/test/resources/org/xlogminer

total=0
findings=0
printf '%-50s %12s %10s %8s %9s\n' target executions exec/s slowest findings
for t in "${TARGETS[@]}"; do
    t=${t#org.xlogminer.}
    if [[ $t != *.* ]]; then # a bare class name: find its package
        f=$(cd fuzz/src/test/java/org/xlogminer && find . -name "${t%%#*}.java" | head -1)
        pkg=$(dirname "${f#./}" | tr / .)
        t="$pkg.$t"
    fi
    class=org.xlogminer.${t%%#*}
    method=${t##*#}
    simple=${class##*.}
    pkgdir=$(dirname "$(echo "${t%%#*}" | tr . /)")
    corpus=fuzz/target/corpus/$simple/$method
    out=fuzz/target/findings/$simple/$method
    seeds=$RESOURCES/$pkgdir/${simple}Inputs/$method
    mkdir -p "$corpus" "$out" "$seeds"
    log=fuzz/target/findings/$simple/$method.log
    set +e
    java -Xmx512m -Xss4m -cp "$CP" com.code_intelligence.jazzer.Jazzer \
        --target_class="$class" --target_method="$method" \
        --instrumentation_includes='org.xlogminer.**:com.fasterxml.jackson.**' \
        --dedup=true --keep_going=50 --reproducer_path="$out" \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2560 -timeout=30 \
        -artifact_prefix="$out/" -print_final_stats=1 \
        "$corpus" "$seeds" >"$log" 2>&1
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    if [ -z "$runs" ]; then
        runs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#' || true)
    fi
    runs=${runs:-0}
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
    slowest=$(grep -o 'stat::slowest_unit_time_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo '?')
    found=$(find "$out" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    printf '%-50s %12s %10s %7ss %9s\n' "$simple#$method" "$runs" "$rate" "$slowest" "$found"
    total=$((total + runs))
    findings=$((findings + found))
done
printf '%-50s %12s %10s %8s %9s\n' total "$total" "" "" "$findings"
[ "$findings" -eq 0 ]
