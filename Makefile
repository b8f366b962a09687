# keel: every set-up step on a fresh Debian 12 machine.
#   make demo   install dependencies, build, run the drift demo on SQLite
#   make test   install dependencies, build with ASan+UBSan, start throwaway
#               PostgreSQL servers on loopback, run every test
JOBS ?= $(shell nproc)
TEST_JOBS ?= 4
BUILD ?= build
TEST_BUILD ?= build-test

.PHONY: all deps build build-test test demo bench format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DKEEL_BUILD_TESTS=OFF >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-test: deps
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKEEL_SANITIZE=ON >/dev/null
	cmake --build $(TEST_BUILD) -j $(JOBS)

# Each integration shard starts its own throwaway PostgreSQL (CMakeLists.txt).
test: build-test
	ctest --test-dir $(TEST_BUILD) --output-on-failure -j $(TEST_JOBS)

demo: build
	examples/demo/run.sh $(BUILD)/keel

# make bench runs every benchmark; BENCH=apply (or baseline) runs one.
BENCH ?= baseline apply lint diff zero_downtime

bench: build
	@for b in $(BENCH); do \
	  [ -x bench/$$b/run.sh ] || { echo "make bench: no benchmark bench/$$b/run.sh" >&2; exit 2; }; \
	  bench/$$b/run.sh $(BUILD)/keel || exit $$?; \
	done

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

clean:
	rm -rf $(BUILD) $(TEST_BUILD)
