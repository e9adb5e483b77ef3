// SPDX-License-Identifier: MIT
/*
 * d1.Program (d1_program: from source text, a file or an ELF image, built
 * with clang through libd1's cache) and d1.Kernel (d1_kernel: one
 * D1_KERNEL() of a program with typed arguments).
 *
 * Kernel arguments are checked against the declared parameter before
 * libd1 sees them: integers by range for the parameter's size and
 * signedness, floats, d1.Buffer (or (Buffer, offset)) for d1_devptr,
 * bytes of exactly the size for a struct, up to 4096 bytes for the block
 * of a d1_main program.  A mismatch raises d1.ArgumentError (a TypeError).
 */
#include <string.h>

#include "d1py.h"

static const char *const kind_names[] = {
	"?", "int", "float", "buffer", "sram_ptr", "struct", "raw",
};

static const char *const cache_names[] = {
	"none", "hit", "miss", "rebuilt", "disabled",
};

PyStructSequence_Field arg_info_fields[] = {
	{ "name", "the parameter's name" },
	{ "type", "its type as written in the source" },
	{ "kind", "int, float, buffer, sram_ptr, struct or raw" },
	{ "size", "bytes" },
	{ "offset", "offset in the argument block" },
	{ NULL, NULL },
};

PyStructSequence_Desc d1py_arg_info_desc = {
	"d1.ArgInfo", "A kernel parameter (struct d1_kernel_arg_info).",
	arg_info_fields, 5,
};

/* ---- programs ---------------------------------------------------------- */

static D1Program *program_wrap(PyTypeObject *type, d1_program *p)
{
	D1Program *self = (D1Program *)type->tp_alloc(type, 0);

	if (!self) {
		d1_program_destroy(p);
		return NULL;
	}
	self->prog = p;
	self->lock = PyThread_allocate_lock();
	if (!self->lock) {
		Py_DECREF(self);
		PyErr_NoMemory();
		return NULL;
	}
	return self;
}

static PyObject *program_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "source", "name", NULL };
	const char *src, *name = NULL;
	Py_ssize_t len;
	d1_program *p = NULL;
	d1_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "s#|z:Program", kwlist, &src,
					 &len, &name))
		return NULL;
	if (!len)
		return d1py_error(D1_ERROR_INVALID_VALUE, "the source is empty");
	st = d1_program_create_from_source(src, (size_t)len, name, &p);
	if (st)
		return d1py_errorf(st, "%s%s%s", name ? name : "", name ? ": " : "",
				   st == D1_ERROR_INVALID_VALUE ?
				   "the source contains NUL or the name is not a plain file name" :
				   d1_status_string(st));
	return (PyObject *)program_wrap(type, p);
}

static PyObject *program_from_file(PyTypeObject *type, PyObject *arg)
{
	PyObject *bytes;
	d1_program *p = NULL;
	const char *path;
	d1_status st;

	if (!PyUnicode_FSConverter(arg, &bytes))
		return NULL;
	path = PyBytes_AS_STRING(bytes);
	Py_BEGIN_ALLOW_THREADS
	st = d1_program_create_from_file(path, &p);
	Py_END_ALLOW_THREADS
	if (st) {
		d1py_errorf(st, "%s: %s", path, d1_status_string(st));
		Py_DECREF(bytes);
		return NULL;
	}
	Py_DECREF(bytes);
	return (PyObject *)program_wrap(type, p);
}

static PyObject *program_from_elf(PyTypeObject *type, PyObject *arg)
{
	d1_program *p = NULL;
	d1_status st;
	Py_buffer v;

	if (PyObject_GetBuffer(arg, &v, PyBUF_SIMPLE))
		return NULL;
	st = d1_program_create_from_elf(v.buf, (size_t)v.len, &p);
	PyBuffer_Release(&v);
	if (st)
		return d1py_errorf(st, "not a D1 executable image: %s",
				   d1_status_string(st));
	return (PyObject *)program_wrap(type, p);
}

