# libodapi - one entry point: all, check, run, bench, install, clean.
#
#   make                      build the library, the programs, the examples
#   make run                  install build dependencies, build, serve the sandbox
#   make check                install dependencies, build, run every test
#   make check SANITIZE=address,undefined
#   make CC=clang             any C compiler with gcc-style flags
#   make layers               check the layer rules (docs/architecture.md)
#   make fuzz                 libFuzzer targets in build/fuzz/ (docs/fuzzing.md)
#   make DB=client            thin build on libmariadb (no embedded server)
#   make install PREFIX=/usr/local DESTDIR=   (writes only under DESTDIR+PREFIX)
#   make install-service SYSCONFDIR=/etc    odservice's unit, config, logrotate
#
# Objects go to build/; the library to lib/, the programs to bin/.

# The version is written once, in include/odapi/version.h (docs/api.md,
# "Versions"): the SONAME follows its major, the file name all three.
version_part = $(shell sed -n 's/^[#]define ODAPI_VERSION_$(1)  *\([0-9][0-9]*\).*/\1/p' include/odapi/version.h)
VERSION_MAJOR := $(call version_part,MAJOR)
VERSION    := $(VERSION_MAJOR).$(call version_part,MINOR).$(call version_part,PATCH)
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
# Only `make install-service` uses these: the service files live where
# systemd and logrotate look, outside PREFIX (docs/service.md).
SYSCONFDIR ?= /etc
UNITDIR    ?= /lib/systemd/system
DB         ?= embedded
SANITIZE   ?=
OPT        ?= -O2

CC ?= cc
PKG_CONFIG ?= pkg-config
OBJCOPY ?= objcopy

DEPS_PKGS := libevent_core libevent_extra libevent_pthreads libevent_openssl jansson expat libssl libcrypto libssh2 libpng libjpeg
DEPS_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(DEPS_PKGS) 2>/dev/null)
DEPS_LIBS   := $(shell $(PKG_CONFIG) --libs $(DEPS_PKGS) 2>/dev/null)

# The library links no MySQL client library: lib/db/mysql-api.c loads
# libmariadb.so.3 for a server database and libmariadbd.so.19 for the
# sandbox at run time (docs/database.md). Only mysql.h is needed to build.
# DB_LIBS is what the examples that call the MySQL C API themselves link.
DB_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmariadb 2>/dev/null)
ifeq ($(DB),embedded)
  DB_CFLAGS += -DODAPI_HAVE_EMBEDDED=1
  DB_LIBS   := -lmariadbd
else ifeq ($(DB),client)
  DB_LIBS   := $(shell $(PKG_CONFIG) --libs libmariadb 2>/dev/null)
else
  $(error DB must be embedded or client)
endif

WARN   := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wpointer-arith -Wformat=2 -Wno-unused-parameter \
          -Wno-missing-field-initializers
CSTD   := -std=c11 -D_GNU_SOURCE
SANFLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer,)
CFLAGS ?= $(OPT) -g -gdwarf-4  # DWARF 4: valgrind 3.19 cannot read clang 14's DWARF 5
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) $(SANFLAGS) -pthread -Iinclude -Ilib $(DEPS_CFLAGS) $(DB_CFLAGS)
LIB_CFLAGS = $(ALL_CFLAGS) -fPIC -fvisibility=hidden
LIBS   = $(DEPS_LIBS) -pthread -lm -ldl
LDFLAGS ?=
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

# lib/ has one folder per layer (docs/architecture.md); lib/routes.c wires
# them together. The schema's SQL is generated into build/gen/.
LIB_SRCS  := $(sort $(wildcard lib/*.c lib/*/*.c))
LIB_OBJS  := $(patsubst lib/%.c,build/lib/%.o,$(LIB_SRCS)) build/gen/schema-sql.o \
             build/gen/openapi-examples.o
SO_REAL   := lib/libodapi.so.$(VERSION)
SO_NAME   := libodapi.so.$(VERSION_MAJOR)
STATIC    := lib/libodapi.a
PROGS     := bin/odlocal bin/odservice
EXAMPLES  := $(patsubst examples/%.c,examples/%,$(wildcard examples/*.c))
# test/unit/ mirrors lib/: the tests of lib/LAYER/FILE.c are in
# test/unit/LAYER/test_FILE.c, built as build/test/LAYER/test_FILE.
UNIT_SRCS := $(sort $(wildcard test/unit/*/test_*.c))
UNIT_BINS := $(patsubst test/unit/%.c,build/test/%,$(UNIT_SRCS))
ifneq ($(wildcard test/unit/test_*.c),)
  $(error test/unit/ mirrors lib/: move $(wildcard test/unit/test_*.c) into the folder of the layer it tests)
