// SPDX-License-Identifier: MIT
/*
 * d1.Buffer: device memory (d1_buffer) and the copies between it and host
 * arrays.  Host arrays are anything with the buffer protocol (NumPy
 * arrays, bytes, bytearray, array.array, memoryview), C-contiguous.
 *
 * A buffer remembers what it holds: the element format (PEP 3118, as the
 * buffer protocol reports it) and shape of the array it was made from or
 * for.  Whole-buffer copies must then match both; a copy at an explicit
 * offset must match the element type, be aligned to it and fit.  A buffer
 * made from a byte count holds untyped bytes and takes any array that
 * fits.
 */
#include "d1py.h"

int d1py_buffer_check(D1Buffer *b)
{
	if (b->buf)
		return 0;
	d1py_error(D1_ERROR_INVALID_STATE, "the buffer is closed");
	return -1;
}

int d1py_get_view(PyObject *obj, Py_buffer *view, int writable)
{
	int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT |
		    (writable ? PyBUF_WRITABLE : 0);

	if (!PyObject_CheckBuffer(obj)) {
		PyErr_Format(PyExc_TypeError,
			     "expected an array (NumPy array, bytes, bytearray, memoryview), not %.100s",
			     Py_TYPE(obj)->tp_name);
		return -1;
	}
	if (!PyObject_GetBuffer(obj, view, flags))
		return 0;
	PyErr_Clear();
	d1py_error(D1_ERROR_INVALID_VALUE,
		   writable ? "the target must be a writable, C-contiguous array" :
			      "the array must be C-contiguous (numpy.ascontiguousarray)");
	return -1;
}

/*
 * The (kind, size) of a one-element PEP 3118 format in native (little
 * endian) order, so 'l' and 'q' (both int64 here) compare equal; 0 if
 * @f is anything else (compared as text then).
 */
static int fmt_key(const char *f, char *kind, Py_ssize_t *size)
{
	static const struct { const char *f; char kind; Py_ssize_t size; } t[] = {
		{ "?", 'b', 1 }, { "b", 'i', 1 }, { "B", 'u', 1 },
		{ "c", 'u', 1 }, { "h", 'i', 2 }, { "H", 'u', 2 },
		{ "i", 'i', 4 }, { "I", 'u', 4 }, { "l", 'i', sizeof(long) },
		{ "L", 'u', sizeof(long) }, { "q", 'i', 8 }, { "Q", 'u', 8 },
		{ "n", 'i', sizeof(Py_ssize_t) }, { "N", 'u', sizeof(size_t) },
		{ "e", 'f', 2 }, { "f", 'f', 4 }, { "d", 'f', 8 },
		{ "Zf", 'c', 8 }, { "Zd", 'c', 16 },
	};
	size_t i;

	if (*f == '@' || *f == '=' || *f == '<')
		f++;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(f, t[i].f)) {
			*kind = t[i].kind;
			*size = t[i].size;
			return 1;
		}
	return 0;
}

static int same_format(const char *a, const char *b)
{
	char ka, kb;
	Py_ssize_t sa, sb;

	if (fmt_key(a, &ka, &sa) && fmt_key(b, &kb, &sb))
		return ka == kb && sa == sb;
	return !strcmp(a, b);
}

static PyObject *view_shape(const Py_buffer *v)
{
	PyObject *t = PyTuple_New(v->ndim);
	int i;

	for (i = 0; t && i < v->ndim; i++)
		PyTuple_SET_ITEM(t, i, PyLong_FromSsize_t(v->shape[i]));
	return t;
}