static void program_dealloc(D1Program *self)
{
	if (self->prog)
		d1_program_destroy(self->prog);
	if (self->lock)
		PyThread_free_lock(self->lock);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A sequence of str into a NULL-padded array of UTF-8 pointers. */
static int str_list(PyObject *seq, const char ***out, unsigned int *n,
		    PyObject **keep, const char *what)
{
	Py_ssize_t i, len;

	*out = NULL;
	*n = 0;
	*keep = NULL;
	if (!seq || seq == Py_None)
		return 0;
	if (PyUnicode_Check(seq)) {
		PyErr_Format(PyExc_TypeError, "%s: a sequence of str, not a str",
			     what);
		return -1;
	}
	*keep = PySequence_Fast(seq, what);
	if (!*keep)
		return -1;
	len = PySequence_Fast_GET_SIZE(*keep);
	*out = PyMem_Calloc((size_t)len + 1, sizeof(char *));
	if (!*out)
		return PyErr_NoMemory(), -1;
	for (i = 0; i < len; i++) {
		PyObject *o = PySequence_Fast_GET_ITEM(*keep, i);

		(*out)[i] = PyUnicode_Check(o) ? PyUnicode_AsUTF8(o) : NULL;
		if (!(*out)[i]) {
			PyErr_Format(PyExc_TypeError, "%s: expected str items",
				     what);
			return -1;
		}
	}
	*n = (unsigned int)len;
	return 0;
}

static int parse_opt(PyObject *o, unsigned int *level)
{
	long v;

	if (!o || o == Py_None) {
		*level = D1_OPT_DEFAULT;
		return 0;
	}
	if (PyUnicode_Check(o) && !PyUnicode_CompareWithASCIIString(o, "s")) {
		*level = D1_OPT_OS;
		return 0;
	}
	v = PyLong_Check(o) ? PyLong_AsLong(o) : -1;
	if (v < 0 || v > 3) {
		PyErr_Clear();
		d1py_error(D1_ERROR_INVALID_VALUE, "opt must be 0..3, 's' or None");
		return -1;
	}
	*level = D1_OPT_O0 + (unsigned int)v;
	return 0;
}

static PyObject *program_build(D1Program *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "defines", "include_dirs", "opt", "debug",
				  "werror", "cache", NULL };
	PyObject *defs = NULL, *incs = NULL, *opt = NULL, *kd = NULL, *ki = NULL;
	int debug = 0, werror = 0, cache = 1;
	struct d1_build_options o;
	const char **dv = NULL, **iv = NULL;
	d1_status st;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "|$OOOppp:build", kwlist,
					 &defs, &incs, &opt, &debug, &werror,
					 &cache))
		return NULL;
	memset(&o, 0, sizeof(o));
	if (str_list(defs, &dv, &o.num_defines, &kd, "defines") ||
	    str_list(incs, &iv, &o.num_include_dirs, &ki, "include_dirs") ||
	    parse_opt(opt, &o.opt_level))
		goto fail;
	o.defines = dv;
	o.include_dirs = iv;
	o.flags = (debug ? D1_BUILD_DEBUG : 0) | (werror ? D1_BUILD_WERROR : 0) |
		  (cache ? 0 : D1_BUILD_NO_CACHE);
	D1PY_BLOCKING(self->lock, st = d1_program_build(self->prog, &o));
	if (st == D1_ERROR_BUILD) {
		d1py_build_error(self->prog);
		goto fail;
	}
	if (st) {
		d1py_error(st, st == D1_ERROR_INVALID_VALUE ?
			   "bad build options (a define that is no identifier?)" :
			   st == D1_ERROR_INVALID_STATE ?
			   "a program from an image is already built" : NULL);
		goto fail;
	}
	PyMem_Free(dv);
	PyMem_Free(iv);
	Py_XDECREF(kd);
	Py_XDECREF(ki);
	Py_INCREF(self);
	return (PyObject *)self;
