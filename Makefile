# Thin wrapper over CMake: the two commands of the README's quick start.
BUILD ?= build
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
DEB_OUT ?= $(BUILD)/deb

.PHONY: all build deps test-deps demo test bench clean install uninstall deb

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
	@cd $(BUILD) && ctest --output-on-failure --no-tests=error -j 2; rc=$$?; \
		sh $(CURDIR)/tests/skips.sh $(abspath $(BUILD)); exit $$rc

bench: test-deps build
	@bench/run_all.sh $(BUILD)

# DESTDIR=... stages the install elsewhere (cmake --install reads it too).
install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

uninstall:
	@scripts/uninstall.sh $(BUILD) $(PREFIX)

deb: build
	@scripts/make-deb.sh $(BUILD) $(DEB_OUT)

clean:
	rm -rf $(BUILD)