int d1py_view_fits(D1Buffer *b, const Py_buffer *v, uint64_t offset,
		   int offset_given)
{
	const char *vf = v->format ? v->format : "B";
	PyObject *shape;
	int same;

	if (b->format[0] && !same_format(vf, b->format)) {
		d1py_errorf(D1_ERROR_INVALID_VALUE,
			    "the array holds '%s' elements, the buffer '%s'",
			    vf, b->format);
		return -1;
	}
	if (offset > b->nbytes || (uint64_t)v->len > b->nbytes - offset) {
		d1py_errorf(D1_ERROR_INVALID_VALUE,
			    "%zd bytes at offset %llu do not fit the buffer's %llu",
			    v->len, (unsigned long long)offset,
			    (unsigned long long)b->nbytes);
		return -1;
	}
	if (!b->format[0])
		return 0;
	if (offset_given) {
		if (offset % (uint64_t)b->itemsize) {
			d1py_errorf(D1_ERROR_INVALID_VALUE,
				    "offset %llu is not a multiple of the element size %zd",
				    (unsigned long long)offset, b->itemsize);
			return -1;
		}
		return 0;
	}
	shape = view_shape(v);
	if (!shape)
		return -1;
	same = PyObject_RichCompareBool(shape, b->shape, Py_EQ);
	if (same == 0) {
		PyObject *msg = PyUnicode_FromFormat(
			"the array's shape %R is not the buffer's %R", shape,
			b->shape);

		if (msg) {
			d1py_error(D1_ERROR_INVALID_VALUE, PyUnicode_AsUTF8(msg));
			Py_DECREF(msg);
		}
	}
	Py_DECREF(shape);
	return same > 0 ? 0 : -1;
}

static void buffer_release(PyObject *self)
{
	D1Buffer *b = (D1Buffer *)self;
	d1_buffer *buf = b->buf;

	d1py_link_del(&b->link);
	b->buf = NULL;
	if (buf) {
		/* Unbinding waits for the handle's submitted work. */
		Py_BEGIN_ALLOW_THREADS
		d1_buffer_destroy(buf);
		Py_END_ALLOW_THREADS
	}
}

static void buffer_dealloc(D1Buffer *self)
{
	buffer_release((PyObject *)self);
	Py_XDECREF(self->shape);
	Py_XDECREF(self->dtype);
	Py_XDECREF(self->device);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A zeroed buffer of @nbytes on @d; the caller sets what it holds. */
static D1Buffer *buffer_alloc(D1Device *d, uint64_t nbytes, unsigned int mem,
			      int read_only)
{
	D1Buffer *b;
	d1_buffer *buf = NULL;
	d1_status st;

	if (mem != D1_MEM_HOST && mem != D1_MEM_HBM) {
		d1py_error(D1_ERROR_INVALID_VALUE, "mem must be MEM_HOST or MEM_HBM");
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	st = d1_buffer_create(d->dev, nbytes ? nbytes : 1, mem,
			      read_only ? D1_BUFFER_READ_ONLY : 0, &buf);
	Py_END_ALLOW_THREADS
	if (st) {
		d1py_errorf(st, "%llu bytes of %s: %s", (unsigned long long)nbytes,
			    mem == D1_MEM_HBM ? "HBM" : "host memory",
			    d1_status_string(st));
		return NULL;
	}
	b = PyObject_New(D1Buffer, &D1Buffer_Type);
	if (!b) {
		d1_buffer_destroy(buf);
		return NULL;
	}
	b->buf = buf;
	b->mem = mem;
	b->nbytes = nbytes;
	b->format[0] = '\0';
	b->itemsize = 1;
	b->shape = NULL;
	b->dtype = NULL;
	Py_INCREF(d);
	b->device = d;
	d1py_link_add(d, &b->link, (PyObject *)b, D1PY_BUFFER, buffer_release);
	return b;
}

/* Records that @b holds arrays like @v (of object @obj). */
static int buffer_set_type(D1Buffer *b, const Py_buffer *v, PyObject *obj)
{
	const char *f = v->format ? v->format : "B";

	if (strlen(f) >= sizeof(b->format)) {
		d1py_errorf(D1_ERROR_INVALID_VALUE,
			    "element format '%.40s' is too long", f);
		return -1;
	}
	strcpy(b->format, f);
	b->itemsize = v->itemsize;
	b->shape = view_shape(v);
	if (!b->shape)
		return -1;
	b->dtype = PyObject_GetAttrString(obj, "dtype");
	if (!b->dtype)
		PyErr_Clear();
	return 0;
}

static int parse_mem(PyObject *kw_mem, unsigned int *mem)
{
	long v;

	if (!kw_mem) {
		*mem = D1_MEM_HBM;
		return 0;
	}
	v = PyLong_AsLong(kw_mem);
	if (v == -1 && PyErr_Occurred())
		return -1;
	*mem = (unsigned int)v;
	return 0;
}

/* numpy.empty(shape, dtype) */
static PyObject *numpy_empty(PyObject *shape, PyObject *dtype)
{
	PyObject *np = PyImport_ImportModule("numpy"), *a;

	if (!np)
		return NULL;
	a = PyObject_CallMethod(np, "empty", "OO", shape, dtype);
	Py_DECREF(np);
	return a;
}

PyObject *d1py_buffer_new(D1Device *d, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "nbytes", "shape", "dtype", "like", "mem",
				  "read_only", NULL };
	PyObject *nbytes = Py_None, *shape = Py_None, *dtype = Py_None;
	PyObject *like = Py_None, *memo = NULL, *tmp = NULL;
	unsigned long long n = 0;
	int read_only = 0;
	unsigned int mem;
	Py_buffer v;
	D1Buffer *b;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O$OOOOp:buffer", kwlist,
					 &nbytes, &shape, &dtype, &like, &memo,
					 &read_only) ||
	    parse_mem(memo, &mem))
		return NULL;
	if ((nbytes != Py_None) + (shape != Py_None) + (like != Py_None) != 1 ||
	    (dtype != Py_None && shape == Py_None))
		return d1py_error(D1_ERROR_INVALID_VALUE,
				  "give nbytes, or shape (and dtype), or like");
	if (nbytes != Py_None) {
		n = PyLong_AsUnsignedLongLong(nbytes);
		if (n == (unsigned long long)-1 && PyErr_Occurred())
			return NULL;
		if (!n)
			return d1py_error(D1_ERROR_INVALID_VALUE,
					  "nbytes must be > 0");
		return (PyObject *)buffer_alloc(d, n, mem, read_only);
	}
	if (shape != Py_None) {
		tmp = numpy_empty(shape, dtype == Py_None ? (PyObject *)&PyFloat_Type : dtype);
		if (!tmp)
			return NULL;
		like = tmp;
	}
	if (d1py_get_view(like, &v, 0)) {
		Py_XDECREF(tmp);
		return NULL;
	}
	b = buffer_alloc(d, (uint64_t)v.len, mem, read_only);
	if (b && buffer_set_type(b, &v, like))
		Py_CLEAR(b);
	PyBuffer_Release(&v);
	Py_XDECREF(tmp);
	return (PyObject *)b;
}