fail:
	PyMem_Free(dv);
	PyMem_Free(iv);
	Py_XDECREF(kd);
	Py_XDECREF(ki);
	return NULL;
}

static int program_info(D1Program *self, struct d1_program_info *info)
{
	d1_status st = d1_program_info(self->prog, info);

	if (st) {
		d1py_error(st, NULL);
		return -1;
	}
	return 0;
}

static PyObject *program_log(D1Program *self, void *closure)
{
	(void)closure;
	return d1py_build_log(self->prog);
}

static PyObject *program_kernels(D1Program *self, void *closure)
{
	struct d1_program_info info;
	PyObject *t;
	unsigned int i;

	(void)closure;
	if (program_info(self, &info))
		return NULL;
	t = PyTuple_New(info.num_kernels);
	for (i = 0; t && i < info.num_kernels; i++) {
		const char *name = "";

		d1_program_kernel_name(self->prog, i, &name);
		PyTuple_SET_ITEM(t, i, PyUnicode_FromString(name));
	}
	return t;
}

static PyObject *program_built(D1Program *self, void *closure)
{
	struct d1_program_info info;

	(void)closure;
	if (program_info(self, &info))
		return NULL;
	return PyBool_FromLong(info.built);
}

static PyObject *program_cache(D1Program *self, void *closure)
{
	struct d1_program_info info;

	(void)closure;
	if (program_info(self, &info))
		return NULL;
	return PyUnicode_FromString(info.cache < 5 ? cache_names[info.cache] : "?");
}

static PyObject *program_cache_key(D1Program *self, void *closure)
{
	struct d1_program_info info;

	(void)closure;
	if (program_info(self, &info))
		return NULL;
	return PyUnicode_FromString(info.cache_key);
}

static PyObject *program_image(D1Program *self, void *closure)
{
	PyObject *b;
	size_t n = 0;
	d1_status st;

	(void)closure;
	st = d1_program_binary(self->prog, NULL, 0, &n);
	if (st)
		return d1py_error(st, st == D1_ERROR_INVALID_STATE ?
				  "the program is not built" : NULL);
	b = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)n);
	if (b)
		d1_program_binary(self->prog, PyBytes_AS_STRING(b), n, &n);
	return b;
}

static PyObject *kernel_create(PyTypeObject *type, D1Program *prog,
			       const char *name);

static PyObject *program_kernel(D1Program *self, PyObject *arg)
{
	const char *name = PyUnicode_Check(arg) ? PyUnicode_AsUTF8(arg) : NULL;

	if (!name) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError, "kernel name must be a str");
		return NULL;
	}
	return kernel_create(&D1Kernel_Type, self, name);
}

static PyObject *program_repr(D1Program *self)
{
	struct d1_program_info info;

	if (d1_program_info(self->prog, &info))
		return PyUnicode_FromString("<d1.Program>");
	return PyUnicode_FromFormat("<d1.Program %s, %u kernel(s)>",
				    info.built ? "built" : "not built",
				    info.num_kernels);
}

