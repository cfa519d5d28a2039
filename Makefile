# Thin wrapper over CMake: the two commands of the README's quick start.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all build deps test-deps demo test bench clean

all: build

deps:
	@scripts/deps.sh build

test-deps:
	@scripts/deps.sh test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@examples/demo.sh $(BUILD)

# ctest names skipped tests; tests/skips.sh adds the reason each one gave.
test: test-deps build
	@cd $(BUILD) && ctest --output-on-failure -j 2; rc=$$?; \
		sh $(CURDIR)/tests/skips.sh $(abspath $(BUILD)); exit $$rc

bench: test-deps build
	@bench/run_all.sh $(BUILD)

clean:
	rm -rf $(BUILD)