/* A synchronous host-to-device copy of @v into @b at @offset. */
static int copy_in(D1Buffer *b, const Py_buffer *v, uint64_t offset)
{
	d1_status st = D1_SUCCESS;

	if (!v->len)
		return 0;
	Py_BEGIN_ALLOW_THREADS
	st = d1_memcpy_htod(b->buf, offset, v->buf, (size_t)v->len);
	Py_END_ALLOW_THREADS
	if (st) {
		d1py_error(st, NULL);
		return -1;
	}
	return 0;
}

PyObject *d1py_buffer_from(D1Device *d, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "array", "mem", "read_only", NULL };
	PyObject *obj, *memo = NULL;
	int read_only = 0;
	unsigned int mem;
	Py_buffer v;
	D1Buffer *b;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$Op:buffer_from", kwlist,
					 &obj, &memo, &read_only) ||
	    parse_mem(memo, &mem) || d1py_get_view(obj, &v, 0))
		return NULL;
	b = buffer_alloc(d, (uint64_t)v.len, mem, read_only);
	if (b && (buffer_set_type(b, &v, obj) || copy_in(b, &v, 0)))
		Py_CLEAR(b);
	PyBuffer_Release(&v);
	return (PyObject *)b;
}

PyObject *d1py_buffer_empty_like(D1Buffer *b)
{
	PyObject *np, *dt, *a, *shape;

	if (b->dtype)
		return numpy_empty(b->shape, b->dtype);
	np = PyImport_ImportModule("numpy");
	if (!np)
		return NULL;
	if (b->format[0]) {
		dt = PyObject_CallMethod(np, "dtype", "s", b->format);
		shape = b->shape;
		Py_INCREF(shape);
	} else {
		dt = PyObject_GetAttrString(np, "uint8");
		shape = Py_BuildValue("(K)", (unsigned long long)b->nbytes);
	}
	a = dt && shape ? PyObject_CallMethod(np, "empty", "OO", shape, dt) : NULL;
	Py_XDECREF(dt);
	Py_XDECREF(shape);
	Py_DECREF(np);
	return a;
}