static PyMethodDef program_methods[] = {
	{ "from_file", (PyCFunction)program_from_file, METH_O | METH_CLASS,
	  "from_file(path) -> Program\n\n"
	  "C source (its directory searched for includes) or an ELF image." },
	{ "from_elf", (PyCFunction)program_from_elf, METH_O | METH_CLASS,
	  "from_elf(image) -> Program\n\nA built program from D1 ELF bytes." },
	{ "build", (PyCFunction)(void (*)(void))program_build,
	  METH_VARARGS | METH_KEYWORDS,
	  "build(*, defines=(), include_dirs=(), opt=None, debug=False, "
	  "werror=False, cache=True) -> self\n\n"
	  "Compile with clang (or take it from the cache); d1.BuildError "
	  "with .log on failure." },
	{ "kernel", (PyCFunction)program_kernel, METH_O,
	  "kernel(name) -> Kernel" },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef program_getset[] = {
	{ "log", (getter)program_log, NULL, "the last build's compiler output", NULL },
	{ "kernels", (getter)program_kernels, NULL, "kernel names", NULL },
	{ "built", (getter)program_built, NULL, "has an image", NULL },
	{ "cache", (getter)program_cache, NULL,
	  "where the last build came from: none, hit, miss, rebuilt, disabled", NULL },
	{ "cache_key", (getter)program_cache_key, NULL, "hex SHA-256 key", NULL },
	{ "image", (getter)program_image, NULL, "the ELF image (bytes)", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject D1Program_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "d1.Program",
	.tp_basicsize = sizeof(D1Program),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Program(source, name=None)\n\n"
		  "A D1 program from C source text (name: the file name in "
		  "diagnostics); Program.from_file(), Program.from_elf().",
	.tp_new = program_new,
	.tp_dealloc = (destructor)program_dealloc,
	.tp_repr = (reprfunc)program_repr,
	.tp_methods = program_methods,
	.tp_getset = program_getset,
};

/* ---- kernels ----------------------------------------------------------- */

static PyObject *arg_infos(d1_kernel *k)
{
	struct d1_kernel_arg_info ai;
	unsigned int n = 0, i;
	PyObject *t;

	d1_kernel_num_args(k, &n);
	t = PyTuple_New(n);
	for (i = 0; t && i < n; i++) {
		PyObject *a = PyStructSequence_New(D1ArgInfo_Type);

		if (!a || d1_kernel_arg_info(k, i, &ai)) {
			Py_XDECREF(a);
			Py_CLEAR(t);
			break;
		}
		PyStructSequence_SET_ITEM(a, 0, PyUnicode_FromString(ai.name));
		PyStructSequence_SET_ITEM(a, 1, PyUnicode_FromString(ai.type));
		PyStructSequence_SET_ITEM(a, 2, PyUnicode_FromString(
			ai.kind < 7 ? kind_names[ai.kind] : "?"));
		PyStructSequence_SET_ITEM(a, 3, PyLong_FromUnsignedLong(ai.size));
		PyStructSequence_SET_ITEM(a, 4, PyLong_FromUnsignedLong(ai.offset));
		PyTuple_SET_ITEM(t, i, a);
	}
	if (t && PyErr_Occurred())
		Py_CLEAR(t);
	return t;
}

static PyObject *kernel_create(PyTypeObject *type, D1Program *prog,
			       const char *name)
{
	D1Kernel *self;
	d1_kernel *k = NULL;
	d1_status st;

	D1PY_BLOCKING(prog->lock, st = d1_kernel_create(prog->prog, name, &k));
	if (st)
		return d1py_errorf(st, "kernel '%s': %s", name,
				   st == D1_ERROR_INVALID_STATE ?
				   "the program is not built" :
				   d1_status_string(st));
	self = (D1Kernel *)type->tp_alloc(type, 0);
	if (!self) {
		d1_kernel_destroy(k);
		return NULL;
	}
	self->k = k;
	self->lock = PyThread_allocate_lock();
	self->name = PyUnicode_FromString(name);
	self->args = arg_infos(k);
	self->bound = self->args ?
		      PyList_New(PyTuple_GET_SIZE(self->args)) : NULL;
	if (!self->lock || !self->name || !self->bound) {
		Py_DECREF(self);
		return PyErr_Occurred() ? NULL : PyErr_NoMemory();
	}
	return (PyObject *)self;
}

static PyObject *kernel_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "program", "name", NULL };
	D1Program *prog;
	const char *name;

	if (!PyArg_ParseTupleAndKeywords(args, kw, "O!s:Kernel", kwlist,
					 &D1Program_Type, &prog, &name))
		return NULL;
	return kernel_create(type, prog, name);
}