endif
TEST_HELPERS := $(patsubst test/helpers/%.c,build/test/helpers/%,$(wildcard test/helpers/*.c))
PC        := pkgconfig/odapi.pc

.PHONY: all deps deps-run run run-built check check-built unit bench install install-service uninstall clean distclean flags fuzz layers
all: $(SO_REAL) lib/$(SO_NAME) lib/libodapi.so $(STATIC) $(PROGS) $(EXAMPLES) $(PC)

# Quiet output ("  CC      lib/x.c"); V=1 shows the full commands.
V ?= 0
ifeq ($(V),1)
  Q :=
  say := @:
else
  Q := @
  say := @printf '  %-7s %s\n'
endif

# Rebuild everything when the compiler or the flags change.
FLAGS_LINE := $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LIBS)
build/.flags: flags
	@mkdir -p build
	@echo '$(FLAGS_LINE)' | cmp -s - $@ || echo '$(FLAGS_LINE)' > $@

# -MD, not -MMD: the .d files name the system headers a source reaches
# too (mysql.h, event2/http.h), which `make layers` checks.
build/lib/%.o: lib/%.c build/.flags
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) $(LIB_CFLAGS) -MD -MP -c $< -o $@

build/gen/schema-sql.o: build/gen/schema-sql.c build/.flags
	$(say) CC $<
	$(Q)$(CC) $(LIB_CFLAGS) -c $< -o $@

# build/gen/schema-sql.c is generated from the Open Dental DDL in the tree.
build/gen/schema-sql.c: data/od-schema.sql tools/embed.sh
	@mkdir -p $(dir $@)
	$(say) GEN $@
	$(Q)sh tools/embed.sh od_schema_sql $< > $@.tmp && mv $@.tmp $@

# The API reference's examples (docs/api-reference.md), recorded from the
# sandbox by `make openapi-examples`.
build/gen/openapi-examples.o: build/gen/openapi-examples.c build/.flags
	$(say) CC $<
	$(Q)$(CC) $(LIB_CFLAGS) -c $< -o $@
build/gen/openapi-examples.c: docs/openapi-examples.json tools/embed.sh
	@mkdir -p $(dir $@)
	$(say) GEN $@
	$(Q)sh tools/embed.sh od_openapi_examples $< > $@.tmp && mv $@.tmp $@

# clang links the sanitizer runtimes into executables only, so a sanitized
# shared library has undefined __asan_*/__ubsan_* symbols until loaded.
NO_UNDEFINED := $(if $(SANITIZE),,-Wl,--no-undefined)
$(SO_REAL): $(LIB_OBJS) lib/odapi.map
	$(say) LINK $@
	$(Q)$(CC) -shared -Wl,-soname,$(SO_NAME) -Wl,--version-script=lib/odapi.map \
	    $(NO_UNDEFINED) $(ALL_LDFLAGS) -o $@ $(LIB_OBJS) $(LIBS)
lib/$(SO_NAME): $(SO_REAL)
	$(Q)ln -sf $(notdir $(SO_REAL)) $@
lib/libodapi.so: lib/$(SO_NAME)
	$(Q)ln -sf $(SO_NAME) $@

# libodapi.a is one relocatable object in which only odapi_* stay global:
# the internal od_* names become local, so they cannot clash with an
# application's (docs/api.md, "Linking"). The unit tests and helpers link
# build/libodapi-internal.a, the same objects with their names intact.
INTERNAL := build/libodapi-internal.a
$(INTERNAL): $(LIB_OBJS)
	$(say) AR $@
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJS)
$(STATIC): $(LIB_OBJS)
	$(say) LD-R $@
	$(Q)$(LD) -r -o build/libodapi-all.o $(LIB_OBJS)
	$(Q)nm -g --defined-only build/libodapi-all.o | \
	    awk '$$3 ~ /^odapi_/ { print $$3 }' > build/libodapi.globals
	$(Q)$(OBJCOPY) --keep-global-symbols=build/libodapi.globals \
	    build/libodapi-all.o build/libodapi.o
	$(Q)rm -f $@ && ar rcs $@ build/libodapi.o

# The programs and examples use only the public API, through the shared
# library; the rpath finds it beside them in the tree and after install.
RPATH := -Wl,-rpath,'$$ORIGIN/../lib'
bin/%: bin/%.c bin/opts.c bin/opts.h bin/cli.h lib/$(SO_NAME) lib/libodapi.so build/.flags
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) -DODAPI_SYSCONFDIR='"$(SYSCONFDIR)"' -o $@ $< bin/opts.c $(ALL_LDFLAGS) $(RPATH) -Llib -lodapi $(DEPS_LIBS) -pthread
# odservice's default --config is SYSCONFDIR/odapi/...: rebuilt when it changes.
build/.sysconfdir: flags
	@mkdir -p build
	@echo '$(SYSCONFDIR)' | cmp -s - $@ || echo '$(SYSCONFDIR)' > $@
