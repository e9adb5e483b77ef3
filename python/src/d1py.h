/* SPDX-License-Identifier: MIT */
/*
 * d1py.h - the CPython extension d1._d1 over libd1: the object layouts and
 * helpers its files share.  One file per object, as in libd1:
 * module.c (errors, constants), device.c, buffer.c, program.c (programs
 * and kernels), stream.c (streams, events, launches).
 *
 * Threads: every call that may block (device I/O, waits, clang) runs with
 * the GIL released.  libd1 lets one thread at a time use a stream, a
 * kernel or a program, so those objects carry a lock, taken with the GIL
 * released (never the other way round, so no thread waits for the GIL
 * while holding one).  Device calls are thread-safe in libd1.
 */
#ifndef D1PY_H
#define D1PY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pythread.h>

#include <d1/d1.h>

/* Runs @stmt with the GIL released and @lock (may be NULL) held. */
#define D1PY_BLOCKING(lock, stmt) do {					\
	PyThreadState *ts_ = PyEval_SaveThread();			\
	if (lock)							\
		PyThread_acquire_lock((lock), WAIT_LOCK);		\
	stmt;								\
	if (lock)							\
		PyThread_release_lock(lock);				\
	PyEval_RestoreThread(ts_);					\
} while (0)

/*
 * Objects that live on a device (buffers, streams, events) are linked to
 * it, so Device.close() can release them first, as libd1 requires.
 */
enum d1py_kind { D1PY_STREAM, D1PY_EVENT, D1PY_BUFFER, D1PY_NKINDS };

struct d1py_link {
	struct d1py_link *prev, *next;
	PyObject *self;				/* not a reference */
	enum d1py_kind kind;
	void (*release)(PyObject *self);	/* frees the libd1 object */
};

typedef struct {
	PyObject_HEAD
	d1_device *dev;				/* NULL once closed */
	struct d1py_link children;		/* list head */
	PyObject *default_stream;		/* for Device.run(), lazily */
} D1Device;

typedef struct {
	PyObject_HEAD
	struct d1py_link link;
	D1Device *device;
	d1_buffer *buf;				/* NULL once closed */
	unsigned int mem;
	uint64_t nbytes;			/* what it holds */
	/* The element type (PEP 3118 format) and shape it holds. */
	char format[16];
	Py_ssize_t itemsize;
	PyObject *shape;			/* tuple */
	PyObject *dtype;			/* NumPy dtype if known, or NULL */
} D1Buffer;

typedef struct {
	PyObject_HEAD
	d1_program *prog;
	PyThread_type_lock lock;
} D1Program;

typedef struct {
	PyObject_HEAD
	d1_kernel *k;
	PyObject *name;
	PyObject *args;				/* tuple of ArgInfo */
	PyObject *bound;			/* list: Buffer per argument */
	PyThread_type_lock lock;
} D1Kernel;

typedef struct {
	PyObject_HEAD
	struct d1py_link link;
	D1Device *device;
	d1_stream *s;				/* NULL once closed */
	PyThread_type_lock lock;
	/* Host arrays device-to-host copies write at synchronisation. */
	PyObject *targets;			/* list of memoryviews */
	char *text;				/* device printf, not yet shown */
	size_t text_len, text_cap;
	int text_oom;
	PyObject *on_printf;			/* callable or None */
} D1Stream;

typedef struct {
	PyObject_HEAD
	struct d1py_link link;
	D1Device *device;
	d1_event *e;				/* NULL once closed */
} D1Event;

extern PyTypeObject D1Device_Type, D1Buffer_Type, D1Program_Type,
	D1Kernel_Type, D1Stream_Type, D1Event_Type, D1Launch_Type;
extern PyTypeObject *D1DeviceInfo_Type, *D1ArgInfo_Type, *D1ErrorInfo_Type;

/* module.c: errors.  All return NULL with the exception set. */
PyObject *d1py_error(d1_status st, const char *message);
PyObject *d1py_error_info(d1_status st, const struct d1_error_info *info);
PyObject *d1py_build_error(d1_program *prog);
/* The program's build log as str ("" if none). */
PyObject *d1py_build_log(d1_program *prog);
PyObject *d1py_errorf(d1_status st, const char *fmt, ...);
PyObject *d1py_error_info_tuple(const struct d1_error_info *info);
/* Seconds (None: no limit) to a libd1 timeout in ns; -1 on error. */
int d1py_timeout(PyObject *obj, uint64_t *ns);

/* device.c */
int d1py_device_check(D1Device *d);	/* -1 (raised) if closed */
void d1py_link_add(D1Device *d, struct d1py_link *l, PyObject *self,
		   enum d1py_kind kind, void (*release)(PyObject *));
void d1py_link_del(struct d1py_link *l);

/* buffer.c */
int d1py_buffer_check(D1Buffer *b);
PyObject *d1py_buffer_new(D1Device *d, PyObject *args, PyObject *kw);
PyObject *d1py_buffer_from(D1Device *d, PyObject *args, PyObject *kw);
/* A C-contiguous view of @obj with its format; @writable for targets. */
int d1py_get_view(PyObject *obj, Py_buffer *view, int writable);
/* Checks @view against what @b holds; -1 (raised) on a mismatch. */
int d1py_view_fits(D1Buffer *b, const Py_buffer *view, uint64_t offset,
		   int offset_given);
/* A new NumPy array shaped like @b's contents. */
PyObject *d1py_buffer_empty_like(D1Buffer *b);

/* stream.c */
int d1py_stream_check(D1Stream *s);
PyObject *d1py_stream_new(D1Device *d, int queue);
PyObject *d1py_event_new(D1Device *d);
/* After libd1 wrote the pending device-to-host copies: drop the views. */
void d1py_stream_release_targets(D1Stream *s);
PyObject *d1py_launch(D1Stream *s, D1Kernel *k, PyObject *args,
		      PyObject *kwargs);

/*
 * program.c: kernel arguments, converted and checked with the GIL held
 * (prepare), set in libd1 without it (apply, under the kernel's lock),
 * then remembered (bind: the kernel keeps its buffers alive).
 */
struct d1py_arg {
	unsigned int kind;		/* enum d1_arg_kind */
	D1Buffer *buf;			/* buffer (borrowed from the values) */
	uint64_t off;
	Py_buffer view;			/* struct, raw */
	int has_view;
	uint8_t bytes[8];		/* int, float, SRAM pointer */
	size_t size;
};

struct d1py_arg *d1py_args_prepare(D1Kernel *k, PyObject *values,
				   D1Device *dev, unsigned int *count);
d1_status d1py_args_apply(D1Kernel *k, const struct d1py_arg *a,
			  unsigned int n);
void d1py_args_bind(D1Kernel *k, const struct d1py_arg *a, unsigned int n);
void d1py_args_free(struct d1py_arg *a, unsigned int n);

#endif /* D1PY_H */
