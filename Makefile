# Casefile — build, demo, test.
#
#   make demo   build and run casefiled on Config/demo.toml (offline)
#   make test   run the whole test suite (what CI runs)
#
# Both install the Debian packages the build needs when they are missing.

SWIFT        ?= swift
# The build checks the import graph: a module may import only what it declares.
SWIFT_FLAGS  ?= --explicit-target-dependency-import-check error
DEB_PACKAGES := pkg-config libcurl4-openssl-dev libsqlite3-dev libxml2-dev \
                libmupdf-dev libmujs-dev libgumbo-dev libopenjp2-7-dev libjbig2dec0-dev libjpeg-dev \
                libfreetype-dev libharfbuzz-dev libpng-dev libbrotli-dev zlib1g-dev \
                poppler-utils python3 python3-pyftpdlib
SUDO         := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null && echo sudo)

.PHONY: deps build demo test clean

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build $(SWIFT_FLAGS)

demo: build
	mkdir -p .casefile
	.build/debug/casefiled --config Config/demo.toml

# One test framework (Swift Testing): XCTest is switched off so its empty
# summary cannot hide a failure.
test: deps
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	$(SWIFT) test --disable-xctest $(SWIFT_FLAGS)

clean:
	rm -rf .build .casefile
