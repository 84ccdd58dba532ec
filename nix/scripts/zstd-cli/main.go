// Command zstd-cli compresses stdin to stdout the way the zstd command line
// tool does when GNU tar pipes an archive through it (`tar --zstd`, which
// fetchPnpmDeps uses with fetcherVersion 3): level 3, a content checksum,
// no content size (the input is a pipe), multithreaded mode. It links the
// zstd library version nixpkgs ships (vendored by github.com/DataDog/zstd)
// because zstd makes no promise that versions produce the same bytes.
//
// Built with -tags external_libzstd it links the system libzstd instead, which
// nix/scripts/hashes.sh uses to prove this tool and the system zstd CLI
// write identical bytes.
package main

/*
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct { const void* src; size_t size; size_t pos; } ZSTD_inBuffer;
typedef struct { void* dst; size_t size; size_t pos; } ZSTD_outBuffer;

ZSTD_CCtx* ZSTD_createCCtx(void);
size_t ZSTD_CCtx_setParameter(ZSTD_CCtx* cctx, int param, int value);
size_t ZSTD_compressStream2(ZSTD_CCtx* cctx, ZSTD_outBuffer* output, ZSTD_inBuffer* input, int endOp);
size_t ZSTD_CStreamInSize(void);
size_t ZSTD_CStreamOutSize(void);
unsigned ZSTD_isError(size_t code);
const char* ZSTD_getErrorName(size_t code);
const char* ZSTD_versionString(void);

// Stable zstd.h parameter and directive values.
enum {
	levelParam = 100,
	contentSizeParam = 200,
	checksumParam = 201,
	workersParam = 400,
	continueOp = 0,
	endOp = 2
};
*/
import "C"

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"unsafe"

	_ "github.com/DataDog/zstd" // links the zstd C library
)

func main() {
	version := flag.Bool("V", false, "print the linked zstd library version")
	workers := flag.Int("T", 1, "worker threads; any value >= 1 gives the same bytes")
	flag.Parse()
	if *version {
		fmt.Println(C.GoString(C.ZSTD_versionString()))
		return
	}
	if err := compress(os.Stdin, os.Stdout, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "zstd-cli:", err)
		os.Exit(1)
	}
}

func check(code C.size_t, what string) error {
	if C.ZSTD_isError(code) != 0 {
		return fmt.Errorf("%s: %s", what, C.GoString(C.ZSTD_getErrorName(code)))
	}
	return nil
}

func compress(r io.Reader, w io.Writer, workers int) error {
	cctx := C.ZSTD_createCCtx()
	if cctx == nil {
		return errors.New("cannot create a compression context")
	}
	for _, p := range []struct{ param, value C.int }{
		{C.levelParam, 3},
		{C.contentSizeParam, 1},
		{C.checksumParam, 1},
		{C.workersParam, C.int(workers)},
	} {
		if err := check(C.ZSTD_CCtx_setParameter(cctx, p.param, p.value), "set parameter"); err != nil {
			return err
		}
	}

	inSize, outSize := int(C.ZSTD_CStreamInSize()), int(C.ZSTD_CStreamOutSize())
	inBuf := C.malloc(C.size_t(inSize))
	outBuf := C.malloc(C.size_t(outSize))
	defer C.free(inBuf)
	defer C.free(outBuf)
	chunk := make([]byte, inSize)

	for {
		n, readErr := io.ReadFull(r, chunk)
		atEnd := errors.Is(readErr, io.EOF) || errors.Is(readErr, io.ErrUnexpectedEOF)
		if readErr != nil && !atEnd {
			return fmt.Errorf("read: %w", readErr)
		}
		C.memcpy(inBuf, unsafe.Pointer(&chunk[0]), C.size_t(n))
		in := C.ZSTD_inBuffer{src: inBuf, size: C.size_t(n)}
		op := C.int(C.continueOp)
		if atEnd {
			op = C.endOp
		}
		for {
			out := C.ZSTD_outBuffer{dst: outBuf, size: C.size_t(outSize)}
			remaining := C.ZSTD_compressStream2(cctx, &out, &in, op)
			if err := check(remaining, "compress"); err != nil {
				return err
			}
			if out.pos > 0 {
				if _, err := w.Write(C.GoBytes(outBuf, C.int(out.pos))); err != nil {
					return fmt.Errorf("write: %w", err)
				}
			}
			done := in.pos == in.size
			if atEnd {
				done = remaining == 0
			}
			if done {
				break
			}
		}
		if atEnd {
			return nil
		}
	}
}