/* An offset argument: None (0, whole-buffer rules) or bytes >= 0. */
static int parse_offset(PyObject *o, uint64_t *off, int *given)
{
	*given = o && o != Py_None;
	*off = 0;
	if (!*given)
		return 0;
	*off = PyLong_AsUnsignedLongLong(o);
	if (*off == (uint64_t)-1 && PyErr_Occurred()) {
		PyErr_Clear();
		d1py_error(D1_ERROR_INVALID_VALUE, "offset must be an int >= 0");
		return -1;
	}
	return 0;
}

static D1Stream *parse_stream(D1Buffer *b, PyObject *o)
{
	D1Stream *s;

	if (!o || o == Py_None)
		return NULL;
	if (!PyObject_TypeCheck(o, &D1Stream_Type)) {
		PyErr_SetString(PyExc_TypeError, "stream must be a d1.Stream");
		return (D1Stream *)Py_None;
	}
	s = (D1Stream *)o;
	if (d1py_stream_check(s))
		return (D1Stream *)Py_None;
	if (s->device != b->device) {
		d1py_error(D1_ERROR_INVALID_VALUE,
			   "the stream belongs to another device");
		return (D1Stream *)Py_None;
	}
	return s;
}

static PyObject *buffer_copy_from_host(D1Buffer *self, PyObject *args,
				       PyObject *kw)
{
	static char *kwlist[] = { "array", "offset", "stream", NULL };
	PyObject *obj, *offo = NULL, *so = NULL;
	D1Stream *s;
	uint64_t off;
	int given;
	d1_status st = D1_SUCCESS;
	Py_buffer v;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$OO:copy_from_host", kwlist,
					 &obj, &offo, &so) ||
	    d1py_buffer_check(self) || parse_offset(offo, &off, &given))
		return NULL;
	s = parse_stream(self, so);
	if (s == (D1Stream *)Py_None || d1py_get_view(obj, &v, 0))
		return NULL;
	if (d1py_view_fits(self, &v, off, given))
		goto fail;
	if (!s) {
		if (copy_in(self, &v, off))
			goto fail;
	} else if (v.len) {
		/* libd1 copies the source into staging at once. */
		D1PY_BLOCKING(s->lock, st = d1_memcpy_htod_async(s->s, self->buf, off,
								  v.buf, (size_t)v.len));
		if (st) {
			d1py_error(st, NULL);
			goto fail;
		}
	}
	PyBuffer_Release(&v);
	Py_RETURN_NONE;
fail:
	PyBuffer_Release(&v);
	return NULL;
}

static PyObject *buffer_copy_to_host(D1Buffer *self, PyObject *args,
				     PyObject *kw)
{
	static char *kwlist[] = { "out", "offset", "stream", NULL };
	PyObject *out = Py_None, *offo = NULL, *so = NULL, *mv = NULL;
	const Py_buffer *v;
	D1Stream *s;
	uint64_t off;
	int given;
	d1_status st = D1_SUCCESS;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|O$OO:copy_to_host", kwlist,
					 &out, &offo, &so) ||
	    d1py_buffer_check(self) || parse_offset(offo, &off, &given))
		return NULL;
	s = parse_stream(self, so);
	if (s == (D1Stream *)Py_None)
		return NULL;
	if (out == Py_None) {
		out = d1py_buffer_empty_like(self);
		if (!out)
			return NULL;
	} else {
		Py_INCREF(out);
	}
	/* A memoryview keeps the target exported until libd1 wrote it. */
	if (!PyObject_CheckBuffer(out)) {
		PyErr_Format(PyExc_TypeError, "out must be an array, not %.100s",
			     Py_TYPE(out)->tp_name);
		goto fail;
	}
	mv = PyMemoryView_FromObject(out);
	if (!mv)
		goto fail;
	v = PyMemoryView_GET_BUFFER(mv);
	if (v->readonly || !PyBuffer_IsContiguous(v, 'C')) {
		d1py_error(D1_ERROR_INVALID_VALUE,
			   "out must be a writable, C-contiguous array");
		goto fail;
	}
	if (d1py_view_fits(self, v, off, given))
		goto fail;
	if (v->len && !s) {
		Py_BEGIN_ALLOW_THREADS
		st = d1_memcpy_dtoh(v->buf, self->buf, off, (size_t)v->len);
		Py_END_ALLOW_THREADS
	} else if (v->len) {
		/* Kept before libd1 may write it, dropped if it never will. */
		if (PyList_Append(s->targets, mv))
			goto fail;
		D1PY_BLOCKING(s->lock, st = d1_memcpy_dtoh_async(s->s, v->buf, self->buf,
								  off, (size_t)v->len));
		if (st)
			PySequence_DelItem(s->targets, PyList_GET_SIZE(s->targets) - 1);
	}
	if (st) {
		d1py_error(st, NULL);
		goto fail;
	}
	Py_DECREF(mv);
	return out;