static void kernel_dealloc(D1Kernel *self)
{
	if (self->k)
		d1_kernel_destroy(self->k);
	if (self->lock)
		PyThread_free_lock(self->lock);
	Py_XDECREF(self->name);
	Py_XDECREF(self->args);
	Py_XDECREF(self->bound);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* "kernel k, argument 2 (n: uint32_t)" */
static PyObject *arg_error(D1Kernel *k, unsigned int i, const char *fmt,
			   PyObject *value)
{
	struct d1_kernel_arg_info ai;
	char what[256];

	d1_kernel_arg_info(k->k, i, &ai);
	snprintf(what, sizeof(what), fmt,
		 value ? Py_TYPE(value)->tp_name : "");
	return d1py_errorf(D1_ERROR_ARGUMENT,
			   "kernel %s, argument %u (%s: %s): %s",
			   PyUnicode_AsUTF8(k->name), i, ai.name, ai.type, what);
}

static int type_is_unsigned(const char *t)
{
	static const char *const u[] = {
		"uint", "unsigned", "size_t", "_Bool", "bool", "char",
	};
	size_t i;

	if (!strncmp(t, "const ", 6))
		t += 6;
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (!strncmp(t, u[i], strlen(u[i])))
			return 1;
	return 0;
}

/* An integer for a parameter of @size bytes, range-checked. */
static int int_arg(D1Kernel *k, unsigned int i, PyObject *v,
		   const struct d1_kernel_arg_info *ai, struct d1py_arg *a)
{
	PyObject *n;
	uint64_t bits;

	if (PyFloat_Check(v) || !PyIndex_Check(v)) {
		arg_error(k, i, "expects an integer, not %s", v);
		return -1;
	}
	n = PyNumber_Index(v);
	if (!n)
		return -1;
	if (type_is_unsigned(ai->type)) {
		unsigned long long x = PyLong_AsUnsignedLongLong(n);

		bits = x;
		if ((x == (unsigned long long)-1 && PyErr_Occurred()) ||
		    (ai->size < 8 && x >> (8 * ai->size)))
			goto range;
	} else {
		long long x = PyLong_AsLongLong(n);
		long long lim = ai->size < 8 ? 1ll << (8 * ai->size - 1) : 0;

		bits = (uint64_t)x;
		if ((x == -1 && PyErr_Occurred()) ||
		    (ai->size < 8 && (x < -lim || x >= lim)))
			goto range;
	}
	Py_DECREF(n);
	memcpy(a->bytes, &bits, sizeof(bits));	/* little endian */
	a->size = ai->size;
	return 0;
range:
	Py_DECREF(n);
	PyErr_Clear();
	arg_error(k, i, "out of range for the parameter's type%s", NULL);
	return -1;
}

static int float_arg(D1Kernel *k, unsigned int i, PyObject *v,
		     struct d1py_arg *a)
{
	PyNumberMethods *nm = Py_TYPE(v)->tp_as_number;
	double d;
	float f;

	/* int, float and what converts like them (NumPy scalars). */
	if (PyComplex_Check(v) ||
	    !(PyFloat_Check(v) || PyLong_Check(v) || (nm && nm->nb_float))) {
		arg_error(k, i, "expects a float, not %s", v);
		return -1;
	}
	d = PyFloat_AsDouble(v);
	if (d == -1.0 && PyErr_Occurred()) {
		PyErr_Clear();
		arg_error(k, i, "expects a float, not %s", v);
		return -1;
	}
	f = (float)d;
	memcpy(a->bytes, &f, sizeof(f));
	a->size = sizeof(f);
	return 0;
}

static int buffer_arg(D1Kernel *k, unsigned int i, PyObject *v,
		      D1Device *dev, struct d1py_arg *a)
{
	PyObject *b = v;
	unsigned long long off = 0;

	if (PyTuple_Check(v) && PyTuple_GET_SIZE(v) == 2) {
		b = PyTuple_GET_ITEM(v, 0);
		off = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(v, 1));
		if (off == (unsigned long long)-1 && PyErr_Occurred()) {
			PyErr_Clear();
			arg_error(k, i, "(buffer, offset) needs an int offset >= 0%s",
				  NULL);
			return -1;
		}
	}
	if (!PyObject_TypeCheck(b, &D1Buffer_Type)) {
		arg_error(k, i, "expects a d1.Buffer (or (Buffer, offset)), not %s", b);
		return -1;
	}
	a->buf = (D1Buffer *)b;
	if (d1py_buffer_check(a->buf))
		return -1;
	if (dev && a->buf->device != dev) {
		arg_error(k, i, "the buffer belongs to another device%s", NULL);
		return -1;
	}
	if (off > a->buf->nbytes) {
		arg_error(k, i, "offset beyond the buffer%s", NULL);
		return -1;
	}
	a->off = off;
	return 0;
}