bin/odservice: build/.sysconfdir
examples/%: examples/%.c lib/$(SO_NAME) lib/libodapi.so build/.flags
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(RPATH) -Llib -lodapi $(DEPS_LIBS) $(DB_LIBS) -pthread

# Unit tests link the internal archive so they can reach internal functions.
build/test/%: test/unit/%.c $(INTERNAL) build/.flags
	@mkdir -p $(dir $@)
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(INTERNAL) $(ALL_LDFLAGS) $(LIBS) $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
build/test/helpers/%: test/helpers/%.c $(INTERNAL) build/.flags
	@mkdir -p $(dir $@)
	$(say) CCLD $@
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(INTERNAL) $(ALL_LDFLAGS) $(LIBS)

# Regenerated when the install paths or the dependencies change, so that
# `make install PREFIX=...` after a plain `make` installs the right paths.
PC_LINE := $(PREFIX) $(LIBDIR) $(INCLUDEDIR) $(DEPS_PKGS) $(DB)
build/.pcvars: flags
	@mkdir -p build
	@echo '$(PC_LINE)' | cmp -s - $@ || echo '$(PC_LINE)' > $@
$(PC): pkgconfig/odapi.pc.in Makefile include/odapi/version.h build/.pcvars
	$(say) GEN $@
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    -e 's|@DEPS_PKGS@|$(DEPS_PKGS)|g' \
	    $< > $@

# --- set-up, running, testing -------------------------------------------------

deps:
	sh tools/install-deps.sh

# make run: the same packages, without the OpenAPI validator from npm
deps-run:
	sh tools/install-deps.sh run

# `make run`: everything from a fresh Debian 12 machine to a serving sandbox.
run: deps-run
	$(MAKE) --no-print-directory run-built
run-built: all
	./bin/odlocal $(RUN_ARGS)

# `make check`: everything from a fresh machine to a full test run; with
# --no-print-directory its last line is test/run.sh's "check: ..." line.
check: deps
	$(MAKE) --no-print-directory check-built
check-built: all $(UNIT_BINS) $(TEST_HELPERS) fuzz
	sh test/run.sh

# The layer rules of docs/architecture.md, from the compiler's .d files and
# nm over the objects (tools/layers.py); test/run.sh runs it too.
NM ?= nm
layers: $(LIB_OBJS)
	$(Q)python3 tools/layers.py --nm $(NM) build

unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do $$t || exit 1; done

bench: deps
	$(MAKE) OPT=-O3 CFLAGS="-O3 -g -DNDEBUG" all
	sh bench/run.sh
	[ "$${BENCH_REPLICA:-1}" = 0 ] || sh bench/replica.sh

# --- fuzzing (docs/fuzzing.md) -----------------------------------------------
# The library again, with clang's libFuzzer, ASan and UBSan, in build/fuzz/;
# one program per test/fuzz/fuzz_*.c. `make check` runs each for seconds.
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(CSTD) $(WARN) -O1 -g $(FUZZ_SAN) -pthread -Iinclude -Ilib \
                $(DEPS_CFLAGS) $(DB_CFLAGS)
FUZZ_OBJS    := $(patsubst lib/%.c,build/fuzz/lib/%.o,$(LIB_SRCS)) build/fuzz/gen/schema-sql.o \
                build/fuzz/gen/openapi-examples.o
