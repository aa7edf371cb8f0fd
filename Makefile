# The two commands of the README: `make run` and `make test`. Both install what is missing first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DATA_DIR ?=

.PHONY: all deps test-deps build run test unit e2e format tidy clean

all: build

deps:
	./scripts/install-deps.sh

test-deps:
	./scripts/install-deps.sh --test

build:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: deps build
	$(BUILD_DIR)/bin/ukc-emu up $(if $(DATA_DIR),--data-dir $(DATA_DIR))

test: test-deps build
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