static int bytes_arg(D1Kernel *k, unsigned int i, PyObject *v,
		     const struct d1_kernel_arg_info *ai, struct d1py_arg *a)
{
	if (!PyObject_CheckBuffer(v) || PyObject_GetBuffer(v, &a->view,
							   PyBUF_C_CONTIGUOUS)) {
		PyErr_Clear();
		arg_error(k, i, "expects bytes (a contiguous buffer), not %s", v);
		return -1;
	}
	a->has_view = 1;
	if (ai->kind == D1_ARG_RAW ? (size_t)a->view.len > 4096 :
	    (size_t)a->view.len != ai->size) {
		char msg[96];

		snprintf(msg, sizeof(msg), "expects %s%u bytes, %zd given%%s",
			 ai->kind == D1_ARG_RAW ? "at most " : "",
			 ai->kind == D1_ARG_RAW ? 4096 : ai->size, a->view.len);
		arg_error(k, i, msg, NULL);
		return -1;
	}
	return 0;
}

void d1py_args_free(struct d1py_arg *args, unsigned int n)
{
	unsigned int i;

	for (i = 0; args && i < n; i++)
		if (args[i].has_view)
			PyBuffer_Release(&args[i].view);
	PyMem_Free(args);
}

struct d1py_arg *d1py_args_prepare(D1Kernel *k, PyObject *values,
				   D1Device *dev, unsigned int *count)
{
	unsigned int n = (unsigned int)PyTuple_GET_SIZE(k->args), i;
	struct d1py_arg *a;

	if ((unsigned int)PyTuple_GET_SIZE(values) != n) {
		d1py_errorf(D1_ERROR_ARGUMENT,
			    "kernel %s takes %u argument(s), %zd given",
			    PyUnicode_AsUTF8(k->name), n,
			    PyTuple_GET_SIZE(values));
		return NULL;
	}
	a = PyMem_Calloc(n ? n : 1, sizeof(*a));
	if (!a)
		return (struct d1py_arg *)PyErr_NoMemory();
	for (i = 0; i < n; i++) {
		struct d1_kernel_arg_info ai;
		PyObject *v = PyTuple_GET_ITEM(values, i);
		int err;

		d1_kernel_arg_info(k->k, i, &ai);
		a[i].kind = ai.kind;
		switch (ai.kind) {
		case D1_ARG_INT:
		case D1_ARG_SRAM_PTR:
			err = int_arg(k, i, v, &ai, &a[i]);
			break;
		case D1_ARG_FLOAT:
			err = float_arg(k, i, v, &a[i]);
			break;
		case D1_ARG_BUFFER:
			err = buffer_arg(k, i, v, dev, &a[i]);
			break;
		default:
			err = bytes_arg(k, i, v, &ai, &a[i]);
			break;
		}
		if (err) {
			d1py_args_free(a, n);
			return NULL;
		}
	}
	*count = n;
	return a;
}

