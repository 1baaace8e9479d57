# deploykit build knobs: the one place to change them.
VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/deploykit

CC ?= cc
PKG_CONFIG ?= pkg-config
OPT ?= -O2 -g

WARNINGS = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
	-Wwrite-strings -Wshadow -Wpointer-arith -Wformat=2
WERROR ?= -Werror

# SANITIZE=1: AddressSanitizer + UBSan, built apart in build-san/.
ifeq ($(SANITIZE),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
O = build-san
else
SANFLAGS =
O = build
endif

CURL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcurl)
CURL_LIBS := $(shell $(PKG_CONFIG) --libs libcurl)
CRYPTO_CFLAGS := $(shell $(PKG_CONFIG) --cflags libcrypto)
CRYPTO_LIBS := $(shell $(PKG_CONFIG) --libs libcrypto)
JANSSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson)
JANSSON_LIBS := $(shell $(PKG_CONFIG) --libs jansson)
INIH_CFLAGS := $(shell $(PKG_CONFIG) --cflags inih)
INIH_LIBS := $(shell $(PKG_CONFIG) --libs inih)
