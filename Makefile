# The two commands of the README: `make run` and `make test`. Both install what is missing first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DATA_DIR ?=

.PHONY: all deps test-deps build run test unit e2e format tidy clean runtimes

all: build

deps:
	./scripts/install-deps.sh

test-deps:
	./scripts/install-deps.sh --test

build:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Packs the runtime recipes (runtimes/*/recipe.json) as official/<name>:<tag> images; only what
# is missing or whose inputs changed is rebuilt, so this is cheap when they are present.
runtimes: build
	$(BUILD_DIR)/bin/ukc-emu runtime build $(if $(DATA_DIR),--data-dir $(DATA_DIR))

run: deps build runtimes
	$(BUILD_DIR)/bin/ukc-emu up $(if $(DATA_DIR),--data-dir $(DATA_DIR))

test: test-deps build runtimes
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 1800

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

e2e: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L e2e

format:
	find lib emulator kraft tests -name '*.cc' -o -name '*.h' | xargs clang-format -i

tidy: build
	run-clang-tidy -p $(BUILD_DIR) -quiet "lib/|emulator/|kraft/"

clean:
	rm -rf $(BUILD_DIR)