fail:
	Py_XDECREF(mv);
	Py_DECREF(out);
	return NULL;
}

static PyObject *buffer_copy_from(D1Buffer *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "src", "nbytes", "offset", "src_offset",
				  "stream", NULL };
	unsigned long long n = 0, off = 0, soff = 0;
	PyObject *so = NULL;
	D1Buffer *src;
	D1Stream *s;
	d1_status st;
	int peer;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O!|$KKKO:copy_from", kwlist,
					 &D1Buffer_Type, &src, &n, &off, &soff,
					 &so) ||
	    d1py_buffer_check(self) || d1py_buffer_check(src))
		return NULL;
	/* From another card: a peer copy over that card's link. */
	peer = src->device != self->device;
	if (!n)
		n = src->nbytes > soff ? src->nbytes - soff : 0;
	if (!n || soff > src->nbytes || n > src->nbytes - soff ||
	    off > self->nbytes || n > self->nbytes - off)
		return d1py_errorf(D1_ERROR_INVALID_VALUE,
				   "%llu bytes from offset %llu to offset %llu do not fit",
				   n, soff, off);
	s = parse_stream(src, so);
	if (s == (D1Stream *)Py_None)
		return NULL;
	if (s && peer)
		D1PY_BLOCKING(s->lock, st = d1_memcpy_peer_async(s->s, self->buf, off,
								  src->buf, soff, n));
	else if (s)
		D1PY_BLOCKING(s->lock, st = d1_memcpy_dtod_async(s->s, self->buf, off,
								  src->buf, soff, n));
	else if (peer)
		D1PY_BLOCKING(NULL, st = d1_memcpy_peer(self->buf, off, src->buf,
							 soff, n));
	else
		D1PY_BLOCKING(NULL, st = d1_memcpy_dtod(self->buf, off, src->buf,
							 soff, n));
	if (st)
		return d1py_error(st, NULL);
	Py_RETURN_NONE;
}

static PyObject *buffer_numpy(D1Buffer *self, PyObject *unused)
{
	PyObject *args = PyTuple_New(0), *r;

	(void)unused;
	if (!args)
		return NULL;
	r = buffer_copy_to_host(self, args, NULL);
	Py_DECREF(args);
	return r;
}

static PyObject *buffer_close(D1Buffer *self, PyObject *unused)
{
	(void)unused;
	buffer_release((PyObject *)self);
	Py_RETURN_NONE;
}

static PyObject *buffer_enter(D1Buffer *self, PyObject *unused)
{
	(void)unused;
	if (d1py_buffer_check(self))
		return NULL;
	Py_INCREF(self);
	return (PyObject *)self;
}

static PyObject *buffer_exit(D1Buffer *self, PyObject *args)
{
	(void)args;
	buffer_release((PyObject *)self);
	Py_RETURN_FALSE;
}

static PyObject *buffer_address(D1Buffer *self, void *closure)
{
	uint64_t a;
	d1_status st;

	(void)closure;
	if (d1py_buffer_check(self))
		return NULL;
	st = d1_buffer_device_address(self->buf, &a);
	if (st)
		return d1py_error(st, NULL);
	return PyLong_FromUnsignedLongLong(a);
}

static PyObject *buffer_nbytes(D1Buffer *self, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLongLong(self->nbytes);
}

static PyObject *buffer_mem(D1Buffer *self, void *closure)
{
	(void)closure;
	return PyLong_FromUnsignedLong(self->mem);
}