FUZZ_TARGETS := $(patsubst test/fuzz/%.c,build/fuzz/%,$(wildcard test/fuzz/fuzz_*.c))
fuzz: $(FUZZ_TARGETS)
build/fuzz/lib/%.o: lib/%.c build/.flags
	@mkdir -p $(dir $@)
	$(say) FUZZCC $<
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
build/fuzz/gen/schema-sql.o: build/gen/schema-sql.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
build/fuzz/gen/openapi-examples.o: build/gen/openapi-examples.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
build/fuzz/libodapi.a: $(FUZZ_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $(FUZZ_OBJS)
build/fuzz/fuzz_%: test/fuzz/fuzz_%.c build/fuzz/libodapi.a
	$(say) FUZZLD $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libodapi.a $(LIBS)

# --- install ------------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(INCLUDEDIR)/odapi $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man8
	install -m 644 include/odapi/*.h $(DESTDIR)$(INCLUDEDIR)/odapi/
	install -m 755 $(SO_REAL) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(SO_REAL)) $(DESTDIR)$(LIBDIR)/$(SO_NAME)
	ln -sf $(SO_NAME) $(DESTDIR)$(LIBDIR)/libodapi.so
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(PC) $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 755 bin/odlocal $(DESTDIR)$(BINDIR)/
	install -m 755 bin/odservice $(DESTDIR)$(SBINDIR)/
	for s in 1 3 8; do for f in docs/*.$$s; do [ -e "$$f" ] && \
	    install -m 644 "$$f" $(DESTDIR)$(MANDIR)/man$$s/; done; done; true

# The service files go outside PREFIX, so they have their own target; the
# unit's ExecStart and --config follow SBINDIR and SYSCONFDIR.
install-service:
	sh tools/install-service-files.sh "$(DESTDIR)" "$(SBINDIR)" "$(SYSCONFDIR)" "$(UNITDIR)"

uninstall:
	rm -rf $(DESTDIR)$(INCLUDEDIR)/odapi
	rm -f $(DESTDIR)$(LIBDIR)/libodapi.* $(DESTDIR)$(LIBDIR)/pkgconfig/odapi.pc
	rm -f $(DESTDIR)$(BINDIR)/odlocal $(DESTDIR)$(SBINDIR)/odservice
	rm -f $(DESTDIR)$(MANDIR)/man1/odlocal.1 $(DESTDIR)$(MANDIR)/man8/odservice.8
	rm -f $(DESTDIR)$(MANDIR)/man3/odapi_*.3 $(DESTDIR)$(MANDIR)/man3/libodapi.3

# --- the API reference (docs/api-reference.md) --------------------------------
# build/doc/openapi.json: the document GET /api/v1/openapi.json serves;
# `make api-reference` renders it as one HTML page with Redocly's CLI
# (installed by tools/install-deps.sh); `make openapi-examples` records
# its examples again from a fresh sandbox.
DOCDIR  ?= $(PREFIX)/share/doc/libodapi
REDOCLY ?= redocly
REDOCLY_ENV := REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
.PHONY: openapi api-reference openapi-examples install-doc uninstall-doc
openapi: build/doc/openapi.json
build/doc/openapi.json: build/test/helpers/openapi_dump
	@mkdir -p $(dir $@)
	$(say) GEN $@
	$(Q)build/test/helpers/openapi_dump > $@.tmp && mv $@.tmp $@
api-reference: build/doc/api-reference.html
build/doc/api-reference.html: build/doc/openapi.json tools/inline-redoc.py
	$(say) GEN $@
	$(Q)$(REDOCLY_ENV) $(REDOCLY) build-docs $< --disableGoogleFont \
	    --output $@.page.html >/dev/null
	$(Q)python3 tools/inline-redoc.py $@.page.html > $@.tmp && mv $@.tmp $@
	$(Q)rm -f $@.page.html
openapi-examples: bin/odlocal
	python3 tools/openapi-examples.py . > docs/openapi-examples.json.tmp
	mv docs/openapi-examples.json.tmp docs/openapi-examples.json
	$(MAKE) --no-print-directory all
install: install-doc
install-doc: build/doc/openapi.json
	install -d $(DESTDIR)$(DOCDIR)
	install -m 644 build/doc/openapi.json $(DESTDIR)$(DOCDIR)/
	if [ -e build/doc/api-reference.html ]; then install -m 644 \
	    build/doc/api-reference.html $(DESTDIR)$(DOCDIR)/; fi
uninstall: uninstall-doc
uninstall-doc:
	rm -f $(DESTDIR)$(DOCDIR)/openapi.json $(DESTDIR)$(DOCDIR)/api-reference.html
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf build lib/libodapi.so* lib/libodapi.a $(PROGS) $(EXAMPLES) $(PC)
distclean: clean

-include $(LIB_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
