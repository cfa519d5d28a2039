#!/bin/bash
# make bench: every benchmark, each against its anchor in the same run.
set -e
BUILD=${1:-build}
DIR=$(dirname "$0")
bash "$DIR/record_bench.sh" "$BUILD"
bash "$DIR/report_bench.sh" "$BUILD"
bash "$DIR/trampoline_bench.sh" "$BUILD"
bash "$DIR/trampoline_jit_bench.sh" "$BUILD"
bash "$DIR/dwarf_bench.sh" "$BUILD"
bash "$DIR/xperf_bench.sh" "$BUILD"
bash "$DIR/attach_bench.sh" "$BUILD"
bash "$DIR/top_bench.sh" "$BUILD"
bash "$DIR/offcpu_bench.sh" "$BUILD"
bash "$DIR/install_bench.sh" "$BUILD"
bash "$DIR/load_bench.sh" "$BUILD"
bash "$DIR/perf_files_bench.sh" "$BUILD"
bash "$DIR/stat_bench.sh" "$BUILD"
bash "$DIR/multi_event_bench.sh" "$BUILD"
bash "$DIR/export_bench.sh" "$BUILD"