static PyObject *buffer_shape(D1Buffer *self, void *closure)
{
	(void)closure;
	if (!self->shape)
		Py_RETURN_NONE;
	Py_INCREF(self->shape);
	return self->shape;
}

static PyObject *buffer_format(D1Buffer *self, void *closure)
{
	(void)closure;
	if (!self->format[0])
		Py_RETURN_NONE;
	return PyUnicode_FromString(self->format);
}

static PyObject *buffer_dtype(D1Buffer *self, void *closure)
{
	(void)closure;
	if (!self->dtype)
		Py_RETURN_NONE;
	Py_INCREF(self->dtype);
	return self->dtype;
}

static PyObject *buffer_closed(D1Buffer *self, void *closure)
{
	(void)closure;
	return PyBool_FromLong(!self->buf);
}

static PyObject *buffer_repr(D1Buffer *self)
{
	if (!self->buf)
		return PyUnicode_FromString("<d1.Buffer closed>");
	if (!self->format[0])
		return PyUnicode_FromFormat("<d1.Buffer %llu bytes of %s>",
					    (unsigned long long)self->nbytes,
					    self->mem == D1_MEM_HBM ? "HBM" : "host memory");
	return PyUnicode_FromFormat("<d1.Buffer '%s' %R in %s>", self->format,
				    self->shape,
				    self->mem == D1_MEM_HBM ? "HBM" : "host memory");
}

static PyMethodDef buffer_methods[] = {
	{ "copy_from_host", (PyCFunction)(void (*)(void))buffer_copy_from_host,
	  METH_VARARGS | METH_KEYWORDS,
	  "copy_from_host(array, *, offset=None, stream=None)\n\n"
	  "Copy a host array in (at once, or enqueued on stream; the array "
	  "may be reused on return)." },
	{ "copy_to_host", (PyCFunction)(void (*)(void))buffer_copy_to_host,
	  METH_VARARGS | METH_KEYWORDS,
	  "copy_to_host(out=None, *, offset=None, stream=None) -> array\n\n"
	  "Copy into out (a new NumPy array if None) and return it; with "
	  "stream, out is written when the stream is synchronised." },
	{ "copy_from", (PyCFunction)(void (*)(void))buffer_copy_from,
	  METH_VARARGS | METH_KEYWORDS,
	  "copy_from(src, *, nbytes=0, offset=0, src_offset=0, stream=None)\n\n"
	  "Device-to-device copy (nbytes 0: the rest of src).  A src on "
	  "another card is copied over that card's link into this HBM "
	  "buffer (d1_memcpy_peer); stream is then one of src's device." },
	{ "numpy", (PyCFunction)buffer_numpy, METH_NOARGS,
	  "numpy() -> numpy.ndarray\n\nA copy of the contents." },
	{ "close", (PyCFunction)buffer_close, METH_NOARGS,
	  "close()\n\nFree the memory (after the device's submitted work)." },
	{ "__enter__", (PyCFunction)buffer_enter, METH_NOARGS, NULL },
	{ "__exit__", (PyCFunction)buffer_exit, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef buffer_getset[] = {
	{ "device_address", (getter)buffer_address, NULL,
	  "what a kernel's d1_devptr parameter receives", NULL },
	{ "nbytes", (getter)buffer_nbytes, NULL, "bytes it holds", NULL },
	{ "mem", (getter)buffer_mem, NULL, "MEM_HOST or MEM_HBM", NULL },
	{ "shape", (getter)buffer_shape, NULL,
	  "shape of the array it holds (None: untyped bytes)", NULL },
	{ "format", (getter)buffer_format, NULL,
	  "PEP 3118 element format (None: untyped bytes)", NULL },
	{ "dtype", (getter)buffer_dtype, NULL,
	  "NumPy dtype of the array it was made from, if any", NULL },
	{ "closed", (getter)buffer_closed, NULL, "True once closed", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject D1Buffer_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "d1.Buffer",
	.tp_basicsize = sizeof(D1Buffer),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Device memory; made by Device.buffer() and "
		  "Device.buffer_from().",
	.tp_dealloc = (destructor)buffer_dealloc,
	.tp_repr = (reprfunc)buffer_repr,
	.tp_methods = buffer_methods,
	.tp_getset = buffer_getset,
};