/* Sets the prepared arguments; no Python calls (runs without the GIL). */
d1_status d1py_args_apply(D1Kernel *k, const struct d1py_arg *a,
			  unsigned int n)
{
	d1_status st = D1_SUCCESS;
	unsigned int i;

	for (i = 0; i < n && !st; i++) {
		switch (a[i].kind) {
		case D1_ARG_BUFFER:
			st = d1_kernel_set_arg_buffer(k->k, i, a[i].buf->buf,
						      a[i].off);
			break;
		case D1_ARG_RAW:
			st = d1_kernel_set_args_raw(k->k, a[i].view.buf,
						    (size_t)a[i].view.len);
			break;
		case D1_ARG_OTHER:
			st = d1_kernel_set_arg(k->k, i, a[i].view.buf,
					       (size_t)a[i].view.len);
			break;
		default:
			st = d1_kernel_set_arg(k->k, i, a[i].bytes, a[i].size);
			break;
		}
	}
	return st;
}

/* After applying: the kernel keeps the buffers it points at alive. */
void d1py_args_bind(D1Kernel *k, const struct d1py_arg *a, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		PyObject *b = a[i].buf ? (PyObject *)a[i].buf : Py_None;

		Py_INCREF(b);
		PyList_SetItem(k->bound, i, b);
	}
}

static PyObject *kernel_set_args(D1Kernel *self, PyObject *args)
{
	struct d1py_arg *a;
	unsigned int n;
	d1_status st;

	a = d1py_args_prepare(self, args, NULL, &n);
	if (!a)
		return NULL;
	D1PY_BLOCKING(self->lock, st = d1py_args_apply(self, a, n));
	if (!st)
		d1py_args_bind(self, a, n);
	d1py_args_free(a, n);
	if (st)
		return d1py_error(st, NULL);
	Py_RETURN_NONE;
}

static PyObject *kernel_get_name(D1Kernel *self, void *closure)
{
	(void)closure;
	Py_INCREF(self->name);
	return self->name;
}

static PyObject *kernel_get_args(D1Kernel *self, void *closure)
{
	(void)closure;
	Py_INCREF(self->args);
	return self->args;
}

static PyObject *kernel_repr(D1Kernel *self)
{
	PyObject *parts = PyList_New(0), *sep, *joined, *r;
	Py_ssize_t i;

	if (!parts)
		return NULL;
	for (i = 0; i < PyTuple_GET_SIZE(self->args); i++) {
		PyObject *a = PyTuple_GET_ITEM(self->args, i);
		PyObject *s = PyUnicode_FromFormat(
			"%U %U", PyStructSequence_GET_ITEM(a, 1),
			PyStructSequence_GET_ITEM(a, 0));

		if (!s || PyList_Append(parts, s)) {
			Py_XDECREF(s);
			Py_DECREF(parts);
			return NULL;
		}
		Py_DECREF(s);
	}
	sep = PyUnicode_FromString(", ");
	joined = sep ? PyUnicode_Join(sep, parts) : NULL;
	r = joined ? PyUnicode_FromFormat("<d1.Kernel %U(%U)>", self->name,
					  joined) : NULL;
	Py_XDECREF(sep);
	Py_XDECREF(joined);
	Py_DECREF(parts);
	return r;
}

static PyMethodDef kernel_methods[] = {
	{ "set_args", (PyCFunction)kernel_set_args, METH_VARARGS,
	  "set_args(*values)\n\nSet every argument of the next launch." },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef kernel_getset[] = {
	{ "name", (getter)kernel_get_name, NULL, "the kernel's name", NULL },
	{ "args", (getter)kernel_get_args, NULL,
	  "its parameters: a tuple of d1.ArgInfo", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject D1Kernel_Type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "d1.Kernel",
	.tp_basicsize = sizeof(D1Kernel),
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Kernel(program, name)\n\n"
		  "A kernel of a built program with its arguments; launched "
		  "by Stream.launch() and Device.run().",
	.tp_new = kernel_new,
	.tp_dealloc = (destructor)kernel_dealloc,
	.tp_repr = (reprfunc)kernel_repr,
	.tp_methods = kernel_methods,
	.tp_getset = kernel_getset,
};
